/**
 * Delivery status notifications (RFC 3464): the message/delivery-status
 * part of a multipart/report, or the same fields where servers put them
 * instead (a multipart/mixed report, a text part, the whole body). Each
 * recipient's words are its Diagnostic-Code, or the human-readable part's
 * lines about it when the code says nothing.
 */
import { diagnosticText, dsnRecords, recordAddress } from './dsn-fields.js';
import { originalMessageId, type Finding, type FoundRecipient } from './finding.js';
import { partOf, type BounceMail } from './mail-parts.js';
import { wordsAbout } from './plain-text.js';

function statusFields(mail: BounceMail): string | undefined {
  const part = partOf(mail, 'message/delivery-status', 'message/global-delivery-status', 'text/delivery-status');
  if (part) return part.text;
  if (/^(Final|Original)-Recipient:/im.test(mail.text) && /^(Action|Status):/im.test(mail.text)) return mail.text;
  return undefined;
}

export function readDeliveryStatus(mail: BounceMail): Finding | undefined {
  const fields = statusFields(mail);
  if (fields === undefined) return undefined;
  const recipients: FoundRecipient[] = [];
  for (const record of dsnRecords(fields)) {
    const address = recordAddress(record);
    if (!address || recipients.some((r) => r.address === address)) continue;
    const code = diagnosticText(record.diagnostic);
    const status = record.status?.split(/\s/)[0];
    const vague = !code || code.replace(/[\d.\s]/g, '').length < 8;
    recipients.push({ address, status, action: record.action?.toLowerCase(), diagnostic: (vague ? wordsAbout(mail, address) : undefined) ?? code });
  }
  if (recipients.length === 0) return undefined;
  const messageId = originalMessageId(mail);
  return { format: 'dsn', recipients, ...(messageId ? { originalMessageId: messageId } : {}) };
}
