/**
 * The send loop for one edition. Per recipient, in list order:
 *
 *   ledger says sent / permanently failed  → skip
 *   on the suppression list                → skip (checked here, at send time)
 *   ledger says unknown (attempt, no answer) → skip and list, unless resendUnknown
 *   otherwise: the send step (send-step.ts): record `attempt` (synced) → SMTP → record the outcome
 *
 * Concurrency is one worker per SMTP connection, each with at most one message
 * between its `attempt` and its outcome, so a crash leaves at most
 * `concurrency` recipients unknown.
 */
import { error, type Problem, type Result } from '../../problems.js';
import { LedgerWriteFailed } from '../../problem-catalogue.js';
import { acquireSendLock, type TakenOverLock } from './lock.js';
import { classify, LedgerWriter, unknownRecipients, type RecipientAction } from '../store/ledger.js';
import { buildMessage, prepareEdition, type PreparedEdition, type SenderIdentity } from './message.js';
import type { EditionFiles } from './built-editions.js';
import { resultLine } from './send-outcome.js';
import { SendStep, type StepResult } from './send-step.js';
import { readRecipients } from './recipients.js';
import type { Recipient, SubscriberItem } from '../audience/subscriber-csv.js';
import { countReason, SuppressionList, suppressionProblemsForSending, type SuppressionReason } from '../audience/suppression.js';
import type { MailSender } from '../transport/sender.js';
import { createUnsubscribeToken, messageIdHash } from '../audience/unsubscribe-token.js';

export interface SendEditionOptions {
  edition: EditionFiles;
  sender: SenderIdentity;
  /** The subscriber CSV, or null for confirmed subscribers only (see recipients.ts). */
  subscribersFile: string | null;
  stateDir: string;
  mailer: MailSender;
  secret: string;
  /** Workers = messages in flight; match the SMTP pool's connections. */
  concurrency: number;
  /** Extra tries after a temporary failure. */
  retries: number;
  /** First backoff; doubles per try (with jitter). */
  retryDelayMs: number;
  resendUnknown: boolean;
  /** Aborting stops taking new recipients; messages in flight finish and are recorded. */
  signal?: AbortSignal;
  /** Called for progress display and log lines. */
  reporter?: SendReporter;
  /** Recipients total, if the caller already scanned the list (saves a pass). */
  total?: number;
  now?: () => Date;
}

export interface SendReporter {
  start?(total: number): void;
  /** After each recipient is settled (sent, skipped, failed, ...). */
  progress?(done: number, total: number, sent: number): void;
  /** Something worth a line of its own (failures, retries, unknowns). */
  log?(line: string): void;
  warn?(problem: Problem): void;
}

export interface SendSummary {
  date: string;
  /** Usable recipients in the list. */
  total: number;
  sent: number;
  /** Already sent by an earlier run. */
  alreadySent: number;
  suppressed: number;
  /** Suppressed recipients skipped, per reason (unsubscribed, hard-bounce, soft-bounce, complaint). */
  suppressedBy: Partial<Record<SuppressionReason, number>>;
  /** Permanently failed in this run. */
  failed: { address: string; error: string }[];
  /** Permanently failed in an earlier run (skipped). */
  failedEarlier: number;
  /** Temporary failure after all retries; a later run tries them again. */
  retryLater: { address: string; error: string }[];
  /** Handed to SMTP without a known outcome (this run or earlier); not resent without resendUnknown. */
  unknown: string[];
  /** Recipients not reached because the run stopped early. */
  notReached: number;
  /** Stopped by a signal or by the failure breaker before the end of the list. */
  interrupted: boolean;
  stopReason?: string;
  takenOverLock?: TakenOverLock;
  ledgerFile: string;
  /** Set when the run had to stop because of an I/O error (ledger not writable, list unreadable). */
  fatal?: Problem;
  /** Ledger write+sync rounds (group commit: several records per sync). */
  ledgerStats?: LedgerWriter['stats'];
}

