/**
 * `briefwire bounces --maildir DIR | --mbox FILE`: reads bounce reports (DSN)
 * and complaint reports (ARF) from the mailbox that receives our bounces,
 * matches them to mail we sent and updates the suppression list (rules in
 * src/deliver/audience/feedback.ts). Idempotent: a report already read changes nothing.
 */
import type { CAC } from 'cac';
import { error } from '../problems.js';
import { MailboxUnreadable } from '../problem-catalogue.js';
import { applyFeedback, SOFT_BOUNCE_LIMIT, SOFT_BOUNCE_WINDOW_DAYS, type FeedbackEvent } from '../deliver/audience/feedback.js';
import { isMaildir, readMaildir, readMbox, type RawMail } from '../deliver/audience/mailbox.js';
import { SentMail } from '../deliver/send/sent-mail.js';
import { SubscriberStore } from '../deliver/audience/subscriber-store.js';
import { STATE_DIR_DEFAULT } from './options.js';
import { printProblems } from '../util/print-problems.js';
import { UsageError } from './usage-error.js';

interface BouncesOptions {
  maildir?: string;
  mbox?: string;
  state: string;
}

const MAX_LISTED = 50;

export function registerBounces(cli: CAC): void {
  cli
    .command('bounces', 'Read bounce (DSN) and complaint (ARF) reports from a mailbox and suppress those addresses')
    .option('--maildir <dir>', 'Maildir that receives bounces (reads new/ and cur/)')
    .option('--mbox <file>', 'mbox file that receives bounces')
    .option('--state <dir>', 'State directory (suppression list, feedback log)', { default: STATE_DIR_DEFAULT })
    .example('briefwire bounces --maildir ~/Maildir/.bounces')
    .action((opts: BouncesOptions) => runBounces(opts));
}

export async function runBounces(opts: BouncesOptions): Promise<number> {
  if (Boolean(opts.maildir) === Boolean(opts.mbox)) throw new UsageError('give exactly one of --maildir <dir> or --mbox <file>');
  const stateDir = String(opts.state);
  let source: AsyncGenerator<RawMail>;
  if (opts.maildir) {
    const dir = String(opts.maildir);
    if (!(await isMaildir(dir))) throw new UsageError(`--maildir ${dir}: not a Maildir (no new/ or cur/ directory)`);
    source = readMaildir(dir);
  } else {
    source = readMbox(String(opts.mbox));
  }

  const store = await SubscriberStore.load(stateDir);
  const sent = await SentMail.load(stateDir, store);
  const warnings = [...store.problems, ...sent.problems];
  if (warnings.some((p) => p.severity === 'error')) {
    printProblems(warnings);
    return 1;
  }
  printProblems(warnings);

  let read: MailboxReading;
  try {
    read = await readReports(source, sent);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const file = String(opts.mbox ?? opts.maildir);
    printProblems([error(file, MailboxUnreadable, [err.code === 'ENOENT' ? 'not found' : err.message])]);
    return 1;
  }
  const { messages, reports, notReports, unmatched, ignored, events } = read;

  const outcomes = await applyFeedback(stateDir, events);
  const count = { hard: 0, complaint: 0, soft: 0, counted: 0, duplicate: 0, already: 0 };
  outcomes.forEach((o) => {
    if (o.kind === 'duplicate') count.duplicate++;
    else if (o.kind === 'already-suppressed') count.already++;
    else if (o.kind === 'counted') count.counted++;
    else if (o.reason === 'hard-bounce') count.hard++;
    else if (o.reason === 'complaint') count.complaint++;
    else count.soft++;
  });

  const out = process.stdout;
  const list = (title: string, items: string[]): void => {
    if (items.length === 0) return;
    out.write(`${title} (${items.length}):\n`);
    for (const item of items.slice(0, MAX_LISTED)) out.write(`  ${item}\n`);
    if (items.length > MAX_LISTED) out.write(`  ... and ${items.length - MAX_LISTED} more\n`);
  };
  list('Not a bounce or complaint report, left alone', notReports);
  list('Reports about mail we did not send, ignored', unmatched);
  list('Not counted', ignored);
  out.write(`Read ${messages} message${messages === 1 ? '' : 's'}: ${reports} report${reports === 1 ? '' : 's'}, ${notReports.length} other.\n`);
  out.write(`Suppressed now: ${count.hard} hard bounce, ${count.complaint} complaint, ${count.soft} soft bounce (${SOFT_BOUNCE_LIMIT} within ${SOFT_BOUNCE_WINDOW_DAYS} days).\n`);
  out.write(`Soft bounces counted, not yet suppressing: ${count.counted}. Already suppressed: ${count.already}. Read before (unchanged): ${count.duplicate}. No matching message: ${unmatched.length}.\n`);
  return 0;
}

interface MailboxReading {
  messages: number;
  reports: number;
  notReports: string[];
  unmatched: string[];
  ignored: string[];
  events: FeedbackEvent[];
}

/** Every message of the mailbox: which are reports, and the events of those that are about mail we sent. */
async function readReports(source: AsyncGenerator<RawMail>, sent: SentMail): Promise<MailboxReading> {
  // mailparser is loaded only when bounces are read, so it costs every other command nothing.
  const { parseReport, reportEvents } = await import('../deliver/audience/bounce-report.js');
  const r: MailboxReading = { messages: 0, reports: 0, notReports: [], unmatched: [], ignored: [], events: [] };
  for await (const mail of source) {
    r.messages++;
    const report = await parseReport(mail.raw);
    if (report.kind === 'other') {
      r.notReports.push(`${mail.where}: ${report.why}`);
      continue;
    }
    r.reports++;
    const found = reportEvents(report);
    for (const i of found.ignored) r.ignored.push(`${mail.where}: ${i.address ? `${i.address}: ` : ''}${i.why}`);
    for (const e of found.events) {
      if (sent.match(e.address, e.messageId) === null) {
        r.unmatched.push(`${mail.where}: ${e.address}${e.messageId ? ` (${e.messageId})` : ''}: no message of ours to this address`);
      } else {
        r.events.push(e);
      }
    }
  }
  return r;
}
