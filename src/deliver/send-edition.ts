/**
 * The send loop for one edition. Per recipient, in list order:
 *
 *   ledger says sent / permanently failed  → skip
 *   on the suppression list                → skip (checked here, at send time)
 *   ledger says unknown (attempt, no answer) → skip and list, unless resendUnknown
 *   otherwise: record `attempt` (synced) → SMTP → record the outcome
 *
 * Concurrency is one worker per SMTP connection, each with at most one message
 * between its `attempt` and its outcome, so a crash leaves at most
 * `concurrency` recipients unknown. A worker's outcome record is written
 * together with its next attempt (group commit); since the ledger is written
 * in order, the attempt being on disk implies the outcome before it is too.
 */
import { error, type Problem, type Result } from '../problems.js';
import { acquireSendLock, type TakenOverLock } from './lock.js';
import { classify, LedgerWriter, unknownRecipients, type DoneRecord } from './ledger.js';
import { buildMessage, prepareEdition, type SenderIdentity } from './message.js';
import type { EditionFiles } from './built-editions.js';
import { readRecipients } from './recipients.js';
import type { Recipient } from './subscribers.js';
import { countReason, SuppressionList, type SuppressionReason } from './suppression.js';
import type { MailSender, SendOutcome } from './transport.js';
import { createUnsubscribeToken, messageIdHash } from './unsubscribe-token.js';

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

