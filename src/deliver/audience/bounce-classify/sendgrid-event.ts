/**
 * SendGrid's delivery events (the Event Webhook's JSON array, as a relay
 * that forwards them by email carries it in the body), read as findings.
 * Only the events that say something about a reader count: bounces and
 * blocks, drops, deferrals, spam reports and unsubscribes.
 *
 * SendGrid's own reference for the fields:
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event
 */
import type { FoundRecipient } from './finding.js';
import type { Reason } from './reasons.js';
import { isJsonObject as isObject, jsonString as str } from '../../../util/json-shape.js';

/** The reason an event names outright; bounces take theirs from the status and the server's words. */
const EVENT_REASONS: Readonly<Record<string, Reason>> = {
  spamreport: 'feedback',
  unsubscribe: 'feedback',
  group_unsubscribe: 'feedback',
  deferred: 'delayed',
  delivered: 'delivered',
  // SendGrid did not send it: the address is on SendGrid's own suppression list, like SES's.
  dropped: 'suppressed',
};

function recipientOf(event: Record<string, unknown>): FoundRecipient | undefined {
  const name = str(event['event']);
  const address = str(event['email'])?.toLowerCase();
  if (!name || !address?.includes('@')) return undefined;
  const diagnostic = str(event['reason']) ?? str(event['response']);
  const status = str(event['status']);
  if (name === 'bounce') {
    // "blocked": the receiving server refused our mail for now (reputation, content), not the address.
    const blocked = str(event['type']) === 'blocked';
    return { address, status, diagnostic, action: 'failed', ...(blocked ? { reason: 'blocked' as const } : {}) };
  }
  const reason = EVENT_REASONS[name];
  return reason ? { address, diagnostic, reason, ...(status ? { status } : {}) } : undefined;
}

/** The readers an array of SendGrid events names, or undefined when it is not one. */
export function readSendGridEvents(body: unknown): FoundRecipient[] | undefined {
  if (!Array.isArray(body) || !body.every(isObject) || !body.some((e) => typeof e['sg_event_id'] === 'string' || typeof e['sg_message_id'] === 'string')) return undefined;
  return body.flatMap((e) => recipientOf(e) ?? []);
}
