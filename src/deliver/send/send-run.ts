/**
 * One send run's shared state, whichever backend records it: the tally the
 * summary prints, and whether (and why) the workers stop.
 */
import { error, type Problem } from '../../problems.js';
import { LedgerWriteFailed } from '../../problem-catalogue.js';
import type { RecipientAction } from '../store/ledger.js';
import { countReason, type SuppressionReason } from '../audience/suppression.js';
import { resultLine } from './send-outcome.js';
import { SendStep, type StepLedger, type StepResult } from './send-step.js';
import type { TakenOverLock } from './lock.js';
import type { EditionFiles } from './built-editions.js';
import { buildMessage, type PreparedEdition, type SenderIdentity } from './message.js';
import type { Recipient } from '../audience/subscriber-csv.js';
import { createUnsubscribeToken, messageIdHash } from '../audience/unsubscribe-token.js';
import type { MailSender } from '../transport/sender.js';
import type { LedgerWriter } from '../store/ledger.js';
import type { StateStore } from '../store/state-store.js';

export interface SendEditionOptions {
  edition: EditionFiles;
  sender: SenderIdentity;
  /** The subscriber CSV, or null for confirmed subscribers only (see recipients.ts). */
  subscribersFile: string | null;
  /** Where the ledger, the suppressions and the confirmed subscribers are. */
  store: StateStore;
  /** Messages per second for the whole edition, across all its senders, when the store coordinates it (0 = none). */
  sharedRate?: number;
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

/** The message for one recipient: their own unsubscribe token and Message-ID. */
export function messageFor(opts: SendEditionOptions, edition: PreparedEdition, r: Recipient, now: () => Date) {
  return buildMessage({
    edition,
    sender: opts.sender,
    recipient: r.name ? { address: r.address, name: r.name } : { address: r.address },
    token: createUnsubscribeToken(r.address, opts.secret),
    messageIdHash: messageIdHash(edition.date, r.address, opts.secret),
    date: now(),
  });
}

/** One worker's send step (one per SMTP connection), recording through `ledger`. */
export function stepFor(opts: SendEditionOptions, ledger: StepLedger, run: SendRun, now: () => Date): SendStep {
  return new SendStep({
    ledger,
    mailer: opts.mailer,
    retries: opts.retries,
    retryDelayMs: opts.retryDelayMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
    now,
    stopping: () => run.stopping(),
    log: (line) => opts.reporter?.log?.(line),
  });
}

/** Consecutive recipients failing temporarily after all retries before we stop hammering a dead server. */
const BREAKER_MIN = 10;

/** The state the workers of one run share: the tally, and whether (and why) to stop. */
export class SendRun {
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

export function isProblem(e: unknown): e is Problem {
  return typeof e === 'object' && e !== null && 'severity' in e && 'file' in e && 'message' in e;
}