/** Consecutive recipients failing temporarily after all retries before we stop hammering a dead server. */
const BREAKER_MIN = 10;

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
      suppression.warnings.forEach(warn);
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
  const edition = prepareEdition(opts.edition);
  const states = ledger.snapshot.states;
  // Unknown from earlier runs; whoever is still here at the end is no longer on the list.
  const earlierUnknownOffList = new Set(unknownRecipients(ledger.snapshot));
  const summary: SendSummary = {
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
    ledgerFile: ledger.file,
  };
  let fatal: Problem | undefined;
  let stopReason: string | undefined;
  let settled = 0;
  let consecutiveTemporary = 0;
  const breakerLimit = Math.max(BREAKER_MIN, opts.concurrency * 2);
  const stopping = (): boolean => fatal !== undefined || stopReason !== undefined || opts.signal?.aborted === true;

  await ledger.append({ type: 'run', at: now().toISOString(), pid: process.pid, resendUnknown: opts.resendUnknown });

  // The list is streamed: workers share one generator (async generators queue concurrent next() calls).
  const items = readRecipients(opts.subscribersFile, opts.stateDir);
  let listTotal = 0;
  const nextRecipient = async (): Promise<Recipient | null> => {
    for (;;) {
      const item = await items.next();
      if (item.done) return null;
      if (item.value.kind === 'recipient') {
        listTotal++;
        return item.value.recipient;
      }
      // Row problems were reported by the caller's scan; a read error now is fatal.
      if (item.value.problem.severity === 'error') {
        fatal ??= item.value.problem;
        return null;
      }
    }
  };

  if (opts.total !== undefined) reporter.start?.(opts.total);
  const settle = (): void => {
    settled++;
    reporter.progress?.(settled, Math.max(summary.total, settled), summary.sent);
  };

  const worker = async (): Promise<void> => {
    // The outcome of this worker's previous message, still being synced.
    let pendingOutcome: Promise<void> = Promise.resolve();
    try {
      while (!stopping()) {
        const r = await nextRecipient();
        if (!r) break;
        if (stopping()) {
          summary.notReached++;
          break;
        }
        const state = states.get(r.key);
        earlierUnknownOffList.delete(r.key);
        // Re-read unsubscribes that arrived during a long send (at most once a second).
        const refreshed = await suppression.refreshIfOlderThan(1000);
        refreshed.forEach((p) => reporter.warn?.(p));
        const action = classify(state, suppression.has(r.key), opts.resendUnknown);
        if (action !== 'send') {
          if (action === 'already-sent') summary.alreadySent++;
          else if (action === 'failed-earlier') summary.failedEarlier++;
          else if (action === 'suppressed') {
            summary.suppressed++;
            countReason(summary.suppressedBy, suppression.reasonOf(r.key));
          } else summary.unknown.push(r.address);
          settle();
          continue;
        }
        const message = buildMessage({
          edition,
          sender: opts.sender,
          recipient: r.name ? { address: r.address, name: r.name } : { address: r.address },
          token: createUnsubscribeToken(r.address, opts.secret),
          messageIdHash: messageIdHash(edition.date, r.address, opts.secret),
          date: now(),
        });
        let outcome: SendOutcome | undefined;
        for (let attempt = 1; ; attempt++) {
          const recorded = ledger.append({ type: 'attempt', to: r.key, at: now().toISOString(), try: attempt });
          // Never hand a message to SMTP before its attempt is on disk.
          await Promise.all([pendingOutcome, recorded]);
          outcome = await opts.mailer.send(message);
          const at = now().toISOString();
          if (outcome.ok) {
            pendingOutcome = handled(ledger.append({ type: 'sent', to: r.key, at, response: outcome.response }));
            summary.sent++;
            consecutiveTemporary = 0;
            break;
          }
          if (outcome.kind === 'unconfirmed') {
            pendingOutcome = handled(ledger.append({ type: 'unconfirmed', to: r.key, at, error: outcome.message }));
            summary.unknown.push(r.address);
            reporter.log?.(`unknown: ${r.address}: ${outcome.message} (the server may have accepted it; not retried)`);
            break;
          }
          pendingOutcome = handled(ledger.append({
            type: 'failed',
            to: r.key,
            at,
            permanent: outcome.kind === 'permanent',
            ...(outcome.code !== undefined ? { code: outcome.code } : {}),
            error: outcome.message,
          }));
          if (outcome.kind === 'permanent') {
            summary.failed.push({ address: r.address, error: outcome.message });
            reporter.log?.(`failed: ${r.address}: ${outcome.message}`);
            consecutiveTemporary = 0;
            break;
          }
          if (attempt > opts.retries || stopping()) {
            summary.retryLater.push({ address: r.address, error: outcome.message });
            reporter.log?.(`failed for now: ${r.address}: ${outcome.message} (a later run retries it)`);
            if (++consecutiveTemporary >= breakerLimit) {
              stopReason ??= `${consecutiveTemporary} recipients in a row failed temporarily; the SMTP server looks unavailable. Rerun later to continue.`;
            }
            break;
          }
          const delay = backoff(opts.retryDelayMs, attempt);
          reporter.log?.(`retrying ${r.address} in ${delay} ms (try ${attempt + 1} of ${opts.retries + 1}): ${outcome.message}`);
          if (!(await sleep(delay, opts.signal))) {
            summary.retryLater.push({ address: r.address, error: outcome.message });
            break;
          }
        }
        settle();
      }
    } catch (e) {
      // A ledger write failed: stop everyone; we must not send what we cannot record.
      fatal ??= error(ledger.file, (e as Error).message);
    } finally {
      await pendingOutcome.catch((e: Error) => {
        fatal ??= error(ledger.file, e.message);
      });
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, () => worker()));

  // Count what the early stop left unread, and how long the list was.
  if (stopping() && !fatal) {
    for (;;) {
      const r = await nextRecipient();
      if (!r) break;
      summary.notReached++;
    }
  }
  await items.return(undefined);
  summary.total = Math.max(opts.total ?? 0, listTotal);
  summary.interrupted = stopping();
  if (stopReason) summary.stopReason = stopReason;
  else if (opts.signal?.aborted) summary.stopReason = 'interrupted by a signal';

  // Unknown recipients from earlier runs that are no longer on the list still count: someone must decide.
  if (!summary.interrupted) {
    for (const key of earlierUnknownOffList) {
      if (classify('unknown', suppression.has(key), opts.resendUnknown) === 'unknown') summary.unknown.push(key);
    }
  }

  if (!summary.interrupted && !fatal) {
    const done: DoneRecord = {
      type: 'done',
      at: now().toISOString(),
      sent: summary.sent,
      failed: summary.failed.length,
      retryLater: summary.retryLater.length,
      unknown: summary.unknown.length,
    };
    try {
      await ledger.append(done);
    } catch (e) {
      fatal = error(ledger.file, (e as Error).message);
    }
  }
  if (fatal) summary.fatal = fatal;
  return summary;
}

/**
 * Marks a promise as handled without consuming it: an outcome record's write can fail while its
 * worker sleeps before a retry, and an unhandled rejection would kill the process mid-send. The
 * worker still awaits it (and sees the error) before its next attempt.
 */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** Exponential backoff with ±20% jitter, so parallel workers do not retry in lockstep. */
export function backoff(baseMs: number, attempt: number): number {
  const raw = baseMs * 2 ** (attempt - 1);
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