export async function sendEdition(opts: SendEditionOptions): Promise<Result<SendSummary>> {
  const now = opts.now ?? (() => new Date());
  const reporter = opts.reporter ?? {};
  const warn = (p: Problem): void => reporter.warn?.(p);

  const lock = await acquireSendLock(opts.stateDir, opts.edition.date, now());
  if (!lock.ok) return { ok: false, problems: [lock.problem] };
  try {
    const opened = await LedgerWriter.open(opts.stateDir, opts.edition.date);
    if (!opened.ok) return opened;
    opened.warnings.forEach(warn);
    const ledger = opened.value;
    try {
      const suppression = await SuppressionList.load(opts.stateDir);
      if (!suppression.ok) return suppression;
      const listProblems = suppressionProblemsForSending(suppression.warnings);
      if (listProblems.some((p) => p.severity === 'error')) return { ok: false, problems: listProblems };
      listProblems.forEach(warn);
      const summary = await runLoop(opts, ledger, suppression.value, now, reporter);
      if (lock.takenOver) summary.takenOverLock = lock.takenOver;
      summary.ledgerStats = { ...ledger.stats };
      // Even after a fatal error the caller gets the summary: it must show what did go out.
      return { ok: true, value: summary, warnings: [] };
    } finally {
      await ledger.close();
    }
  } finally {
    await lock.release();
  }
}

async function runLoop(
  opts: SendEditionOptions,
  ledger: LedgerWriter,
  suppression: SuppressionList,
  now: () => Date,
  reporter: SendReporter,
): Promise<SendSummary> {
  const run = new SendRun(opts, ledger.file, reporter);
  // Unknown from earlier runs; whoever is still here at the end is no longer on the list.
  const earlierUnknownOffList = new Set(unknownRecipients(ledger.snapshot));
  // The List-Id is recorded so a later version can tell which id readers' filters know (see list-id.ts).
  await ledger.append({ type: 'run', at: now().toISOString(), pid: process.pid, resendUnknown: opts.resendUnknown, listId: opts.sender.listId });
  const source = new RecipientSource(opts.subscribersFile, opts.stateDir, (p) => run.failWith(p));
  if (opts.total !== undefined) reporter.start?.(opts.total);

  const edition = prepareEdition(opts.edition);
  const handle = async (r: Recipient, step: SendStep): Promise<void> => {
    earlierUnknownOffList.delete(r.key);
    // Re-read unsubscribes that arrived during a long send (at most once a second).
    const refreshed = suppressionProblemsForSending(await suppression.refreshIfOlderThan(1000));
    const damaged = refreshed.find((p) => p.severity === 'error');
    // A line appended since that cannot be read may be this very reader leaving: stop, send nothing more.
    if (damaged) return run.failWith(damaged);
    refreshed.forEach((p) => reporter.warn?.(p));
    const action = classify(ledger.snapshot.states.get(r.key), suppression.has(r.key), opts.resendUnknown);
    if (action !== 'send') return run.skipped(action, r.address, suppression.reasonOf(r.key));
    run.finished(r.address, await step.send(r, messageFor(opts, edition, r, now)));
  };
  const worker = async (): Promise<void> => {
    const step = new SendStep({
      ledger,
      mailer: opts.mailer,
      retries: opts.retries,
      retryDelayMs: opts.retryDelayMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      now,
      stopping: () => run.stopping(),
      log: (line) => reporter.log?.(line),
    });
    try {
      while (!run.stopping()) {
        const r = await source.next();
        if (!r) break;
        if (run.stopping()) {
          run.summary.notReached++;
          break;
        }
        await handle(r, step);
        run.settle();
      }
    } catch (e) {
      // A ledger write failed: stop everyone; we must not send what we cannot record.
      run.failWith(e);
    } finally {
      await step.flush().catch((e: unknown) => run.failWith(e));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, () => worker()));

  // Count what the early stop left unread, and how long the list was.
  if (run.stopping() && !run.fatal) run.summary.notReached += await source.drain();
  await source.close();
  run.summary.total = Math.max(opts.total ?? 0, source.count);
  run.end();
  // Unknown recipients from earlier runs that are no longer on the list still count: someone must decide.
  if (!run.summary.interrupted) {
    for (const key of earlierUnknownOffList) {
      if (classify('unknown', suppression.has(key), opts.resendUnknown) === 'unknown') run.summary.unknown.push(key);
    }
  }
  await recordDone(ledger, run, now);
  return run.summary;
}

function messageFor(opts: SendEditionOptions, edition: PreparedEdition, r: Recipient, now: () => Date) {
  return buildMessage({
    edition,
    sender: opts.sender,
    recipient: r.name ? { address: r.address, name: r.name } : { address: r.address },
    token: createUnsubscribeToken(r.address, opts.secret),
    messageIdHash: messageIdHash(edition.date, r.address, opts.secret),
    date: now(),
  });
}

/** A run that got through the list records `done` (what --due and the next run read). */
async function recordDone(ledger: LedgerWriter, run: SendRun, now: () => Date): Promise<void> {
  const s = run.summary;
  if (!s.interrupted && !run.fatal) {
    try {
      await ledger.append({ type: 'done', at: now().toISOString(), sent: s.sent, failed: s.failed.length, retryLater: s.retryLater.length, unknown: s.unknown.length });
    } catch (e) {
      run.fatal = error(ledger.file, LedgerWriteFailed, [(e as Error).message]);
    }
  }
  if (run.fatal) s.fatal = run.fatal;
}

