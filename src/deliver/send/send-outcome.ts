/**
 * What one SMTP answer means for a recipient, as a pure function: the ledger
 * line to write and what happens next. The send step (send-step.ts) does the
 * I/O around it; keeping the rules here lets them be tested without a server.
 *
 *   250                        → `sent`, done
 *   no answer after the body   → `unconfirmed`, done (may have arrived: never retried)
 *   5xx / refused by nodemailer → `failed` permanent, done
 *   4xx / no answer before the body → `failed` temporary, then retry while
 *                                tries remain and the run is not stopping,
 *                                else leave it for a later run
 */
import type { LedgerRecord } from '../store/ledger.js';
import type { SendOutcome } from '../transport/sender.js';

/** A ledger outcome line before the step stamps it with recipient and time. */
export type OutcomeRecord = DistributiveOmit<Extract<LedgerRecord, { type: 'sent' | 'failed' | 'unconfirmed' }>, 'to' | 'at'>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Where a recipient ends up in this run (`retry` = not yet: try again after a backoff). */
export type RecipientResult = 'sent' | 'unknown' | 'failed' | 'retry-later';

export interface OutcomeDecision {
  record: OutcomeRecord;
  next: RecipientResult | 'retry';
  /** The SMTP error text, for summaries and log lines (absent when sent). */
  error?: string;
}

/**
 * @param attempt  1 for the first try
 * @param retries  extra tries allowed after a temporary failure
 * @param stopping the run is stopping (signal, breaker, fatal error): no more retries
 */
export function decideOutcome(outcome: SendOutcome, attempt: number, retries: number, stopping: boolean): OutcomeDecision {
  if (outcome.ok) return { record: { type: 'sent', response: outcome.response }, next: 'sent' };
  const error = outcome.message;
  if (outcome.kind === 'unconfirmed') return { record: { type: 'unconfirmed', error }, next: 'unknown', error };
  const permanent = outcome.kind === 'permanent';
  const record: OutcomeRecord = { type: 'failed', permanent, ...(outcome.code !== undefined ? { code: outcome.code } : {}), error };
  if (permanent) return { record, next: 'failed', error };
  return { record, next: attempt > retries || stopping ? 'retry-later' : 'retry', error };
}

/** The log line for a recipient's final result in this run (none for a plain success). */
export function resultLine(result: RecipientResult, address: string, error: string | undefined): string | undefined {
  switch (result) {
    case 'sent':
      return undefined;
    case 'unknown':
      return `unknown: ${address}: ${error} (the server may have accepted it; not retried)`;
    case 'failed':
      return `failed: ${address}: ${error}`;
    case 'retry-later':
      return `failed for now: ${address}: ${error} (a later run retries it)`;
  }
}

/** Exponential backoff with ±20% jitter, so parallel workers do not retry in lockstep. */
export function backoff(baseMs: number, attempt: number, random: () => number = Math.random): number {
  const raw = baseMs * 2 ** (attempt - 1);
  return Math.round(raw * (0.8 + random() * 0.4));
}
