/**
 * One message from the bounce mailbox in, a decision out: which format it
 * is, who it is about, why it came back and what that does to each reader.
 * Pure apart from parsing; never throws (a message that cannot be read is
 * "ignored" with the reason why, so one bad message never stops a run).
 */
import { createHash } from 'node:crypto';
import { readDeliveryStatus } from './delivery-status.js';
import { readFeedbackReport } from './feedback-report.js';
import type { Finding, Format, FoundRecipient } from './finding.js';
import { partOf, readBounceMail, type BounceMail } from './mail-parts.js';
import { readPlainText, reportText } from './plain-text.js';
import { readProviderMail } from './provider-mail.js';
import { reasonOf } from './reason-of.js';
import { strongestVerdict, verdictOf, type Reason, type Verdict } from './reasons.js';

export interface ClassifiedRecipient {
  address: string;
  verdict: Verdict;
  reason: Reason;
  status?: string;
  diagnostic?: string;
}

export interface BounceClassification {
  format: Format | 'none';
  /** The strongest verdict among the recipients (the message's own, when it names nobody). */
  verdict: Verdict;
  reason: Reason;
  recipients: ClassifiedRecipient[];
  /** The server's words for the first recipient with the message's verdict, shortened. */
  diagnostic: string;
  feedbackType?: string;
  originalMessageId?: string;
  /** The report's own Message-ID (or a digest of it): with the address, what makes a re-read a duplicate. */
  reportId: string;
  /** The report's Date, ISO; absent when it has none (the caller knows what "now" is). */
  date?: string;
  /** Set when the message could not be read at all. */
  unreadable?: string;
}

export const DIAGNOSTIC_MAX = 200;

/** The server's words on one line, cut to a length a terminal and a JSON line can carry. */
export function shorten(text: string | undefined, max = DIAGNOSTIC_MAX): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|bounce|double-bounce)@/i;
const BOUNCE_SUBJECT = /undeliver|undelivered|delivery (status|failure|failed|notification|has failed|problem)|returned mail|failure notice|mail delivery|could not be delivered|not be delivered|non remis|bounce|delivery error|nondeliverable|unzustellbar|permanent error|rejected|error sending/i;
const BOUNCE_BODY = /could not be delivered|invalid user address|error message below|couldn't be delivered|undeliverable|delivery (has )?failed|permanent (fatal )?error|wasn't able to deliver|was not delivered|unable to deliver|not able to deliver|failed to deliver|following address(es)? failed|delivery to the following recipient|user unknown|returned to sender/i;

function looksLikeBounce(mail: BounceMail): boolean {
  return (
    mail.from.some((a) => BOUNCE_SENDER.test(a)) ||
    BOUNCE_SUBJECT.test(mail.subject) ||
    mail.header('x-failed-recipients') !== '' ||
    BOUNCE_BODY.test(mail.text.slice(0, 4000))
  );
}

const AUTO_REPLY_SUBJECT = /^(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|vacation|abwesenheit|absence|r[ée]ponse automatique|autoreply)/i;

function readAutoReply(mail: BounceMail): Finding | undefined {
  const autoReplied = /auto-replied/i.test(mail.header('auto-submitted')) || mail.header('x-autoreply') !== '' || mail.header('x-autorespond') !== '' || /auto_reply/i.test(mail.header('precedence'));
  if (!autoReplied && !AUTO_REPLY_SUBJECT.test(mail.subject)) return undefined;
  return { format: 'auto-reply', recipients: mail.from.map((address) => ({ address, reason: 'vacation' as const, diagnostic: mail.subject })) };
}

/** The readers, in the order the report names them; the first format that finds someone wins. */
async function find(mail: BounceMail, depth = 0): Promise<Finding | undefined> {
  const found = readFeedbackReport(mail) ?? readProviderMail(mail) ?? readDeliveryStatus(mail);
  if (found) return found;
  if (!looksLikeBounce(mail)) return readAutoReply(mail);
  const plain = readPlainText(mail);
  if (plain || depth > 0) return plain;
  // A relay that wraps the bounce it received in a bounce of its own: the report is the attached message.
  const attached = partOf(mail, 'message/rfc822');
  return attached ? find(await readBounceMail(Buffer.from(attached.text, 'utf8')), depth + 1) : undefined;
}

/** Reasons a format names that no server's words can change: they say what the message is, not why it failed. */
const NOT_FAILURES: ReadonlySet<Reason> = new Set(['feedback', 'delivered', 'vacation', 'delayed', 'notareport']);

function classifyRecipient(r: FoundRecipient, feedbackType: string | undefined, context: string): ClassifiedRecipient {
  const reason = r.reason && !NOT_FAILURES.has(r.reason) ? refine(r) : r.reason ?? reasonOf({ ...r, context });
  const status = r.status;
  return { address: r.address, verdict: verdictOf(reason, status, feedbackType), reason, ...(status ? { status } : {}), ...(r.diagnostic ? { diagnostic: shorten(r.diagnostic) } : {}) };
}

/** A provider's own reason stands unless the server's words say something more specific. */
function refine(r: FoundRecipient): Reason {
  const fromWords = reasonOf({ ...r, status: undefined });
  return fromWords === 'onhold' || fromWords === 'undefined' ? r.reason! : fromWords;
}

export async function classifyBounce(raw: Buffer): Promise<BounceClassification> {
  const reportId = `sha256:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
  let mail: BounceMail;
  try {
    mail = await readBounceMail(raw);
  } catch (e) {
    const why = `not a readable email (${(e as Error).message})`;
    return { format: 'none', verdict: 'ignored', reason: 'notareport', recipients: [], diagnostic: why, reportId, unreadable: why };
  }
  const date = mail.date ? { date: mail.date.toISOString() } : {};
  const id = mail.messageId ?? reportId;
  const found = await find(mail);
  if (found && found.recipients.length === 0 && found.feedbackType) {
    // Counted as what it is; nobody can be suppressed for it.
    const verdict = verdictOf('feedback', undefined, found.feedbackType);
    const diagnostic = `a ${found.feedbackType} feedback report that does not say who complained`;
    return { format: found.format, verdict, reason: 'feedback', recipients: [], diagnostic, feedbackType: found.feedbackType, reportId: id, ...date };
  }
  if (!found || found.recipients.length === 0) {
    const what = found ? `a ${found.format} report that names no recipient` : `not a bounce or complaint report (subject "${shorten(mail.subject, 80)}")`;
    return { format: found?.format ?? 'none', verdict: 'ignored', reason: 'notareport', recipients: [], diagnostic: what, reportId: id, ...date };
  }
  const context = reportText(mail.text);
  const recipients = found.recipients.map((r) => classifyRecipient(r, found.feedbackType, context));
  const verdict = strongestVerdict(recipients.map((r) => r.verdict));
  const lead = recipients.find((r) => r.verdict === verdict)!;
  return {
    format: found.format,
    verdict,
    reason: lead.reason,
    recipients,
    diagnostic: lead.diagnostic ?? '',
    ...(found.feedbackType ? { feedbackType: found.feedbackType } : {}),
    ...(found.originalMessageId ? { originalMessageId: found.originalMessageId } : {}),
    reportId: id,
    ...date,
  };
}
