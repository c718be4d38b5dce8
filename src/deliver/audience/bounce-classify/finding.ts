/**
 * What a format reader finds in a message: who it is about and, for each,
 * what the report says (status, action, the server's words). Reasons and
 * verdicts are decided afterwards, the same way for every format.
 */
import type { Reason } from './reasons.js';
import { addressesIn, partOf, type BounceMail } from './mail-parts.js';
import { fieldsOf } from './dsn-fields.js';

export interface FoundRecipient {
  address: string;
  status?: string | undefined;
  action?: string | undefined;
  diagnostic?: string | undefined;
  /** When the format itself names the reason (a provider's bounce type, a complaint). */
  reason?: Reason;
}

export type Format = 'dsn' | 'arf' | 'complaint' | 'provider' | 'plain-text' | 'auto-reply';

export interface Finding {
  format: Format;
  recipients: FoundRecipient[];
  feedbackType?: string;
  /** The Message-ID of the message that bounced, when the report carries it. */
  originalMessageId?: string;
}

/** The header fields of the returned original (message/rfc822 or text/rfc822-headers part), up to its body. */
export function originalHeaders(mail: BounceMail): Map<string, string> {
  const part = partOf(mail, 'message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers');
  const fields = new Map<string, string>();
  if (!part) return fields;
  const head = part.text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)[0] ?? '';
  for (const f of fieldsOf(head)) if (!fields.has(f.name)) fields.set(f.name, f.value);
  return fields;
}

export function originalMessageId(mail: BounceMail, original = originalHeaders(mail)): string | undefined {
  const id = original.get('message-id') ?? /^Message-I[Dd]:\s*(<[^>\s]+>)/m.exec(mail.text)?.[1];
  return id?.trim() || undefined;
}

/** The original's To addresses, minus the bounce's own parties. */
export function originalRecipients(mail: BounceMail, original = originalHeaders(mail)): string[] {
  const own = new Set([...mail.from, ...mail.to]);
  return addressesIn(original.get('to') ?? '').filter((a) => !own.has(a));
}
