/**
 * `briefwire send <date|latest>`: mails a built edition to the subscriber list.
 * This file is wiring and printing; the rules live in src/deliver/.
 *
 * Exit codes: 0 every recipient delivered (or nothing to do), 1 any failure or
 * unknown outcome (or a configuration error), 2 bad usage, 130 interrupted.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CAC } from 'cac';
import { loadNewsletter, NEWSLETTER_FILE } from '../content/load.js';
import { error, type Problem } from '../problems.js';
import { addressProblem } from '../deliver/address.js';
import { nowFromEnv } from '../deliver/clock.js';
import { latestBuiltEdition, listBuiltEditions, loadEdition, type EditionFiles } from '../deliver/built-editions.js';
import { isComplete, readLedger } from '../deliver/ledger.js';
import { inspectSendLock, lockProblem } from '../deliver/lock.js';
import { buildMessage, prepareEdition, senderIdentity, type SenderIdentity } from '../deliver/message.js';
import { planSend } from '../deliver/plan.js';
import { createProgressReporter, formatDuration } from '../deliver/progress.js';
import { decideDue, formatLocal, formatUtc } from '../deliver/schedule.js';
import { sendEdition, type SendSummary } from '../deliver/send-edition.js';
import { scanSubscribers } from '../deliver/subscribers.js';
import { describeRecipients, readRecipients } from '../deliver/recipients.js';
import { formatReasons } from '../deliver/suppression.js';
import { dkimAlignmentProblem, dkimFromEnv, type MailSender } from '../deliver/transport.js';
import { mailTransportFromEnv } from '../deliver/mail-transport.js';
import { createUnsubscribeToken, secretFromEnv } from '../deliver/unsubscribe-token.js';
import { DIR_DEFAULTS } from './build-command.js';
import { parseEditionArgument, parseIntOption, STATE_DIR_DEFAULT } from './options.js';
import { printProblems } from './report.js';
import { UsageError } from './usage-error.js';

export interface SendCliOptions {
  dryRun?: boolean;
  to?: string;
  subscribers: string;
  state: string;
  due?: boolean;
  out: string;
  content: string;
  rate: number | string;
  connections: number | string;
  retries: number | string;
  retryDelay: number | string;
  resendUnknown?: boolean;
  lateLimit: number | string;
}

export const SEND_DEFAULTS = {
  subscribers: 'subscribers.csv',
  state: STATE_DIR_DEFAULT,
  rate: 10,
  connections: 5,
  retries: 4,
  retryDelay: 2000,
  lateLimit: 24,
};

/** Row problems beyond this many are summarised, not listed (a broken 50k-row import would flood the terminal). */
const MAX_LISTED_PROBLEMS = 50;
const MAX_LISTED_ADDRESSES = 100;

export function registerSend(cli: CAC): void {
  cli
    .command('send <edition>', 'Send a built edition ("latest" or YYYY-MM-DD) to the subscriber list')
    .option('--dry-run', 'Show recipients, subject and size; send nothing, record nothing')
    .option('--to <address>', 'Send one test copy ("[TEST] " subject) to this address; the ledger is not touched')
    .option('--subscribers <file>', 'Subscriber CSV (columns: email, name); readers confirmed through the subscribe form are added, and the default file may be absent', { default: SEND_DEFAULTS.subscribers })
    .option('--state <dir>', 'State directory: send ledgers, locks, suppression list', { default: SEND_DEFAULTS.state })
    .option('--due', 'Send only if a schedule slot has come and its edition is not sent yet (for cron; use with "latest")')
    .option('--out <dir>', 'Build output directory', { default: DIR_DEFAULTS.out })
    .option('--content <dir>', 'Content directory (newsletter.yml)', { default: DIR_DEFAULTS.content })
    .option('--rate <n>', 'Messages per second across all connections (0 = no limit)', { default: SEND_DEFAULTS.rate })
    .option('--connections <n>', 'Parallel SMTP connections (with SES: requests in flight)', { default: SEND_DEFAULTS.connections })
    .option('--retries <n>', 'Retries after a temporary failure (4xx, dropped connection)', { default: SEND_DEFAULTS.retries })
    .option('--retry-delay <ms>', 'First retry delay; doubles each retry', { default: SEND_DEFAULTS.retryDelay })
    .option('--late-limit <hours>', 'With --due: do not start an edition whose slot passed more than this long ago', { default: SEND_DEFAULTS.lateLimit })
    .option('--resend-unknown', 'Also send to recipients whose earlier delivery has no recorded outcome (may duplicate)')
    .example('SMTP_URL=smtps://user:pass@smtp.example.com UNSUBSCRIBE_SECRET=... briefwire send latest')
    .example('briefwire send 2025-03-10 --dry-run')
    .example('*/5 * * * *  cd /srv/briefwire && briefwire send latest --due   # cron')
    .action((which: unknown, opts: SendCliOptions) => runSend(which, opts, process.env));
}