/** Consecutive recipients failing temporarily after all retries before we stop hammering a dead server. */
const BREAKER_MIN = 10;

/** The state the workers of one run share: the tally, and whether (and why) to stop. */
class SendRun {
  readonly summary: SendSummary;
  fatal: Problem | undefined;
  private stopReason: string | undefined;
  private settled = 0;
  private consecutiveTemporary = 0;
  private readonly breakerLimit: number;

  constructor(
    private readonly opts: SendEditionOptions,
    private readonly ledgerFile: string,
    private readonly reporter: SendReporter,
  ) {
    this.breakerLimit = Math.max(BREAKER_MIN, opts.concurrency * 2);
    this.summary = {
      date: opts.edition.date,
      total: opts.total ?? 0,
      sent: 0,
      alreadySent: 0,
      suppressed: 0,
      suppressedBy: {},
      failed: [],
      failedEarlier: 0,
      retryLater: [],
      unknown: [],
      notReached: 0,
      interrupted: false,
      ledgerFile,
    };
  }

  stopping(): boolean {
    return this.fatal !== undefined || this.stopReason !== undefined || this.opts.signal?.aborted === true;
  }

  /** Stops the run for an I/O error: a Problem as is, anything thrown as a problem of the ledger. */
  failWith(e: unknown): void {
    this.fatal ??= isProblem(e) ? e : error(this.ledgerFile, LedgerWriteFailed, [(e as Error).message]);
  }

  skipped(action: Exclude<RecipientAction, 'send'>, address: string, reason?: SuppressionReason): void {
    const s = this.summary;
    if (action === 'already-sent') s.alreadySent++;
    else if (action === 'failed-earlier') s.failedEarlier++;
    else if (action === 'suppressed') {
      s.suppressed++;
      countReason(s.suppressedBy, reason);
    } else s.unknown.push(address);
  }

  finished(address: string, { result, error, interrupted }: StepResult): void {
    const s = this.summary;
    const line = interrupted ? undefined : resultLine(result, address, error);
    if (line) this.reporter.log?.(line);
    if (result === 'sent') s.sent++;
    else if (result === 'unknown') s.unknown.push(address);
    else if (result === 'failed') s.failed.push({ address, error: error ?? '' });
    else s.retryLater.push({ address, error: error ?? '' });
    if (result === 'sent' || result === 'failed') this.consecutiveTemporary = 0;
    if (result === 'retry-later' && !interrupted && ++this.consecutiveTemporary >= this.breakerLimit) {
      this.stopReason ??= `${this.consecutiveTemporary} recipients in a row failed temporarily; the SMTP server looks unavailable. Rerun later to continue.`;
    }
  }

  /** After each recipient is settled (sent, skipped, failed, ...). */
  settle(): void {
    this.settled++;
    this.reporter.progress?.(this.settled, Math.max(this.summary.total, this.settled), this.summary.sent);
  }

  end(): void {
    this.summary.interrupted = this.stopping();
    if (this.stopReason) this.summary.stopReason = this.stopReason;
    else if (this.opts.signal?.aborted) this.summary.stopReason = 'interrupted by a signal';
  }
}

function isProblem(e: unknown): e is Problem {
  return typeof e === 'object' && e !== null && 'severity' in e && 'file' in e && 'message' in e;
}

/**
 * The subscriber list, streamed: workers share one generator (async generators
 * queue concurrent next() calls). Row problems were reported by the caller's
 * scan; a read error now is fatal.
 */
class RecipientSource {
  private readonly items: AsyncGenerator<SubscriberItem>;
  /** Recipients read so far. */
  count = 0;

  constructor(file: string | null, stateDir: string, private readonly onFatal: (p: Problem) => void) {
    this.items = readRecipients(file, stateDir);
  }

  async next(): Promise<Recipient | null> {
    for (;;) {
      const item = await this.items.next();
      if (item.done) return null;
      if (item.value.kind === 'recipient') {
        this.count++;
        return item.value.recipient;
      }
      if (item.value.problem.severity === 'error') {
        this.onFatal(item.value.problem);
        return null;
      }
    }
  }

  /** Reads to the end; returns how many recipients that was. */
  async drain(): Promise<number> {
    let n = 0;
    while (await this.next()) n++;
    return n;
  }

  async close(): Promise<void> {
    await this.items.return(undefined);
  }
}
