/**
 * The per-recipient send step: record `attempt` (synced) → SMTP → record the
 * outcome, retrying temporary failures with backoff. What an answer means is
 * decided by decideOutcome (send-outcome.ts); this file only does the I/O in
 * the order crash safety needs.
 *
 * One SendStep per worker (= SMTP connection). A worker's outcome record is
 * written together with its next attempt (group commit): since the ledger is
 * written in order, the attempt being on disk implies the outcome before it
 * is too, so a crash leaves at most one recipient per worker unknown.
 */
import type { SendMailOptions } from 'nodemailer';
import type { LedgerWriter } from '../store/ledger.js';
import type { Recipient } from '../audience/subscriber-csv.js';
import { backoff, decideOutcome, type OutcomeRecord, type RecipientResult } from './send-outcome.js';
import type { MailSender } from '../transport/sender.js';

/**
 * Where the step records what it does: the file ledger (fileStepLedger), or a
 * shared database that holds each recipient's claim (shared-send.ts).
 */
export interface StepLedger {
  /** Records try `attempt` before the message is handed over; false when another sender holds the recipient now. */
  attempt(key: string, at: string, attempt: number): Promise<boolean>;
  outcome(key: string, at: string, record: OutcomeRecord): Promise<void>;
}

/** The file ledger as a step ledger: one sender per edition (the lock), so every attempt is ours. */
export function fileStepLedger(ledger: LedgerWriter): StepLedger {
  return {
    attempt: (to, at, attempt) => ledger.append({ type: 'attempt', to, at, try: attempt }).then(() => true),
    outcome: (to, at, record) => ledger.append({ ...record, to, at }),
  };
}

export interface StepSettings {
  ledger: StepLedger;
  mailer: MailSender;
  /** Extra tries after a temporary failure. */
  retries: number;
  /** First backoff; doubles per try (with jitter). */
  retryDelayMs: number;
  /** Aborting cuts a backoff short; the recipient is left for a later run. */
  signal?: AbortSignal;
  now: () => Date;
  /** True once the run stops taking recipients: no more retries either. */
  stopping: () => boolean;
  log: (line: string) => void;
}

export interface StepResult {
  result: RecipientResult;
  error?: string;
  /** A backoff was cut short by the signal (so this is no sign of a dead server). */
  interrupted?: boolean;
}

export class SendStep {
  /** The outcome of this worker's previous message, still being synced. */
  private pendingOutcome: Promise<void> = Promise.resolve();

  constructor(private readonly s: StepSettings) {}

  /** Sends one message to `to`. Throws if the ledger cannot be written. */
  async send(to: Pick<Recipient, 'key' | 'address'>, message: SendMailOptions): Promise<StepResult> {
    const { s } = this;
    for (let attempt = 1; ; attempt++) {
      const recorded = s.ledger.attempt(to.key, s.now().toISOString(), attempt);
      // Never hand a message to SMTP before its attempt is on disk.
      const [, ours] = await Promise.all([this.pendingOutcome, recorded]);
      if (!ours) return { result: 'retry-later', error: 'another sender holds this recipient now', interrupted: true };
      const outcome = await s.mailer.send(message);
      const decision = decideOutcome(outcome, attempt, s.retries, s.stopping());
      this.pendingOutcome = handled(s.ledger.outcome(to.key, s.now().toISOString(), decision.record));
      if (decision.next !== 'retry') return { result: decision.next, ...(decision.error !== undefined ? { error: decision.error } : {}) };
      const delay = backoff(s.retryDelayMs, attempt);
      s.log(`retrying ${to.address} in ${delay} ms (try ${attempt + 1} of ${s.retries + 1}): ${decision.error}`);
      if (!(await sleep(delay, s.signal))) return { result: 'retry-later', error: decision.error!, interrupted: true };
    }
  }

  /** Waits until the last outcome record is on disk; rejects if its write failed. */
  flush(): Promise<void> {
    return this.pendingOutcome;
  }
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
