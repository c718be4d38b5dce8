/**
 * Bounce and complaint notifications from email providers, as feedback events
 * (see feedback.ts). Pure: a parsed JSON body in, events (or a reason to
 * refuse it) out. Shapes follow the providers' documented payloads:
 *
 * - Amazon SES event notifications delivered by SNS to an HTTPS endpoint: an
 *   SNS envelope (`Type`, `MessageId`, `Message` as a JSON string) around the
 *   SES notification (`notificationType` for identity notifications,
 *   `eventType` for configuration-set event publishing). `Bounce` with
 *   bounceType `Permanent` is a hard bounce, `Transient` a soft one;
 *   `Complaint` is a complaint (unless its feedback type is `not-spam`).
 * - Postmark's bounce webhook (`RecordType: "Bounce"`, `Type` such as
 *   `HardBounce`, `SoftBounce`) and spam-complaint webhook
 *   (`RecordType: "SpamComplaint"`), decided by the same table as a
 *   Postmark record that arrives by email.
 */
import { addressKey } from './address.js';
import type { FeedbackEvent } from './feedback.js';
import { readPostmarkRecord } from './bounce-classify/postmark-record.js';
import { verdictOf, type Verdict } from './bounce-classify/reasons.js';
import { isJsonObject as isObject, jsonString as str, type JsonObject as Json } from '../../util/json-shape.js';

export type ProviderParse =
  | { ok: true; events: FeedbackEvent[]; ignored: string[]; subscribeUrl?: string }
  | { ok: false; message: string };

const iso = (v: unknown, fallback: Date): string => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return (Number.isNaN(t) ? fallback : new Date(t)).toISOString();
};

/** An SNS HTTP(S) delivery: subscription handshake or an SES notification. */
export function parseSnsDelivery(body: unknown, now: Date): ProviderParse {
  if (!isObject(body) || !str(body['Type']) || !str(body['MessageId'])) return { ok: false, message: 'not an SNS message (expected JSON with Type and MessageId)' };
  const type = str(body['Type'])!;
  if (type === 'SubscriptionConfirmation' || type === 'UnsubscribeConfirmation') {
    const url = str(body['SubscribeURL']);
    return { ok: true, events: [], ignored: [`SNS ${type}`], ...(url ? { subscribeUrl: url } : {}) };
  }
  if (type !== 'Notification') return { ok: false, message: `unknown SNS message type "${type}"` };
  let inner: unknown;
  try {
    inner = typeof body['Message'] === 'string' ? JSON.parse(body['Message']) : body['Message'];
  } catch {
    return { ok: false, message: 'SNS Message is not JSON (is this topic carrying SES notifications?)' };
  }
  return parseSesNotification(inner, now);
}

/** The entries of an SES recipients list (bouncedRecipients, complainedRecipients) that name an address, keyed as the store keys them. */
function sesRecipients(list: unknown[]): { address: string; entry: Json }[] {
  return list.flatMap((entry) => {
    const address = isObject(entry) ? str(entry['emailAddress']) : undefined;
    return isObject(entry) && address?.includes('@') ? [{ address: addressKey(address), entry }] : [];
  });
}

