/**
 * What each send slot sent, or will send, for `briefwire schedule`: from the
 * built editions, the ledgers and the slot records (skips, reported misses).
 * The words are decided here, purely, from facts the command gathers.
 */
import type { DateTime } from 'luxon';
import type { Schedule } from '../../model.js';
import { mostRecentSlot, slotOnDate } from './schedule.js';

export interface SlotFacts {
  /** The slot's edition date (its local day). */
  date: string;
  /** The slot time has come. */
  past: boolean;
  built: boolean;
  /** The edition's ledger says the send completed. */
  sent: boolean;
  /** The ledger has records but no completion. */
  started: boolean;
  skipped: boolean;
}

export function slotStatus(f: SlotFacts): string {
  if (f.sent) return `sent edition ${f.date}`;
  if (f.started) return `edition ${f.date} partly sent; the next "send --due" finishes it`;
  if (f.skipped) return 'skipped (briefwire skip)';
  if (f.past) return f.built ? `edition ${f.date} built, not sent` : 'no edition: nothing was sent';
  return f.built ? `will send edition ${f.date}` : `no edition built for ${f.date} yet`;
}

/** The `count` slots before and including the most recent one, oldest first. */
export function previousSlots(schedule: Schedule, now: Date, count: number): DateTime[] {
  const last = mostRecentSlot(schedule, now);
  const slots: DateTime[] = [];
  for (let i = count - 1; i >= 0; i--) slots.push(slotOnDate(schedule, last.minus({ weeks: i }).toISODate()!));
  return slots;
}
