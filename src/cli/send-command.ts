/**
 * `briefwire send <date|latest>`: mails a built edition to the subscriber list.
 * This file is wiring and printing; the rules live in src/deliver/ (when a
 * slot's send is due: deliver/schedule/due-edition.ts).
 *
 * Exit codes: 0 every recipient delivered (or nothing to do), 1 any failure or
 * unknown outcome (or a configuration error), 2 bad usage or a send not
 * confirmed (declined at the prompt, or no terminal and no --yes), 130 interrupted.
 */
import path from 'node:path';
import type { CAC } from 'cac';
import type { DKIMOptions } from 'nodemailer';
import { loadNewsletter, NEWSLETTER_FILE } from '../content/load.js';
import type { Newsletter } from '../model.js';
import { error, type Problem } from '../problems.js';
import { ScheduleMissing, UnsubscribeSecret } from '../problem-catalogue.js';
import { addressProblem } from '../deliver/audience/address.js';
import { nowFromEnv } from '../deliver/schedule/clock.js';
import { latestBuiltEdition, loadEdition, type EditionFiles } from '../deliver/send/built-editions.js';
import type { StateStore } from '../deliver/store/state-store.js';
import { withState } from './with-state.js';
import { listIdMigrates } from '../deliver/send/list-id.js';
import { senderIdentity, type SenderIdentity } from '../deliver/send/message.js';
import { planSend, type SendPlan } from '../deliver/send/plan.js';
import { formatReasons } from '../deliver/audience/suppression.js';
import { createProgressReporter } from '../deliver/send/progress.js';
import { findDueEdition } from '../deliver/schedule/due-edition.js';
import { formatLocal } from '../deliver/schedule/schedule.js';
import { sendEdition } from '../deliver/send/send-edition.js';
import { scanSubscribers } from '../deliver/audience/subscriber-csv.js';
import { describeRecipients, readRecipients } from '../deliver/send/recipients.js';
import { dkimAlignmentProblem, dkimFromEnv } from '../deliver/transport/dkim.js';
import type { MailSender } from '../deliver/transport/sender.js';
import { mailTransportFromEnv } from '../deliver/transport/choose-transport.js';
import { secretFromEnv } from '../deliver/audience/unsubscribe-token.js';
import { DIR_DEFAULTS, parseEditionArgument, parseIntOption, SEND_DEFAULTS, subscribersFileOption, textOption } from './options.js';
import { UsageError } from './usage-error.js';
import { askToSend } from './confirm-send.js';
import { deliverTestCopy } from '../deliver/send/test-copy.js';
import { auditErrors, buildFreshnessProblems, checkSettings } from '../deliver/send/preflight.js';
import { INTERRUPTED, reportProblems, type CommandIo } from './command-io.js';
import { MAX_LISTED_PROBLEMS, printDryRun, printSummary } from './send-report.js';

export interface SendSettings {
  connections: number;
  rate: number;
  retries: number;
  retryDelayMs: number;
  lateLimitHours: number;
}

export interface SendCommandOptions {
  /** "latest" or a calendar date. */
  edition: string;
  dryRun: boolean;
  /** With dryRun: also connect and log in to the transport. */
  verify: boolean;
  yes: boolean;
  /** One test copy to this address; the ledger is not touched. */
  to?: string | undefined;
  due: boolean;
  /** The subscriber CSV, or null for none (confirmed subscribers only). */
  subscribersFile: string | null;
  stateDir: string;
  outDir: string;
  contentDir: string;
  resendUnknown: boolean;
  settings: SendSettings;
}

export function registerSend(cli: CAC, io: CommandIo): void {
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
    .action((which: unknown, opts: Record<string, unknown>) => runSend(sendOptions(which, opts), io));
}

/** The parsed flags as typed options; every bad value is a UsageError (exit 2). */
export function sendOptions(which: unknown, opts: Record<string, unknown>): SendCommandOptions {
  const rate = Number(opts['rate']);
  if (!Number.isFinite(rate) || rate < 0) throw new UsageError(`--rate must be a number of messages per second, 0 for no limit (got ${String(opts['rate'])})`);
  return {
    edition: parseEditionArgument(which),
    dryRun: Boolean(opts['dryRun']),
    verify: Boolean(opts['verify']),
    yes: Boolean(opts['yes']),
    to: opts['to'] === undefined ? undefined : textOption(opts['to']),
    due: Boolean(opts['due']),
    subscribersFile: subscribersFileOption(opts['subscribers']),
    stateDir: textOption(opts['state']),
    outDir: textOption(opts['out']),
    contentDir: textOption(opts['content']),
    resendUnknown: Boolean(opts['resendUnknown']),
    settings: {
      connections: parseIntOption('connections', opts['connections'], 1, 100),
      rate,
      retries: parseIntOption('retries', opts['retries'], 0, 20),
      retryDelayMs: parseIntOption('retry-delay', opts['retryDelay'], 0, 600_000),
      lateLimitHours: parseIntOption('late-limit', opts['lateLimit'], 1, 24 * 366),
    },
  };
}

