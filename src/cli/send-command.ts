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
import type { DateTime } from 'luxon';
import { loadNewsletter, NEWSLETTER_FILE } from '../content/load.js';
import type { Schedule } from '../model.js';
import { error, type Problem } from '../problems.js';
import { DueEditionMissing, DueTooLate, ScheduleMissing, UnsubscribeSecret } from '../problem-catalogue.js';
import { builtEditionDir } from '../render/out-layout.js';
import { addressProblem } from '../deliver/audience/address.js';
import { nowFromEnv } from '../deliver/schedule/clock.js';
import { latestBuiltEdition, listBuiltEditions, loadEdition, type EditionFiles } from '../deliver/send/built-editions.js';
import { listIdSentWith, readLedger } from '../deliver/store/ledger.js';
import { listIdMigrates } from '../deliver/send/list-id.js';
import { inspectSendLock, lockProblem } from '../deliver/send/lock.js';
import { senderIdentity, type SenderIdentity } from '../deliver/send/message.js';
import { planSend } from '../deliver/send/plan.js';
import { createProgressReporter, formatDuration } from '../deliver/send/progress.js';
import { decideDue, gateDueSend } from '../deliver/schedule/due.js';
import { formatLocal, formatUtc } from '../deliver/schedule/schedule.js';
import { sendEdition, type SendSummary } from '../deliver/send/send-edition.js';
import { scanSubscribers } from '../deliver/audience/subscriber-csv.js';
import { describeRecipients, readRecipients } from '../deliver/send/recipients.js';
import { formatReasons } from '../deliver/audience/suppression.js';
import { dkimAlignmentProblem, dkimFromEnv } from '../deliver/transport/dkim.js';
import type { MailSender } from '../deliver/transport/sender.js';
import { mailTransportFromEnv } from '../deliver/transport/choose-transport.js';
import { secretFromEnv } from '../deliver/audience/unsubscribe-token.js';
import { DIR_DEFAULTS, parseEditionArgument, parseIntOption, STATE_DIR_DEFAULT } from './options.js';
import { printProblems } from '../util/print-problems.js';
import { UsageError } from './usage-error.js';
import { askToSend } from './confirm-send.js';
import { deliverTestCopy } from '../deliver/send/test-copy.js';
import { auditErrors, buildFreshnessProblems, settingsProblems } from '../deliver/send/preflight.js';
import { appendSlotRecord, missingSlotAction, readSlotRecords } from '../deliver/store/slot-records.js';

