/**
 * What each send slot sent, or will send, for `briefwire schedule`: from the
 * built editions, the ledgers and the slot records (skips, reported misses).
 * The words are decided here, purely, from facts the command gathers.
 */
import { DateTime } from 'luxon';
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
  /** The local day a completed send finished before its slot came: someone sent it by hand. */
  sentByHand?: string;
  /** The ledger has records but no completion. */
  started: boolean;
  skipped: boolean;
}

export function slotStatus(f: SlotFacts): string {
  if (f.sent) return f.sentByHand ? `edition ${f.date} sent by hand on ${f.sentByHand}, before its slot` : `sent edition ${f.date}`;
  if (f.started) return `edition ${f.date} partly sent; the next "send --due" finishes it`;
  if (f.skipped) return 'skipped (briefwire skip)';
  if (f.past) return f.built ? `edition ${f.date} built, not sent` : 'no edition: nothing was sent';
  return f.built ? `will send edition ${f.date}` : `no edition built for ${f.date} yet`;
}

/** The local day a send that completed at `at` finished on, when that was before its slot: it was sent by hand. */
export function sentByHand(at: string | undefined, slot: DateTime): string | undefined {
  return at && Date.parse(at) < slot.toMillis() ? localDay(at, slot) : undefined;
}

/** The day an instant fell on in the schedule's zone (the zone `slot` is in). */
export function localDay(at: string, slot: DateTime): string {
  return DateTime.fromISO(at, { zone: slot.zone }).toISODate() ?? at.slice(0, 10);
}

/** The `count` slots before and including the most recent one, oldest first. */
export function previousSlots(schedule: Schedule, now: Date, count: number): DateTime[] {
  const last = mostRecentSlot(schedule, now);
  const slots: DateTime[] = [];
  for (let i = count - 1; i >= 0; i--) slots.push(slotOnDate(schedule, last.minus({ weeks: i }).toISODate()!));
  return slots;
}
