/**
 * The rules of `send latest --due` (cron), as pure functions: which edition a
 * tick should send (decideDue), and whether to start it (gateDueSend). The CLI
 * reads the built editions, the ledger and the lock, and prints the verdict.
 */
import type { DateTime } from 'luxon';
import type { Schedule } from '../../model.js';
import { isComplete, type LedgerSnapshot } from '../store/ledger.js';
import type { LockInfo, LockState } from '../send/lock.js';
import { mostRecentSlot, nextSlots, slotDate } from './schedule.js';

export type DueDecision =
  /** The slot has come and its edition is built: send it (unless the ledger says it is done). */
  | { kind: 'send'; slot: DateTime; date: string }
  /** The edition built last is for a slot that has not come yet. */
  | { kind: 'not-due'; slot: DateTime; next: DateTime; waiting: string }
  /** The slot has come but no edition is built for it (and none newer). */
  | { kind: 'missing'; slot: DateTime; date: string; newestBuilt?: string };

/**
 * What `send latest --due` should do at `now`, given the built edition dates.
 * If the most recent slot has no edition but a newer one is already built, that
 * slot was skipped on purpose (a week off) and we wait for the next slot; if
 * nothing newer is built either, the edition is late: that is an error.
 */
export function decideDue(schedule: Schedule, now: Date, builtDates: readonly string[]): DueDecision {
  const slot = mostRecentSlot(schedule, now);
  const date = slotDate(slot);
  if (builtDates.includes(date)) return { kind: 'send', slot, date };
  const newer = builtDates.filter((d) => d > date).sort();
  if (newer.length > 0) return { kind: 'not-due', slot, next: nextSlots(schedule, now, 1)[0]!, waiting: newer[0]! };
  const newestBuilt = [...builtDates].sort().pop();
  return newestBuilt ? { kind: 'missing', slot, date, newestBuilt } : { kind: 'missing', slot, date };
}

export type DueGate =
  /** Start (or resume) the send. */
  | { kind: 'go' }
  /** A run got through the list and left nothing to retry: nothing to do. */
  | { kind: 'done'; at: string; unknown: number }
  /** A send of this edition runs on this host (cron ticks overlap): nothing to do. */
  | { kind: 'running'; holder?: LockInfo }
  /** Locked by another host, which this one cannot check: someone must decide (exit 1 every tick). */
  | { kind: 'foreign' }
  /** Never started and its slot passed longer ago than the late limit: cron does not start it. */
  | { kind: 'too-late'; hoursLate: number };

export interface DueGateInput {
  slot: DateTime;
  now: Date;
  /** The edition's ledger, or null when it could not be read. */
  ledger: LedgerSnapshot | null;
  lock: LockState;
  lateLimitHours: number;
}

/**
 * Whether a due edition's send starts. A send that was started is always
 * finished, however late (stale locks are taken over when it starts); but cron
 * must not start an old edition nobody sent (first install on a box with a
 * built archive, a week-long outage).
 */
export function gateDueSend({ slot, now, ledger, lock, lateLimitHours }: DueGateInput): DueGate {
  if (ledger && isComplete(ledger)) return { kind: 'done', at: ledger.lastDone?.at ?? '', unknown: ledger.lastDone?.unknown ?? 0 };
  if (lock.kind === 'running') return { kind: 'running', holder: lock.holder };
  if (lock.kind === 'starting') return { kind: 'running' };
  if (lock.kind === 'foreign') return { kind: 'foreign' };
  const hoursLate = (now.getTime() - slot.toMillis()) / 3_600_000;
  const started = ledger !== null && (ledger.states.size > 0 || ledger.lastDone !== undefined);
  if (!started && hoursLate > lateLimitHours) return { kind: 'too-late', hoursLate };
  return { kind: 'go' };
}
