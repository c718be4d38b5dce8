/**
 * `briefwire bounces --maildir DIR | --mbox FILE [--dry-run] [--json]`: reads
 * the mailbox that receives our bounces, classifies every message (DSNs,
 * ARF complaints, plain-text bounces, provider notifications; see
 * src/deliver/audience/bounce-classify/), matches the recipients to mail we
 * sent and applies the rules in src/deliver/audience/feedback.ts. Refusals
 * on our side (DKIM, SPF, reputation) suppress nobody and are reported as a
 * warning. Idempotent: a report already read changes nothing; --dry-run
 * changes nothing at all.
 */
import type { CAC } from 'cac';
import { error } from '../problems.js';
import { MailboxUnreadable } from '../problem-catalogue.js';
import { applyFeedback } from '../deliver/audience/feedback.js';
import { isMaildir, readMaildir, readMbox, type RawMail } from '../deliver/audience/mailbox.js';
import { SentMail } from '../deliver/send/sent-mail.js';
import { SubscriberStore } from '../deliver/audience/subscriber-store.js';
import { STATE_DIR_DEFAULT } from './options.js';
import { printProblems } from '../util/print-problems.js';
import { UsageError } from './usage-error.js';
import { readMailbox, type MailboxReading } from './bounces-read.js';
import { printSummary } from './bounces-summary.js';

interface BouncesOptions {
  maildir?: string;
  mbox?: string;
  state: string;
  dryRun?: boolean;
  json?: boolean;
}

export interface BouncesIo {
  out: NodeJS.WritableStream;
  /** Where the summary goes when stdout carries JSON lines. */
  err: NodeJS.WritableStream;
  now: () => Date;
}

export function registerBounces(cli: CAC): void {
  cli
    .command('bounces', 'Read bounces and complaints from a mailbox, classify them, and suppress the readers whose address is gone or who complained')
    .option('--maildir <dir>', 'Maildir that receives bounces (reads new/ and cur/)')
    .option('--mbox <file>', 'mbox file that receives bounces')
    .option('--state <dir>', 'State directory (suppression list, feedback log)', { default: STATE_DIR_DEFAULT })
    .option('--dry-run', 'Decide, print, change nothing')
    .option('--json', 'One JSON object per message on stdout: message, verdict, reason, recipients, matched, diagnostic')
    .example('briefwire bounces --maildir ~/Maildir/.bounces')
    .example('briefwire bounces --mbox bounces.mbox --dry-run --json')
    .action((opts: BouncesOptions) => runBounces(opts));
}

function mailboxSource(opts: BouncesOptions): Promise<AsyncGenerator<RawMail>> | AsyncGenerator<RawMail> {
  if (Boolean(opts.maildir) === Boolean(opts.mbox)) throw new UsageError('give exactly one of --maildir <dir> or --mbox <file>');
  if (!opts.maildir) return readMbox(String(opts.mbox));
  const dir = String(opts.maildir);
  return isMaildir(dir).then((ok) => {
    if (!ok) throw new UsageError(`--maildir ${dir}: not a Maildir (no new/ or cur/ directory)`);
    return readMaildir(dir);
  });
}

export async function runBounces(opts: BouncesOptions, io: BouncesIo = { out: process.stdout, err: process.stderr, now: () => new Date() }): Promise<number> {
  const source = await mailboxSource(opts);
  const stateDir = String(opts.state);
  const store = await SubscriberStore.load(stateDir);
  const sent = await SentMail.load(stateDir, store);
  const warnings = [...store.problems, ...sent.problems];
  printProblems(warnings);
  if (warnings.some((p) => p.severity === 'error')) return 1;

  const json = Boolean(opts.json);
  let read: MailboxReading;
  try {
    read = await readMailbox(source, sent, io.now(), json ? (d) => io.out.write(`${JSON.stringify(d)}\n`) : undefined);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const file = String(opts.mbox ?? opts.maildir);
    printProblems([error(file, MailboxUnreadable, [err.code === 'ENOENT' ? 'not found' : err.message])]);
    return 1;
  }
  const outcomes = opts.dryRun ? null : await applyFeedback(stateDir, read.events, io.now());
  printSummary(json ? io.err : io.out, read, outcomes);
  return 0;
}