export interface SendCliOptions {
  dryRun?: boolean;
  verify?: boolean;
  yes?: boolean;
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
    .option('--dry-run', 'Check everything a send needs and show recipients, subject and size; send nothing, record nothing')
    .option('--verify', 'With --dry-run: also connect and log in to the SMTP server')
    .option('--yes', 'Send without asking (required without a terminal; --due implies it)')
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
    .example('briefwire send latest --due   (from cron: see docs/sending.md)')
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

/** The checked command line: everything runSend needs before it touches a file. */
interface SendRequest {
  which: 'latest' | string;
  settings: Settings;
  now: Date;
  outDir: string;
  stateDir: string;
  /** The subscriber CSV, or null when the default file is absent (confirmed subscribers only). */
  subscribersFile: string | null;
  contentDir: string;
}

function checkRequest(editionArgument: unknown, opts: SendCliOptions, env: NodeJS.ProcessEnv): SendRequest {
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
  return {
    which,
    settings,
    now: clock.now,
    outDir: String(opts.out),
    stateDir: String(opts.state),
    subscribersFile: subscribersFileOption(opts.subscribers),
    contentDir: String(opts.content),
  };
}

export async function runSend(editionArgument: unknown, opts: SendCliOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const req = checkRequest(editionArgument, opts, env);
  const loaded = await loadNewsletter(req.contentDir);
  if (!loaded.ok) {
    printProblems(loaded.problems);
    process.stderr.write(`Cannot send: ${NEWSLETTER_FILE} has errors (it gives From, List-Id and the unsubscribe URL).\n`);
    return 1;
  }
  const newsletterFile = path.join(req.contentDir, NEWSLETTER_FILE);
  // Only an accented name's List-Id depends on what earlier sends carried (see deliver/send/list-id.ts).
  const history = !loaded.value.listId && listIdMigrates(loaded.value.name) ? { sentWith: await listIdSentWith(req.stateDir) } : {};
  const sender = senderIdentity(loaded.value, newsletterFile, history);
  if (!sender.ok) return fail(sender.problems);
  printProblems(sender.warnings);

  const picked = opts.due ? await pickDueEdition(req, loaded.value.schedule, newsletterFile, Boolean(opts.dryRun)) : await pickEdition(req);
  if (typeof picked === 'number') return picked;
  const edition = await loadEdition(req.outDir, picked.date);
  if (!edition.ok) return fail(edition.problems);
  // What goes out must be what was built from the sources as they are now (see publish/build-inputs.ts).
  const freshness = await buildFreshnessProblems(req.outDir, picked.date);
  const stale = freshness.filter((p) => p.severity === 'error');
  if (stale.length > 0 && opts.due) {
    // One line for cron's mail.
    process.stderr.write(`briefwire: edition ${picked.date} not sent: ${stale[0]!.file} ${stale[0]!.message}\n`);
    return 1;
  }
  if (!opts.dryRun) {
    printProblems(freshness);
    if (stale.length > 0) return 1;
  }

  const dkim = await dkimFromEnv(env);
  if (!dkim.ok) return fail(dkim.problems);
  const misaligned = dkim.value ? dkimAlignmentProblem(dkim.value, sender.value.messageIdDomain) : null;
  if (misaligned) printProblems([misaligned]);

  if (opts.to) {
    const sent = await deliverTestCopy({ env, edition: edition.value, sender: sender.value, to: String(opts.to), now: req.now, ...(dkim.value ? { dkim: dkim.value } : {}) });
    if (!sent.ok) return fail(sent.problems);
    process.stdout.write(`Sent test copy of ${edition.value.date} to ${String(opts.to)}: ${sent.value}\n`);
    return 0;
  }

  if (opts.dryRun) {
    const preflight = [...freshness, ...(await settingsProblems({ env, verify: Boolean(opts.verify) })), ...(await auditErrors(req.contentDir))];
    return dryRun(edition.value, sender.value, req, Boolean(opts.resendUnknown), dkim.value, picked.slotNote, preflight);
  }

  // Real sends need a transport (SMTP_URL, or MAIL_TRANSPORT=ses) and the signing secret.
  const target = mailTransportFromEnv(env);
  if (!target.ok) return fail(target.problems);
  const secret = secretFromEnv(env);
  if (!secret.ok) return fail([error('UNSUBSCRIBE_SECRET', UnsubscribeSecret, [secret.message])]);

  const scan = await scanSubscribers(readRecipients(req.subscribersFile, req.stateDir));
  printProblems(scan.problems, { limit: MAX_LISTED_PROBLEMS });
  if (scan.problems.some((p) => p.severity === 'error')) return 1;
  // A whole list is mailed only when someone said so: at the terminal, or with --yes / --due.
  if (!opts.yes && !opts.due) {
    const refused = await confirmSend(edition.value, sender.value, req, Boolean(opts.resendUnknown), target.value.display);
    if (refused !== undefined) return refused;
  }

  const mailer = target.value.create({ connections: req.settings.connections, rate: req.settings.rate, ...(dkim.value ? { dkim: dkim.value } : {}) });
  try {
    const verified = await mailer.verify();
    if (!verified.ok) return fail(verified.problems);
    printProblems(verified.warnings);
    const run = { edition: edition.value, sender: sender.value, mailer, secret: secret.secret, total: scan.count, slotNote: picked.slotNote };
    return await sendAll({ ...run, req, resendUnknown: Boolean(opts.resendUnknown), display: target.value.display });
  } finally {
    mailer.close();
  }
}

/** Asks at the terminal; the exit code when the answer is not yes. */
async function confirmSend(edition: EditionFiles, sender: SenderIdentity, req: SendRequest, resendUnknown: boolean, smtp: string): Promise<number | undefined> {
  const plan = await planSend({ edition, sender, subscribersFile: req.subscribersFile, stateDir: req.stateDir, resendUnknown, now: req.now });
  const answer = await askToSend({
    date: edition.date,
    number: edition.number,
    subject: edition.subject,
    toSend: plan.toSend,
    total: plan.total,
    suppressed: plan.suppressed,
    suppressedBy: plan.suppressedBy,
    alreadySent: plan.alreadySent,
    smtp,
    subscribersFile: describeRecipients(req.subscribersFile),
  });
  if (answer === 'no-terminal') {
    process.stderr.write(`briefwire: not sent: sending edition ${edition.date} to ${plan.toSend} recipients needs confirmation; there is no terminal to ask at, so pass --yes (or use --due from cron)\n`);
    return 2;
  }
  if (answer === 'no') {
    process.stderr.write('Not sent; nothing recorded.\n');
    return 1;
  }
  return undefined;
}

/** The edition to send, or the exit code when there is none. */
type Picked = { date: string; slotNote: string } | number;

async function pickEdition(req: SendRequest): Promise<Picked> {
  if (req.which !== 'latest') return { date: req.which, slotNote: '' };
  const latest = await latestBuiltEdition(req.outDir);
  return latest.ok ? { date: latest.value, slotNote: '' } : fail(latest.problems);
}

/** `--due`: the edition of the schedule's most recent slot, if it is built and its send should start (see deliver/schedule/due.ts). */
async function pickDueEdition(req: SendRequest, schedule: Schedule | undefined, newsletterFile: string, dryRun: boolean): Promise<Picked> {
  if (!schedule) return fail([error(newsletterFile, ScheduleMissing)]);
  const built = await listBuiltEditions(req.outDir);
  if (!built.ok) return fail(built.problems);
  const decision = decideDue(schedule, req.now, built.value);
  const records = await readSlotRecords(req.stateDir);
  if (!records.ok) return fail(records.problems);
  printProblems(records.warnings);
  if (decision.kind !== 'not-due' && records.value.get(decision.date)?.has('skip')) {
    process.stdout.write(`Nothing to do: the slot ${formatLocal(decision.slot)} was skipped on purpose (briefwire skip).\n`);
    return 0;
  }
  if (decision.kind === 'not-due') {
    process.stdout.write(
      `Nothing due: edition ${decision.waiting} waits for its slot ${formatLocal(decision.next)}; the last slot (${formatLocal(decision.slot)}) had no edition.\n`,
    );
    return 0;
  }
  if (decision.kind === 'missing') {
    // Reported once per slot (cron mails it), then quiet until the next slot: a week of identical failures teaches people to ignore cron's mail.
    const action = missingSlotAction(records.value, decision.date);
    if (action.kind === 'quiet' || action.kind === 'skipped') return 0;
    if (!dryRun) await appendSlotRecord(req.stateDir, decision.date, 'reported', req.now);
    return fail([
      error(builtEditionDir(req.outDir, decision.date), DueEditionMissing, [
        `${formatLocal(decision.slot)} = ${formatUtc(decision.slot)}`,
        decision.date,
        decision.newestBuilt,
      ]),
    ]);
  }
  const picked = { date: decision.date, slotNote: ` (slot ${formatLocal(decision.slot)})` };
  // A dry run shows what the send would do, even for a send that would not start now.
  if (dryRun) return picked;
  const exit = await dueGateExit(req, decision.date, decision.slot, picked.slotNote);
  return exit ?? picked;
}

/** Prints why a due edition's send does not start and returns the exit code; undefined when it starts. */
async function dueGateExit(req: SendRequest, date: string, slot: DateTime, slotNote: string): Promise<number | undefined> {
  const ledger = await readLedger(req.stateDir, date);
  const lock = await inspectSendLock(req.stateDir, date);
  const gate = gateDueSend({ slot, now: req.now, ledger: ledger.ok ? ledger.value : null, lock: lock.state, lateLimitHours: req.settings.lateLimitHours });
  switch (gate.kind) {
    case 'go':
      return undefined;
    case 'done':
      process.stdout.write(
        `Already sent: edition ${date}${slotNote} completed at ${gate.at}; nothing to do.` +
          (gate.unknown ? ` ${gate.unknown} recipient(s) have an unknown outcome: see "briefwire send ${date} --dry-run".` : '') +
          '\n',
      );
      return 0;
    case 'running': {
      const who = gate.holder ? ` (pid ${gate.holder.pid}, started ${gate.holder.startedAt})` : '';
      process.stdout.write(`Edition ${date} is being sent right now${who}; nothing to do.\n`);
      return 0;
    }
    case 'foreign':
      return fail([lockProblem(lock.file, date, lock.state)]);
    case 'too-late':
      return fail([
        error(builtEditionDir(req.outDir, date), DueTooLate, [date, formatLocal(slot), Math.floor(gate.hoursLate), req.settings.lateLimitHours]),
      ]);
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
  req: SendRequest,
  resendUnknown: boolean,
  dkim: Parameters<typeof planSend>[0]['dkim'],
  slotNote: string,
  preflight: Problem[],
): Promise<number> {
  const { subscribersFile, stateDir, now } = req;
  const plan = await planSend({ edition, sender, subscribersFile, stateDir, resendUnknown, now, ...(dkim ? { dkim } : {}) });
  // Every reason a real send could not run, at once.
  const problems = [...preflight, ...plan.problems];
  printProblems(problems, { limit: MAX_LISTED_PROBLEMS });
  const out = process.stdout;
  out.write(`Dry run: nothing sent, nothing recorded.${problems.some((p) => p.severity === 'error') ? ' A real send could not run now (see above).' : ''}\n`);
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
  return problems.some((p) => p.severity === 'error') ? 1 : 0;
}

async function sendAll(a: {
  edition: EditionFiles;
  sender: SenderIdentity;
  mailer: MailSender;
  secret: string;
  req: SendRequest;
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
      subscribersFile: a.req.subscribersFile,
      stateDir: a.req.stateDir,
      mailer: a.mailer,
      secret: a.secret,
      concurrency: a.req.settings.connections,
      retries: a.req.settings.retries,
      retryDelayMs: a.req.settings.retryDelayMs,
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