interface Settings {
  connections: number;
  rate: number;
  retries: number;
  retryDelayMs: number;
  lateLimitHours: number;
}

function parseSettings(opts: SendCliOptions): Settings {
  const rate = Number(opts.rate);
  if (!Number.isFinite(rate) || rate < 0) throw new UsageError(`--rate must be a number of messages per second, 0 for no limit (got ${String(opts.rate)})`);
  return {
    connections: parseIntOption('connections', opts.connections, 1, 100),
    rate,
    retries: parseIntOption('retries', opts.retries, 0, 20),
    retryDelayMs: parseIntOption('retry-delay', opts.retryDelay, 0, 600_000),
    lateLimitHours: parseIntOption('late-limit', opts.lateLimit, 1, 24 * 366),
  };
}

export async function runSend(editionArgument: unknown, opts: SendCliOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const which = parseEditionArgument(editionArgument);
  const settings = parseSettings(opts);
  if (opts.due && which !== 'latest') throw new UsageError('--due picks the edition from the schedule; use "briefwire send latest --due"');
  if (opts.to && (opts.due || opts.dryRun)) throw new UsageError('--to sends one test copy; it cannot be combined with --due or --dry-run');
  if (opts.to !== undefined) {
    const why = addressProblem(String(opts.to));
    if (why) throw new UsageError(`--to: ${why}`);
  }
  const clock = nowFromEnv(env);
  if (!clock.ok) throw new UsageError(clock.message);
  const now = clock.now;
  const outDir = String(opts.out);
  const stateDir = String(opts.state);
  const subscribersFile = subscribersFileOption(opts.subscribers);

  const loaded = await loadNewsletter(String(opts.content));
  if (!loaded.ok) {
    printProblems(loaded.problems);
    process.stderr.write(`Cannot send: ${NEWSLETTER_FILE} has errors (it gives From, List-Id and the unsubscribe URL).\n`);
    return 1;
  }
  const newsletter = loaded.value;
  const newsletterFile = path.join(String(opts.content), NEWSLETTER_FILE);
  const sender = senderIdentity(newsletter, newsletterFile);
  if (!sender.ok) return fail(sender.problems);

  // Which edition.
  let date: string;
  let slotNote = '';
  if (opts.due) {
    if (!newsletter.schedule) return fail([error(newsletterFile, '--due needs a "schedule" (weekday, time, timezone)')]);
    const decision = decideDue(newsletter.schedule, now, await listBuiltEditions(outDir));
    if (decision.kind === 'not-due') {
      process.stdout.write(
        `Nothing due: edition ${decision.waiting} waits for its slot ${formatLocal(decision.next)}; the last slot (${formatLocal(decision.slot)}) had no edition.\n`,
      );
      return 0;
    }
    if (decision.kind === 'missing') {
      return fail([
        error(
          path.join(outDir, 'editions', decision.date),
          `no built edition for the slot ${formatLocal(decision.slot)} = ${formatUtc(decision.slot)} (a slot sends the edition dated its local day, ${decision.date})` +
            (decision.newestBuilt ? `; newest built edition is ${decision.newestBuilt}` : '') +
            '. Add the brief and run "briefwire build".',
        ),
      ]);
    }
    date = decision.date;
    slotNote = ` (slot ${formatLocal(decision.slot)})`;
    if (!opts.dryRun) {
      const ledger = await readLedger(stateDir, date);
      if (ledger.ok && isComplete(ledger.value)) {
        const unknown = ledger.value.lastDone?.unknown ?? 0;
        process.stdout.write(
          `Already sent: edition ${date}${slotNote} completed at ${ledger.value.lastDone?.at}; nothing to do.` +
            (unknown ? ` ${unknown} recipient(s) have an unknown outcome: see "briefwire send ${date} --dry-run".` : '') +
            '\n',
        );
        return 0;
      }
      // A send in progress on this host is the normal overlap of cron ticks: nothing to do. A lock from
      // another host is not: this host cannot tell whether that send still runs, so it says so (exit 1)
      // every tick until someone decides. Stale locks are taken over when the send starts.
      const lock = await inspectSendLock(stateDir, date);
      if (lock.state.kind === 'running' || lock.state.kind === 'starting') {
        const who = lock.state.kind === 'running' ? ` (pid ${lock.state.holder.pid}, started ${lock.state.holder.startedAt})` : '';
        process.stdout.write(`Edition ${date} is being sent right now${who}; nothing to do.\n`);
        return 0;
      }
      if (lock.state.kind === 'foreign') return fail([lockProblem(lock.file, date, lock.state)]);
      // A send that was started is always finished, however late. But cron must not start an old
      // edition nobody sent (first install on a box with a built archive, a week-long outage).
      const hoursLate = (now.getTime() - decision.slot.toMillis()) / 3_600_000;
      const started = ledger.ok && (ledger.value.states.size > 0 || ledger.value.lastDone !== undefined);
      if (!started && hoursLate > settings.lateLimitHours) {
        return fail([
          error(
            path.join(outDir, 'editions', date),
            `the slot for edition ${date} (${formatLocal(decision.slot)}) passed ${Math.floor(hoursLate)} h ago, more than --late-limit ${settings.lateLimitHours} h, ` +
              `and it was never sent; not starting an old edition from cron. To send it anyway: briefwire send ${date}`,
          ),
        ]);
      }
    }
  } else {
    if (which === 'latest') {
      const latest = await latestBuiltEdition(outDir);
      if (!latest.ok) return fail(latest.problems);
      date = latest.value;
    } else {
      date = which;
    }
  }

  const edition = await loadEdition(outDir, date);
  if (!edition.ok) return fail(edition.problems);

  const dkim = await dkimFromEnv(env);
  if (!dkim.ok) return fail(dkim.problems);
  const misaligned = dkim.value ? dkimAlignmentProblem(dkim.value, sender.value.messageIdDomain) : null;
  if (misaligned) printProblems([misaligned]);

  if (opts.dryRun) return dryRun(edition.value, sender.value, subscribersFile, stateDir, Boolean(opts.resendUnknown), dkim.value, now, slotNote);

  // Real sends need a transport (SMTP_URL, or MAIL_TRANSPORT=ses) and the signing secret.
  const transport = mailTransportFromEnv(env);
  if (!transport.ok) return fail(transport.problems);
  const secret = secretFromEnv(env);
  if (!secret.ok) return fail([error('UNSUBSCRIBE_SECRET', secret.message)]);

  let scanTotal = 0;
  if (!opts.to) {
    const scan = await scanSubscribers(readRecipients(subscribersFile, stateDir));
    printProblems(scan.problems, { limit: MAX_LISTED_PROBLEMS });
    if (scan.problems.some((p) => p.severity === 'error')) return 1;
    scanTotal = scan.count;
  }

  const mailer = transport.value.create({ connections: settings.connections, rate: settings.rate, ...(dkim.value ? { dkim: dkim.value } : {}) });
  try {
    const verified = await mailer.verify();
    if (!verified.ok) return fail(verified.problems);
    printProblems(verified.warnings);
    if (opts.to) return await sendTest(mailer, edition.value, sender.value, String(opts.to), secret.secret, now);
    return await sendAll({ edition: edition.value, sender: sender.value, mailer, secret: secret.secret, subscribersFile, stateDir, settings, total: scanTotal, resendUnknown: Boolean(opts.resendUnknown), slotNote, display: transport.value.display });
  } finally {
    mailer.close();
  }
}

