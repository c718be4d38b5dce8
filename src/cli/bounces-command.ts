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
import { feedbackStateProblems } from '../deliver/audience/feedback.js';
import { isMaildir, readMaildir, readMbox, type RawMail } from '../deliver/audience/mailbox.js';
import { SentMail } from '../deliver/send/sent-mail.js';
import { nowFromEnv } from '../deliver/schedule/clock.js';
import { optionalText, STATE_DIR_DEFAULT, textOption } from './options.js';
import { UsageError } from './usage-error.js';
import { readMailbox, type MailboxReading } from './bounces-read.js';
import { printSummary } from './bounces-summary.js';
import { reportProblems, type CommandIo } from './command-io.js';
import type { StateStore } from '../deliver/store/state-store.js';
import { withState } from './with-state.js';

export interface BouncesCommandOptions {
  /** Exactly one of maildir and mbox. */
  maildir?: string | undefined;
  mbox?: string | undefined;
  stateDir: string;
  /** Decide and print; change nothing. */
  dryRun: boolean;
  /** One JSON object per message on stdout (the summary goes to stderr). */
  json: boolean;
}

export function registerBounces(cli: CAC, io: CommandIo): void {
  cli
    .command('bounces', 'Read bounces and complaints from a mailbox, classify them, and suppress the readers whose address is gone or who complained')
    .option('--maildir <dir>', 'Maildir that receives bounces (reads new/ and cur/)')
    .option('--mbox <file>', 'mbox file that receives bounces')
    .option('--state <dir>', 'State directory (suppression list, feedback log)', { default: STATE_DIR_DEFAULT })
    .option('--dry-run', 'Decide, print, change nothing')
    .option('--json', 'One JSON object per message on stdout: message, verdict, reason, recipients, matched, diagnostic')
    .example('briefwire bounces --maildir ~/Maildir/.bounces')
    .example('briefwire bounces --mbox bounces.mbox --dry-run --json')
    .action((opts: Record<string, unknown>) =>
      runBounces(
        { maildir: optionalText(opts['maildir']), mbox: optionalText(opts['mbox']), stateDir: textOption(opts['state']), dryRun: Boolean(opts['dryRun']), json: Boolean(opts['json']) },
        io,
      ),
    );
}

function mailboxSource(opts: BouncesCommandOptions): Promise<AsyncGenerator<RawMail>> | AsyncGenerator<RawMail> {
  if (Boolean(opts.maildir) === Boolean(opts.mbox)) throw new UsageError('give exactly one of --maildir <dir> or --mbox <file>');
  if (!opts.maildir) return readMbox(opts.mbox!);
  const dir = opts.maildir;
  return isMaildir(dir).then((ok) => {
    if (!ok) throw new UsageError(`--maildir ${dir}: not a Maildir (no new/ or cur/ directory)`);
    return readMaildir(dir);
  });
}

export function runBounces(opts: BouncesCommandOptions, io: CommandIo): Promise<number> {
  return withState(opts.stateDir, (state) => bouncesOn(state, opts, io), {}, io.env);
}

async function bouncesOn(state: StateStore, opts: BouncesCommandOptions, io: CommandIo): Promise<number> {
  const clock = nowFromEnv(io.env);
  if (!clock.ok) throw new UsageError(clock.message);
  const now = (): Date => clock.now;
  const source = await mailboxSource(opts);
  const stateDir = opts.stateDir;
  const store = await state.subscribers();
  const sent = await SentMail.load(state, store);
  // Damaged state is reported with its code before anything is read or changed (a skipped line only warns).
  const warnings = [...store.problems, ...sent.problems, ...(await feedbackStateProblems(stateDir))];
  reportProblems(io, warnings);
  if (warnings.some((p) => p.severity === 'error')) return 1;

  const json = opts.json;
  let read: MailboxReading;
  try {
    read = await readMailbox(source, sent, now(), json ? (d) => io.stdout.write(`${JSON.stringify(d)}\n`) : undefined);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const file = opts.mbox ?? opts.maildir ?? '';
    reportProblems(io, [error(file, MailboxUnreadable, [err.code === 'ENOENT' ? 'not found' : err.message])]);
    return 1;
  }
  const outcomes = opts.dryRun ? null : await state.applyFeedback(read.events, now());
  printSummary(json ? io.stderr : io.stdout, read, outcomes);
  return 0;
}
