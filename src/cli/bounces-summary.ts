/**
 * What `briefwire bounces` prints after reading a mailbox: the messages it
 * left alone and why, a warning for refusals on our side (fix DKIM, SPF or
 * reputation: nobody is suppressed for them), counts per verdict and per
 * reason, and what the suppression list gained.
 */
import type { FeedbackOutcome } from '../deliver/audience/feedback.js';
import { SOFT_BOUNCE_LIMIT, SOFT_BOUNCE_WINDOW_DAYS } from '../deliver/audience/feedback.js';
import { VERDICTS } from '../deliver/audience/bounce-classify/reasons.js';
import type { MailboxReading } from './bounces-read.js';

const MAX_LISTED = 50;

export function listItems(out: NodeJS.WritableStream, title: string, items: string[]): void {
  if (items.length === 0) return;
  out.write(`${title} (${items.length}):\n`);
  for (const item of items.slice(0, MAX_LISTED)) out.write(`  ${item}\n`);
  if (items.length > MAX_LISTED) out.write(`  ... and ${items.length - MAX_LISTED} more\n`);
}

/** Refusals on our side, grouped by reason, with one sample of the server's words. */
export function oursWarning(read: MailboxReading): string | undefined {
  if (read.ours.length === 0) return undefined;
  const byReason = new Map<string, number>();
  for (const o of read.ours) byReason.set(o.reason, (byReason.get(o.reason) ?? 0) + 1);
  const reasons = [...byReason].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ');
  const sample = read.ours.find((o) => o.diagnostic) ?? read.ours[0]!;
  return (
    `Warning: ${read.ours.length} recipient(s) refused for reasons on our side (${reasons}); nobody was suppressed for them. ` +
    `Check DKIM, SPF, DMARC and the sending IP's reputation. Sample (${sample.where}): ${sample.diagnostic || sample.reason}\n`
  );
}

function counts(m: Map<string, number>, order?: readonly string[]): string {
  const keys = order ? order.filter((k) => m.has(k)) : [...m.keys()].sort((a, b) => (m.get(b) ?? 0) - (m.get(a) ?? 0) || a.localeCompare(b));
  return keys.map((k) => `${k} ${m.get(k)}`).join(', ') || 'none';
}

export function printSummary(out: NodeJS.WritableStream, read: MailboxReading, outcomes: FeedbackOutcome[] | null): void {
  listItems(out, 'Could not be read, counted and skipped', read.unreadable);
  listItems(out, 'Reports about mail we did not send, ignored', read.unmatched);
  listItems(out, 'Not counted', read.ignored);
  const warning = oursWarning(read);
  if (warning) out.write(warning);
  out.write(`Read ${read.messages} message${read.messages === 1 ? '' : 's'} (${read.unreadable.length} unreadable).\n`);
  out.write(`Per verdict: ${counts(read.verdicts, VERDICTS)}.\n`);
  out.write(`Per reason: ${counts(read.reasons)}.\n`);
  if (!outcomes) {
    out.write(`Dry run: ${read.events.length} event(s) about readers we mailed would be applied; nothing changed.\n`);
    return;
  }
  const count = { hard: 0, complaint: 0, soft: 0, counted: 0, duplicate: 0, already: 0 };
  for (const o of outcomes) {
    if (o.kind === 'duplicate') count.duplicate++;
    else if (o.kind === 'already-suppressed') count.already++;
    else if (o.kind === 'counted') count.counted++;
    else if (o.reason === 'hard-bounce') count.hard++;
    else if (o.reason === 'complaint') count.complaint++;
    else count.soft++;
  }
  out.write(`Suppressed now: ${count.hard} hard bounce, ${count.complaint} complaint, ${count.soft} soft bounce (${SOFT_BOUNCE_LIMIT} within ${SOFT_BOUNCE_WINDOW_DAYS} days).\n`);
  out.write(`Soft bounces counted, not yet suppressing: ${count.counted}. Already suppressed: ${count.already}. Read before (unchanged): ${count.duplicate}. No matching message: ${read.unmatched.length}.\n`);
}
