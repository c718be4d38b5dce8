/**
 * What `send` prints about a run: the dry run's account of a send that did not
 * happen, and the summary after a real one. Only wording; the numbers come
 * from the plan (deliver/send/plan.ts) and the send (deliver/send/send-edition.ts).
 */
import type { DKIMOptions } from 'nodemailer';
import type { Problem } from '../problems.js';
import type { EditionFiles } from '../deliver/send/built-editions.js';
import type { SenderIdentity } from '../deliver/send/message.js';
import type { SendPlan } from '../deliver/send/plan.js';
import { formatDuration } from '../deliver/send/progress.js';
import { describeRecipients } from '../deliver/send/recipients.js';
import type { SendSummary } from '../deliver/send/send-edition.js';
import { formatReasons } from '../deliver/audience/suppression.js';
import { reportProblems, type CommandIo } from './command-io.js';

/** Row problems beyond this many are summarised, not listed (a broken 50k-row import would flood the terminal). */
export const MAX_LISTED_PROBLEMS = 50;
const MAX_LISTED_ADDRESSES = 100;

export interface DryRunReport {
  edition: EditionFiles;
  sender: SenderIdentity;
  plan: SendPlan;
  subscribersFile: string | null;
  dkim: DKIMOptions | undefined;
  slotNote: string;
  /** With --verify, what the connection proved (no credentials). */
  verified?: string;
  /** Every reason a real send could not run now. */
  problems: Problem[];
}

export function printDryRun(io: CommandIo, r: DryRunReport): void {
  const { edition, sender, plan, dkim } = r;
  reportProblems(io, r.problems, MAX_LISTED_PROBLEMS);
  const out = io.stdout;
  out.write(`Dry run: nothing sent, nothing recorded.${r.problems.some((p) => p.severity === 'error') ? ' A real send could not run now (see above).' : ''}\n`);
  out.write(`Edition   ${edition.date}${edition.number !== null ? ` (#${edition.number})` : ''}${r.slotNote}\n`);
  out.write(`Subject   ${edition.subject}\n`);
  out.write(`From      ${sender.from}\n`);
  out.write(`List-Id   <${sender.listId}>${dkim ? `, DKIM d=${String(dkim.domainName)} s=${dkim.keySelector}` : ''}\n`);
  out.write(
    `Recipients ${plan.total} in ${describeRecipients(r.subscribersFile)}: ${plan.toSend} to send, ${plan.alreadySent} already sent, ${formatReasons(plan.suppressed, plan.suppressedBy)} suppressed, ` +
      `${plan.failedEarlier} failed earlier, ${plan.unknown} unknown` +
      `${plan.unknownOffList ? ` (and ${plan.unknownOffList} unknown no longer on the list)` : ''}` +
      `${plan.completed ? ' (this edition\'s send has completed)' : ''}\n`,
  );
  if (plan.first.length > 0) {
    out.write('First recipients:\n');
    for (const f of plan.first) out.write(`  ${f.name ? `"${f.name}" ` : ''}<${f.address}>\n`);
  }
  if (r.verified) out.write(`Verified  ${r.verified}\n`);
  if (plan.messageBytes !== null) out.write(`Size      ${(plan.messageBytes / 1024).toFixed(1)} KiB per message (MIME, first recipient)\n`);
}

export function printSummary(io: CommandIo, s: SendSummary, seconds: number): void {
  const err = io.stderr;
  if (s.takenOverLock) {
    const { holder, reason } = s.takenOverLock;
    err.write(`Took over a stale lock${holder ? ` from pid ${holder.pid} (started ${holder.startedAt})` : ''}: ${reason}.\n`);
  }
  const list = (title: string, items: string[]): void => {
    if (items.length === 0) return;
    err.write(`${title}\n`);
    for (const item of items.slice(0, MAX_LISTED_ADDRESSES)) err.write(`  ${item}\n`);
    if (items.length > MAX_LISTED_ADDRESSES) err.write(`  ... and ${items.length - MAX_LISTED_ADDRESSES} more (see ${s.ledgerFile})\n`);
  };
  list(`Failed permanently (${s.failed.length}), not retried:`, s.failed.map((f) => `${f.address}: ${f.error}`));
  list(`Failed temporarily (${s.retryLater.length}); run the send again later to retry them:`, s.retryLater.map((f) => `${f.address}: ${f.error}`));
  list(
    `Unknown outcome (${s.unknown.length}): handed to the SMTP server, but no answer was recorded, so they may have it already. ` +
      'Check the provider\'s logs; "--resend-unknown" sends them again:',
    s.unknown,
  );
  if (s.stopReason) err.write(`Stopped early: ${s.stopReason}${s.notReached ? ` (${s.notReached} recipients not reached)` : ''}\n`);
  const rate = seconds > 0 ? (s.sent / seconds).toFixed(1) : '0';
  io.stdout.write(
    `Edition ${s.date}: ${s.sent} sent, ${s.alreadySent} skipped (sent before), ${formatReasons(s.suppressed, s.suppressedBy)} suppressed, ` +
      `${s.failed.length + s.failedEarlier} failed${s.failedEarlier ? ` (${s.failedEarlier} earlier)` : ''}, ${s.retryLater.length} to retry, ${s.unknown.length} unknown` +
      `${s.notReached ? `, ${s.notReached} not reached` : ''} — ${s.total} recipients, ${formatDuration(seconds)}, ${rate} msg/s. Ledger: ${s.ledgerFile}\n`,
  );
}
