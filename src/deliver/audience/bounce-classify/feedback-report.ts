/**
 * Complaints: feedback-loop reports (ARF, RFC 5965), and the forms that are
 * not ARF but mean the same: an abuse desk forwarding the original message,
 * and a mail client's one-click "unsubscribe" sent as a plain message
 * (Apple Mail). Recipients come from every Original-Rcpt-To line, then
 * Removal-Recipient, then the original's To.
 */
import { fieldsOf, typedAddress } from './dsn-fields.js';
import { originalHeaders, originalMessageId, originalRecipients, type Finding } from './finding.js';
import { partOf, type BounceMail } from './mail-parts.js';

const RECIPIENT_FIELDS = ['original-rcpt-to', 'removal-recipient'];

function reportFields(mail: BounceMail): ReturnType<typeof fieldsOf> | undefined {
  const part = partOf(mail, 'message/feedback-report');
  if (part) return fieldsOf(part.text);
  // Some feedback loops put the fields in the text part of a report, or the report type on a text part.
  if (/^Feedback-Type:/im.test(mail.text) && (mail.reportType === 'feedback-report' || /^User-Agent:|^Version:/im.test(mail.text))) return fieldsOf(mail.text);
  return undefined;
}

export function readFeedbackReport(mail: BounceMail): Finding | undefined {
  const fields = reportFields(mail);
  if (!fields) return readComplaintForward(mail);
  const feedbackType = (fields.find((f) => f.name === 'feedback-type')?.value ?? 'abuse').toLowerCase().split(/[\s;]/)[0] ?? 'abuse';
  const original = originalHeaders(mail);
  let addresses: string[] = [];
  for (const name of RECIPIENT_FIELDS) {
    addresses = fields.filter((f) => f.name === name).flatMap((f) => typedAddress(f.value) ?? []);
    if (addresses.length > 0) break;
  }
  if (addresses.length === 0) addresses = originalRecipients(mail, original);
  if (addresses.length === 0 && /^(fw|fwd):/i.test(mail.subject)) addresses = mail.from;
  const messageId = originalMessageId(mail, original);
  return {
    format: 'arf',
    feedbackType,
    recipients: [...new Set(addresses)].map((address) => ({ address, reason: 'feedback' as const, diagnostic: `feedback type ${feedbackType}` })),
    ...(messageId ? { originalMessageId: messageId } : {}),
  };
}

/** A reader's own "unsubscribe" or "this is spam" sent back to us, without report fields. */
function readComplaintForward(mail: BounceMail): Finding | undefined {
  const appleUnsubscribe = /^true$/i.test(mail.header('x-apple-unsubscribe'));
  const unsubscribe = appleUnsubscribe || /^\s*unsubscribe\s*$/i.test(mail.subject);
  const abuseForward = /^(fw|fwd):/i.test(mail.subject) && /^(abuse|spam)@/i.test(mail.to[0] ?? '') && partOf(mail, 'message/rfc822') !== undefined;
  if (!unsubscribe && !abuseForward) return undefined;
  const feedbackType = unsubscribe ? 'opt-out' : 'abuse';
  const messageId = originalMessageId(mail);
  return {
    format: 'complaint',
    feedbackType,
    recipients: mail.from.map((address) => ({ address, reason: 'feedback' as const, diagnostic: unsubscribe ? 'the reader asked to unsubscribe' : 'the reader forwarded our message to an abuse desk' })),
    ...(messageId ? { originalMessageId: messageId } : {}),
  };
}
