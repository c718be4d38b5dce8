/**
 * Bounce and complaint notifications that a sending provider mails to us
 * instead of posting to a webhook: Amazon SES through an SNS email
 * subscription, a JSON notification in the body (SNS breaks long lines with
 * "!" and a newline). The same JSON as the SES webhook; reasons come from the
 * diagnostic, the bounce sub-type filling in where the diagnostic says little.
 */
import type { Finding, FoundRecipient } from './finding.js';
import type { BounceMail } from './mail-parts.js';
import type { Reason } from './reasons.js';
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

function jsonIn(text: string): Json | undefined {
  const joined = text.replace(/!\r?\n /g, '');
  const start = joined.indexOf('{');
  const end = joined.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const value: unknown = JSON.parse(joined.slice(start, end + 1));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function listOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

export function readProviderMail(mail: BounceMail): Finding | undefined {
  if (!/"(notificationType|eventType)"/.test(mail.text)) return undefined;
  const n = jsonIn(mail.text);
  const kind = n && (str(n['notificationType']) ?? str(n['eventType']));
  if (!n || !kind) return undefined;
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