/** Options that cannot go together, and the clock; checked before any file is touched. */
function checkOptions(o: SendCommandOptions, io: CommandIo): Date {
  if (o.due && o.edition !== 'latest') throw new UsageError('--due picks the edition from the schedule; use "briefwire send latest --due"');
  if (o.to && (o.due || o.dryRun)) throw new UsageError('--to sends one test copy; it cannot be combined with --due or --dry-run');
  if (o.to !== undefined) {
    const why = addressProblem(o.to);
    if (why) throw new UsageError(`--to: ${why}`);
  }
  const clock = nowFromEnv(io.env);
  if (!clock.ok) throw new UsageError(clock.message);
  return clock.now;
}

/** A send's options with its clock and state, as the steps below share them. */
interface SendRequest extends SendCommandOptions {
  now: Date;
  store: StateStore;
}

export async function runSend(options: SendCommandOptions, io: CommandIo): Promise<number> {
  const now = checkOptions(options, io);
  // One connection per SMTP connection's worker, plus the heartbeat and the list.
  return withState(options.stateDir, (store) => sendWith({ ...options, now, store }, io), { connections: options.settings.connections + 2 }, io.env);
}

async function sendWith(req: SendRequest, io: CommandIo): Promise<number> {
  const loaded = await loadNewsletter(req.contentDir);
  if (!loaded.ok) {
    reportProblems(io, loaded.problems);
    io.stderr.write(`Cannot send: ${NEWSLETTER_FILE} has errors (it gives From, List-Id and the unsubscribe URL).\n`);
    return 1;
  }
  const newsletterFile = path.join(req.contentDir, NEWSLETTER_FILE);
  // Only an accented name's List-Id depends on what earlier sends carried (see deliver/send/list-id.ts).
  const history = !loaded.value.listId && listIdMigrates(loaded.value.name) ? { sentWith: await req.store.listIdSentWith() } : {};
  const sender = senderIdentity(loaded.value, newsletterFile, history);
  if (!sender.ok) return fail(io, sender.problems);
  reportProblems(io, sender.warnings);

  const picked = req.due ? await pickDueEdition(req, loaded.value, newsletterFile, io) : await pickEdition(req, io);
  if (typeof picked === 'number') return picked;
  const edition = await loadEdition(req.outDir, picked.date);
  if (!edition.ok) return fail(io, edition.problems);
  // What goes out must be what was built from the sources as they are now (see publish/build-inputs.ts).
  const freshness = await buildFreshnessProblems(req.outDir, picked.date);
  const stale = freshness.filter((p) => p.severity === 'error');
  if (stale.length > 0 && req.due) {
    // One line for cron's mail.
    io.stderr.write(`briefwire: edition ${picked.date} not sent: ${stale[0]!.file} ${stale[0]!.message}\n`);
    return 1;
  }
  if (!req.dryRun) {
    reportProblems(io, freshness);
    if (stale.length > 0) return 1;
  }

  const dkim = await dkimFromEnv(io.env);
  if (!dkim.ok) return fail(io, dkim.problems);
  const misaligned = dkim.value ? dkimAlignmentProblem(dkim.value, sender.value.messageIdDomain) : null;
  if (misaligned) reportProblems(io, [misaligned]);
  const ready: ReadyEdition = { edition: edition.value, sender: sender.value, dkim: dkim.value, slotNote: picked.slotNote };

  if (req.to) return sendTestCopy(req, req.to, ready, io);
  if (req.dryRun) {
    const settings = await checkSettings({ env: io.env, verify: req.verify });
    const preflight = [...freshness, ...settings.problems, ...(await auditErrors(req.contentDir))];
    return dryRun(req, { ...ready, ...(settings.verified ? { verified: settings.verified } : {}) }, preflight, io);
  }
  return sendToList(req, ready, io);
}

/** What a send, a test copy and a dry run all start from. */
interface ReadyEdition {
  edition: EditionFiles;
  sender: SenderIdentity;
  dkim: DKIMOptions | undefined;
  slotNote: string;
}

async function sendTestCopy(req: SendRequest, to: string, r: ReadyEdition, io: CommandIo): Promise<number> {
  const sent = await deliverTestCopy({ env: io.env, edition: r.edition, sender: r.sender, to, now: req.now, ...(r.dkim ? { dkim: r.dkim } : {}) });
  if (!sent.ok) return fail(io, sent.problems);
  io.stdout.write(`Sent test copy of ${r.edition.date} to ${to}: ${sent.value}\n`);
  return 0;
}

