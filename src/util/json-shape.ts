/**
 * Reading fields out of parsed JSON whose shape a provider documents but
 * does not guarantee (SES and SNS notifications, Postmark webhooks).
 */
export type JsonObject = Record<string, unknown>;

export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A non-blank string field, trimmed; anything else is undefined. */
export const jsonString = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