/**
 * The CSV to read, or null for none: the default file may be absent when every reader came
 * through the subscribe form; a file named with --subscribers must exist.
 */
export function subscribersFileOption(option: unknown): string | null {
  return option === SEND_DEFAULTS.subscribers && !existsSync(SEND_DEFAULTS.subscribers) ? null : String(option);
}

function fail(problems: readonly Problem[]): number {
  printProblems(problems);
  return 1;
}

async function dryRun(
  edition: EditionFiles,
  sender: SenderIdentity,
  subscribersFile: string | null,
  stateDir: string,
  resendUnknown: boolean,
  dkim: Parameters<typeof planSend>[0]['dkim'],
  now: Date,
  slotNote: string,
): Promise<number> {
  const plan = await planSend({ edition, sender, subscribersFile, stateDir, resendUnknown, now, ...(dkim ? { dkim } : {}) });
  printProblems(plan.problems, { limit: MAX_LISTED_PROBLEMS });
  if (plan.problems.some((p) => p.severity === 'error')) return 1;
  const out = process.stdout;
  out.write('Dry run: nothing sent, nothing recorded.\n');
  out.write(`Edition   ${edition.date}${edition.number !== null ? ` (#${edition.number})` : ''}${slotNote}\n`);
  out.write(`Subject   ${edition.subject}\n`);
  out.write(`From      ${sender.from}\n`);
  out.write(`List-Id   <${sender.listId}>${dkim ? `, DKIM d=${dkim.domainName} s=${dkim.keySelector}` : ''}\n`);
  out.write(
    `Recipients ${plan.total} in ${describeRecipients(subscribersFile)}: ${plan.toSend} to send, ${plan.alreadySent} already sent, ${formatReasons(plan.suppressed, plan.suppressedBy)} suppressed, ` +
      `${plan.failedEarlier} failed earlier, ${plan.unknown} unknown` +
      `${plan.unknownOffList ? ` (and ${plan.unknownOffList} unknown no longer on the list)` : ''}` +
      `${plan.completed ? ' (this edition\'s send has completed)' : ''}\n`,
  );
  if (plan.first.length > 0) {
    out.write('First recipients:\n');
    for (const r of plan.first) out.write(`  ${r.name ? `"${r.name}" ` : ''}<${r.address}>\n`);
  }
  if (plan.messageBytes !== null) out.write(`Size      ${(plan.messageBytes / 1024).toFixed(1)} KiB per message (MIME, first recipient)\n`);
  return 0;
}

async function sendTest(mailer: MailSender, edition: EditionFiles, sender: SenderIdentity, to: string, secret: string, now: Date): Promise<number> {
  const message = buildMessage({
    edition: prepareEdition(edition),
    sender,
    recipient: { address: to },
    token: createUnsubscribeToken(to, secret),
    messageIdHash: '',
    date: now,
    test: true,
  });
  const outcome = await mailer.send(message);
  if (outcome.ok) {
    process.stdout.write(`Sent test copy of ${edition.date} to ${to}: ${outcome.response}\n`);
    return 0;
  }
  process.stderr.write(`Test copy to ${to} failed (${outcome.kind}): ${outcome.message}\n`);
  return 1;
}

async function sendAll(a: {
  edition: EditionFiles;
  sender: SenderIdentity;
  mailer: MailSender;
  secret: string;
  subscribersFile: string | null;
  stateDir: string;
  settings: Settings;
  total: number;
  resendUnknown: boolean;
  slotNote: string;
  display: string;
}): Promise<number> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`\n${sig}: stopping; finishing the messages in flight (${sig} again to quit at once)\n`);
      controller.abort();
    } else {
      // The ledger already says "attempt" for anything in flight, so those read as unknown next run.
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const reporter = createProgressReporter(`Sending ${a.edition.date}`);
  process.stderr.write(`Sending edition ${a.edition.date}${a.slotNote} "${a.edition.subject}" via ${a.display}\n`);
  const started = Date.now();
  let result;
  try {
    result = await sendEdition({
      edition: a.edition,
      sender: a.sender,
      subscribersFile: a.subscribersFile,
      stateDir: a.stateDir,
      mailer: a.mailer,
      secret: a.secret,
      concurrency: a.settings.connections,
      retries: a.settings.retries,
      retryDelayMs: a.settings.retryDelayMs,
      resendUnknown: a.resendUnknown,
      signal: controller.signal,
      reporter,
      total: a.total,
    });
  } finally {
    reporter.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (!result.ok) return fail(result.problems);
  const s = result.value;
  printSummary(s, (Date.now() - started) / 1000);
  if (s.fatal) printProblems([s.fatal]);
  if (controller.signal.aborted) return 130;
  return s.fatal || s.failed.length || s.unknown.length || s.retryLater.length || s.stopReason ? 1 : 0;
}

function printSummary(s: SendSummary, seconds: number): void {
  const err = process.stderr;
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
  process.stdout.write(
    `Edition ${s.date}: ${s.sent} sent, ${s.alreadySent} skipped (sent before), ${formatReasons(s.suppressed, s.suppressedBy)} suppressed, ` +
      `${s.failed.length + s.failedEarlier} failed${s.failedEarlier ? ` (${s.failedEarlier} earlier)` : ''}, ${s.retryLater.length} to retry, ${s.unknown.length} unknown` +
      `${s.notReached ? `, ${s.notReached} not reached` : ''} — ${s.total} recipients, ${formatDuration(seconds)}, ${rate} msg/s. Ledger: ${s.ledgerFile}\n`,
  );
}