/** A real send: a transport (SMTP_URL, or MAIL_TRANSPORT=ses), the signing secret, a list, and a yes. */
async function sendToList(req: SendRequest, r: ReadyEdition, io: CommandIo): Promise<number> {
  const target = mailTransportFromEnv(io.env);
  if (!target.ok) return fail(io, target.problems);
  const secret = secretFromEnv(io.env);
  if (!secret.ok) return fail(io, [error('UNSUBSCRIBE_SECRET', UnsubscribeSecret, [secret.message])]);

  const scan = await scanSubscribers(readRecipients(req.subscribersFile, req.store));
  reportProblems(io, scan.problems, MAX_LISTED_PROBLEMS);
  if (scan.problems.some((p) => p.severity === 'error')) return 1;
  // A whole list is mailed only when someone said so: at the terminal, or with --yes / --due.
  if (!req.yes && !req.due) {
    const refused = await confirmSend(req, r, target.value.display, io);
    if (refused !== undefined) return refused;
  }

  // On a shared database --rate is the edition's total across its senders, paced there, not per process.
  const rate = req.store.kind === 'postgres' ? 0 : req.settings.rate;
  const mailer = target.value.create({ connections: req.settings.connections, rate, ...(r.dkim ? { dkim: r.dkim } : {}) });
  try {
    const verified = await mailer.verify();
    if (!verified.ok) return fail(io, verified.problems);
    reportProblems(io, verified.warnings);
    return await sendAll({ ...r, mailer, secret: secret.secret, total: scan.count, req, display: target.value.display }, io);
  } finally {
    mailer.close();
  }
}

/** Asks at the terminal; the exit code when the answer is not yes. */
async function confirmSend(req: SendRequest, r: ReadyEdition, smtp: string, io: CommandIo): Promise<number | undefined> {
  const { edition, sender } = r;
  const plan = await planSend({ edition, sender, subscribersFile: req.subscribersFile, store: req.store, resendUnknown: req.resendUnknown, now: req.now });
  // A rerun after a complete send has nobody to ask about: say so rather than offer to mail no one.
  if (plan.toSend === 0 && !plan.problems.some((p) => p.severity === 'error')) return nothingToSend(io, edition.date, plan);
  const answer = await askToSend(
    {
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
    },
    { input: io.stdin, output: io.stderr },
  );
  if (answer === 'no-terminal') {
    io.stderr.write(`briefwire: not sent: sending edition ${edition.date} to ${plan.toSend} recipients needs confirmation; there is no terminal to ask at, so pass --yes (or use --due from cron)\n`);
    return 2;
  }
  if (answer === 'no') {
    // The same code as a send nobody could confirm: not sent for want of a yes, which is no failure of the content or the delivery.
    io.stderr.write('Not sent; nothing recorded.\n');
    return 2;
  }
  return undefined;
}

/** Every listed reader has the edition, is suppressed or failed for good: nothing to send. Exit 1 only for outcomes still unknown, as after a send. */
function nothingToSend(io: CommandIo, date: string, plan: SendPlan): number {
  const unknown = plan.unknown + plan.unknownOffList;
  io.stdout.write(
    `Nothing to send: edition ${date} has no recipient left (${plan.alreadySent} already sent, ${formatReasons(plan.suppressed, plan.suppressedBy)} suppressed, ` +
      `${plan.failedEarlier} failed earlier, ${unknown} unknown, of ${plan.total} in the list).\n`,
  );
  if (unknown === 0) return 0;
  io.stderr.write(`${unknown} recipient(s) have an unknown outcome: check the provider's logs; "briefwire send ${date} --resend-unknown" sends them again.\n`);
  return 1;
}

/** The edition to send, or the exit code when there is none. */
type Picked = { date: string; slotNote: string } | number;

async function pickEdition(req: SendRequest, io: CommandIo): Promise<Picked> {
  if (req.edition !== 'latest') return { date: req.edition, slotNote: '' };
  const latest = await latestBuiltEdition(req.outDir);
  return latest.ok ? { date: latest.value, slotNote: '' } : fail(io, latest.problems);
}