export function parseSesNotification(n: unknown, now: Date): ProviderParse {
  if (!isObject(n)) return { ok: false, message: 'not an SES notification (expected a JSON object)' };
  const kind = str(n['notificationType']) ?? str(n['eventType']);
  if (!kind) return { ok: false, message: 'not an SES notification (no notificationType or eventType)' };
  const mail = isObject(n['mail']) ? n['mail'] : {};
  const messageId = str(mail['messageId']);
  const common = isObject(mail['commonHeaders']) ? mail['commonHeaders'] : {};
  const originalId = str(common['messageId']) ?? messageId;
  const base = { via: 'ses', ...(originalId ? { messageId: originalId } : {}) };
  if (kind === 'Bounce') {
    const bounce = n['bounce'];
    if (!isObject(bounce) || !Array.isArray(bounce['bouncedRecipients'])) return { ok: false, message: 'SES Bounce without bounce.bouncedRecipients' };
    const type = str(bounce['bounceType']);
    if (type !== 'Permanent' && type !== 'Transient') return { ok: true, events: [], ignored: [`SES bounce of type ${type ?? 'none'} (only Permanent and Transient count)`] };
    const feedbackId = str(bounce['feedbackId']) ?? messageId;
    if (!feedbackId) return { ok: false, message: 'SES Bounce without feedbackId or mail.messageId' };
    const events: FeedbackEvent[] = sesRecipients(bounce['bouncedRecipients']).map(({ address, entry }) => {
      const status = str(entry['status']);
      const detail = str(entry['diagnosticCode']);
      return {
        ...base,
        id: `ses:${feedbackId} ${address}`,
        kind: type === 'Permanent' ? 'hard-bounce' : 'soft-bounce',
        address,
        at: iso(bounce['timestamp'], now),
        ...(status ? { status } : {}),
        detail: [`${type}/${str(bounce['bounceSubType']) ?? 'General'}`, detail].filter(Boolean).join(': '),
      };
    });
    if (events.length === 0) return { ok: false, message: 'SES Bounce names no recipient address' };
    return { ok: true, events, ignored: [] };
  }
  if (kind === 'Complaint') {
    const complaint = n['complaint'];
    if (!isObject(complaint) || !Array.isArray(complaint['complainedRecipients'])) return { ok: false, message: 'SES Complaint without complaint.complainedRecipients' };
    const feedbackType = str(complaint['complaintFeedbackType']);
    if (feedbackType === 'not-spam') return { ok: true, events: [], ignored: ['SES complaint of type not-spam'] };
    const feedbackId = str(complaint['feedbackId']) ?? messageId;
    if (!feedbackId) return { ok: false, message: 'SES Complaint without feedbackId or mail.messageId' };
    const events: FeedbackEvent[] = sesRecipients(complaint['complainedRecipients']).map(({ address }) => ({
      ...base,
      id: `ses:${feedbackId} ${address}`,
      kind: 'complaint',
      address,
      at: iso(complaint['timestamp'], now),
      detail: `feedback type ${feedbackType ?? 'unspecified'}`,
    }));
    if (events.length === 0) return { ok: false, message: 'SES Complaint names no recipient address' };
    return { ok: true, events, ignored: [] };
  }
  // Delivery, Send, Open, Click, Reject, DeliveryDelay...: fine to receive, nothing to do.
  return { ok: true, events: [], ignored: [`SES ${kind} notification`] };
}

const FEEDBACK_KINDS: Partial<Record<Verdict, FeedbackEvent['kind']>> = { hard: 'hard-bounce', soft: 'soft-bounce', complaint: 'complaint' };

/** Postmark's record types decide as the emailed ones do (postmark-record.ts); "ours" and "ignored" suppress nobody. */
export function parsePostmark(body: unknown, now: Date): ProviderParse {
  if (!isObject(body) || !str(body['RecordType'])) return { ok: false, message: 'not a Postmark webhook (expected JSON with RecordType)' };
  const record = str(body['RecordType'])!;
  if (record !== 'Bounce' && record !== 'SpamComplaint') return { ok: true, events: [], ignored: [`Postmark ${record} webhook`] };
  const found = readPostmarkRecord(body);
  if (!found) return { ok: false, message: `Postmark ${record} without an Email address` };
  if (found.id === undefined) return { ok: false, message: `Postmark ${record} without an ID` };
  const verdict = verdictOf(found.recipient.reason ?? 'undefined');
  const kind = FEEDBACK_KINDS[verdict];
  if (!kind) return { ok: true, events: [], ignored: [`Postmark bounce of type ${found.type} (${verdict === 'ours' ? 'about our sending, not the reader' : 'not a delivery failure'})`] };
  const address = addressKey(found.recipient.address);
  const detail = found.recipient.diagnostic;
  return {
    ok: true,
    ignored: [],
    events: [
      {
        id: `postmark:${found.id} ${address}`,
        kind,
        address,
        at: iso(found.bouncedAt, now),
        via: 'postmark',
        ...(found.messageId ? { messageId: found.messageId } : {}),
        ...(detail ? { detail } : {}),
      },
    ],
  };
}
