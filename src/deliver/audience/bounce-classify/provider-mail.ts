/**
 * Bounce and complaint notifications that reach us by email instead of a
 * webhook, as JSON in the body:
 * - Amazon SES through an SNS email subscription (SNS breaks long lines with
 *   "!" and a newline): reasons come from the diagnostic, the bounce
 *   sub-type filling in where the diagnostic says little;
 * - a Postmark bounce or spam-complaint record (postmark-record.ts);
 * - SendGrid's event array (sendgrid-event.ts).
 * Postmark and SendGrid send these to a webhook; a relay that mails them on
 * (a forwarding rule, an automation service) is how they arrive here.
 */
import type { Finding, FoundRecipient } from './finding.js';
import type { BounceMail } from './mail-parts.js';
import type { Reason } from './reasons.js';
import { readPostmarkRecord } from './postmark-record.js';
import { readSendGridEvents } from './sendgrid-event.js';
import { isJsonObject as isObject, jsonString as str, type JsonObject as Json } from '../../../util/json-shape.js';


const SUBTYPE_REASONS: Record<string, Reason> = {
  NoEmail: 'userunknown',
  Suppressed: 'suppressed',
  OnAccountSuppressionList: 'suppressed',
  MailboxFull: 'mailboxfull',
  MessageTooLarge: 'mesgtoobig',
  ContentRejected: 'contenterror',
  AttachmentRejected: 'policyviolation',
};

/** The first JSON object or array in the body, from its first opening bracket to its last closing one. */
function jsonIn(text: string): unknown {
  const joined = text.replace(/!\r?\n /g, '');
  const start = joined.search(/[[{]/);
  const end = Math.max(joined.lastIndexOf('}'), joined.lastIndexOf(']'));
  if (start < 0 || end <= start) return undefined;
  try {
    return JSON.parse(joined.slice(start, end + 1)) as unknown;
  } catch {
    return undefined;
  }
}

function listOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

export function readProviderMail(mail: BounceMail): Finding | undefined {
  if (!/"(notificationType|eventType|RecordType|sg_event_id|sg_message_id)"/.test(mail.text)) return undefined;
  const body = jsonIn(mail.text);
  const postmark = readPostmarkRecord(body);
  if (postmark) return { format: 'provider', recipients: [postmark.recipient], ...(postmark.messageId ? { originalMessageId: postmark.messageId } : {}) };
  const sendgrid = readSendGridEvents(body);
  if (sendgrid) return { format: 'provider', recipients: sendgrid };
  return isObject(body) ? readSesMail(body) : undefined;
}

function readSesMail(n: Json): Finding | undefined {
  const kind = str(n['notificationType']) ?? str(n['eventType']);
  if (!kind) return undefined;
  const sesMail = isObject(n['mail']) ? n['mail'] : {};
  const headers = isObject(sesMail['commonHeaders']) ? sesMail['commonHeaders'] : {};
  const originalMessageId = str(headers['messageId']);
  const base = { format: 'provider' as const, ...(originalMessageId ? { originalMessageId } : {}) };
  if (kind === 'Bounce' && isObject(n['bounce'])) {
    const bounce = n['bounce'];
    const subReason = SUBTYPE_REASONS[str(bounce['bounceSubType']) ?? ''];
    const temporary = str(bounce['bounceType']) === 'Transient';
    const recipients = listOf(bounce['bouncedRecipients']).flatMap((r): FoundRecipient[] => {
      const address = str(r['emailAddress'])?.toLowerCase();
      if (!address) return [];
      const status = str(r['status']) ?? (temporary ? '4.0.0' : undefined);
      return [{ address, status, action: str(r['action']) ?? 'failed', diagnostic: str(r['diagnosticCode']), ...(subReason ? { reason: subReason } : {}) }];
    });
    return { ...base, recipients };
  }
  if (kind === 'Complaint' && isObject(n['complaint'])) {
    const complaint = n['complaint'];
    const feedbackType = (str(complaint['complaintFeedbackType']) ?? 'abuse').toLowerCase();
    const recipients = listOf(complaint['complainedRecipients']).flatMap((r): FoundRecipient[] => {
      const address = str(r['emailAddress'])?.toLowerCase();
      return address ? [{ address, reason: 'feedback', diagnostic: `feedback type ${feedbackType}` }] : [];
    });
    return { ...base, feedbackType, recipients };
  }
  if (kind === 'Delivery') {
    const delivery = isObject(n['delivery']) ? n['delivery'] : {};
    const addresses = Array.isArray(delivery['recipients']) ? delivery['recipients'] : [];
    return { ...base, recipients: addresses.flatMap((a) => (typeof a === 'string' ? [{ address: a.toLowerCase(), reason: 'delivered' as const, action: 'delivered' }] : [])) };
  }
  return undefined;
}