/** `--due`: the edition of the schedule's most recent slot, if it is built and its send should start; prints why not. */
async function pickDueEdition(req: SendRequest, newsletter: Newsletter, newsletterFile: string, io: CommandIo): Promise<Picked> {
  if (!newsletter.schedule) return fail(io, [error(newsletterFile, ScheduleMissing)]);
  const { due, warnings } = await findDueEdition({ ...req, schedule: newsletter.schedule, lateLimitHours: req.settings.lateLimitHours });
  reportProblems(io, warnings);
  const out = io.stdout;
  switch (due.kind) {
    case 'send':
      return { date: due.date, slotNote: ` (slot ${formatLocal(due.slot)})` };
    case 'skipped':
      out.write(`Nothing to do: the slot ${formatLocal(due.slot)} was skipped on purpose (briefwire skip).\n`);
      return 0;
    case 'not-due': {
      const state = due.sentByHand ? `was sent by hand on ${due.sentByHand}, before its slot` : 'waits for its slot';
      out.write(`Nothing due: edition ${due.waiting} ${state} ${formatLocal(due.next)}; the last slot (${formatLocal(due.slot)}) had no edition.\n`);
      return 0;
    }
    case 'quiet':
      return 0;
    case 'done':
      out.write(
        (due.sentByHand
          ? `Already sent: edition ${due.date} was sent by hand on ${due.sentByHand}, before its slot ${formatLocal(due.slot)}; nothing to do.`
          : `Already sent: edition ${due.date} (slot ${formatLocal(due.slot)}) completed at ${due.at}; nothing to do.`) +
          (due.unknown ? ` ${due.unknown} recipient(s) have an unknown outcome: see "briefwire send ${due.date} --dry-run".` : '') +
          '\n',
      );
      return 0;
    case 'running': {
      const who = due.holder ? ` (pid ${due.holder.pid}, started ${due.holder.startedAt})` : '';
      out.write(`Edition ${due.date} is being sent right now${who}; nothing to do.\n`);
      return 0;
    }
    case 'failed':
      return fail(io, due.problems);
  }
}

function fail(io: CommandIo, problems: readonly Problem[]): number {
  reportProblems(io, problems);
  return 1;
}

async function dryRun(req: SendRequest, r: ReadyEdition & { verified?: string }, preflight: Problem[], io: CommandIo): Promise<number> {
  const { subscribersFile, store, now, resendUnknown } = req;
  const plan = await planSend({ edition: r.edition, sender: r.sender, subscribersFile, store, resendUnknown, now, ...(r.dkim ? { dkim: r.dkim } : {}) });
  // Every reason a real send could not run, at once.
  const problems = [...preflight, ...plan.problems];
  printDryRun(io, { ...r, plan, subscribersFile, problems });
  return problems.some((p) => p.severity === 'error') ? 1 : 0;
}

/**
 * The send itself. The first Ctrl-C (or SIGTERM) stops starting messages and
 * finishes those in flight, so their outcome is recorded; a second one returns
 * at once: the ledger already says "attempt" for anything in flight, so those
 * read as unknown next run.
 */
async function sendAll(a: ReadyEdition & { mailer: MailSender; secret: string; req: SendRequest; total: number; display: string }, io: CommandIo): Promise<number> {
  const controller = new AbortController();
  let quit: (code: number) => void = () => undefined;
  const quitNow = new Promise<number>((resolve) => (quit = resolve));
  const stopListening = io.onInterrupt((sig) => {
    if (controller.signal.aborted) return quit(INTERRUPTED);
    io.stderr.write(`\n${sig}: stopping; finishing the messages in flight (${sig} again to quit at once)\n`);
    controller.abort();
  });
  const reporter = createProgressReporter(`Sending ${a.edition.date}`, io.stderr);
  io.stderr.write(`Sending edition ${a.edition.date}${a.slotNote} "${a.edition.subject}" via ${a.display}\n`);
  const started = Date.now();
  const { req } = a;
  const sending = sendEdition({
    edition: a.edition,
    sender: a.sender,
    subscribersFile: req.subscribersFile,
    store: req.store,
    sharedRate: req.store.kind === 'postgres' ? req.settings.rate : 0,
    mailer: a.mailer,
    secret: a.secret,
    concurrency: req.settings.connections,
    retries: req.settings.retries,
    retryDelayMs: req.settings.retryDelayMs,
    resendUnknown: req.resendUnknown,
    signal: controller.signal,
    reporter,
    total: a.total,
  });
  // Past a second interrupt nobody waits for the send; its late failure is no one's to report.
  sending.catch(() => undefined);
  let result;
  try {
    result = await Promise.race([sending, quitNow]);
  } finally {
    reporter.stop();
    stopListening();
  }
  if (typeof result === 'number') return result;
  if (!result.ok) return fail(io, result.problems);
  const s = result.value;
  printSummary(io, s, (Date.now() - started) / 1000);
  if (s.fatal) reportProblems(io, [s.fatal]);
  if (controller.signal.aborted) return INTERRUPTED;
  return s.fatal || s.failed.length || s.unknown.length || s.retryLater.length || s.stopReason ? 1 : 0;
}
