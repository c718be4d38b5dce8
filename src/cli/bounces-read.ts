/**
 * Every message of a bounce mailbox, classified (bounce-classify/) and
 * matched to mail we sent: what `briefwire bounces` decides, before anything
 * is applied. A message that cannot be read is counted and named; it never
 * stops the run.
 */
import type { BounceClassification } from '../deliver/audience/bounce-classify/classify-bounce.js';
import type { Verdict } from '../deliver/audience/bounce-classify/reasons.js';
import type { OursWarning, ReportEvents } from '../deliver/audience/bounce-report.js';
import type { FeedbackEvent } from '../deliver/audience/feedback.js';
import type { RawMail } from '../deliver/audience/mailbox.js';
import type { SentMail } from '../deliver/send/sent-mail.js';

/** One line of `bounces --dry-run --json`. */
export interface MessageDecision {
  message: string | number;
  verdict: Verdict;
  reason: string;
  recipients: string[];
  /** For each recipient, whether we mailed them (only those are acted on). */
  matched: boolean[];
  diagnostic: string;
}

export interface MailboxReading {
  messages: number;
  /** Recipients (or messages naming none) per verdict and per reason. */
  verdicts: Map<Verdict, number>;
  reasons: Map<string, number>;
  /** Events about readers we mailed: what the rules are applied to. */
  events: FeedbackEvent[];
  ours: (OursWarning & { where: string })[];
  unmatched: string[];
  ignored: string[];
  unreadable: string[];
}

const bump = <K>(m: Map<K, number>, k: K): void => void m.set(k, (m.get(k) ?? 0) + 1);

function decisionOf(mail: RawMail, c: BounceClassification, sent: SentMail): MessageDecision {
  return {
    message: mail.message,
    verdict: c.verdict,
    reason: c.reason,
    recipients: c.recipients.map((r) => r.address),
    matched: c.recipients.map((r) => sent.match(r.address, c.originalMessageId) !== null),
    diagnostic: c.diagnostic,
  };
}

function tally(r: MailboxReading, mail: RawMail, c: BounceClassification, d: MessageDecision, events: ReportEvents): void {
  if (c.unreadable) r.unreadable.push(`${mail.where}: ${c.unreadable}`);
  if (c.recipients.length === 0) {
    bump(r.verdicts, c.verdict);
    bump(r.reasons, c.reason);
  }
  for (const rc of c.recipients) {
    bump(r.verdicts, rc.verdict);
    bump(r.reasons, rc.reason);
  }
  const mailed = new Set(d.recipients.filter((_, i) => d.matched[i]));
  for (const i of events.ignored) r.ignored.push(`${mail.where}: ${i.address ? `${i.address}: ` : ''}${i.why}`);
  for (const o of events.ours) if (mailed.has(o.address)) r.ours.push({ ...o, where: mail.where });
  for (const e of events.events) {
    if (mailed.has(e.address)) r.events.push(e);
    else r.unmatched.push(`${mail.where}: ${e.address}${e.messageId ? ` (${e.messageId})` : ''}: no message of ours to this address`);
  }
}

/** Reads and decides every message; `onDecision` sees each one as it is decided. */
export async function readMailbox(source: AsyncIterable<RawMail>, sent: SentMail, now: Date, onDecision: (d: MessageDecision) => void = () => undefined): Promise<MailboxReading> {
  // mailparser is loaded only when bounces are read, so it costs every other command nothing.
  const { classifyBounce } = await import('../deliver/audience/bounce-classify/classify-bounce.js');
  const { reportEvents } = await import('../deliver/audience/bounce-report.js');
  const r: MailboxReading = { messages: 0, verdicts: new Map(), reasons: new Map(), events: [], ours: [], unmatched: [], ignored: [], unreadable: [] };
  for await (const mail of source) {
    r.messages++;
    const unreadable = (why: string): BounceClassification => ({ format: 'none', verdict: 'ignored', reason: 'notareport', recipients: [], diagnostic: why, reportId: mail.where, unreadable: why });
    const c = mail.unreadable ? unreadable(mail.unreadable) : await classifyBounce(mail.raw).catch((e: Error) => unreadable(`could not be classified (${e.message})`));
    const d = decisionOf(mail, c, sent);
    onDecision(d);
    tally(r, mail, c, d, reportEvents(c, now));
  }
  return r;
}
