/**
 * An edition is sent by the slot on its date's weekday (see
 * deliver/schedule/schedule.ts: a slot sends the edition dated its local day). A brief
 * dated on another weekday would never be sent by the schedule, and nothing
 * would say so until the next slot found no edition. These checks say so when
 * the brief is created and built.
 */
import { DateTime } from 'luxon';
import type { Brief, Schedule } from '../model.js';
import { warning, type Problem } from '../problems.js';
import { BriefOffSlot } from '../problem-catalogue.js';

function weekdayName(weekday: number): string {
  return DateTime.fromObject({ year: 2024, month: 1, day: weekday }).toFormat('cccc', { locale: 'en-GB' }); // 2024-01-01 was a Monday
}

export interface OffSlot {
  /** "Tuesday" */
  day: string;
  /** "Monday" */
  slotDay: string;
  /** The first slot day on or after the date. */
  nextSlotDate: string;
}

/** How `date` misses the schedule's weekday, or null when it is a slot day (or there is no schedule). */
export function offSlot(schedule: Schedule | undefined, date: string): OffSlot | null {
  if (!schedule) return null;
  const day = DateTime.fromISO(date, { zone: 'utc' });
  if (day.weekday === schedule.weekday) return null;
  const nextSlotDate = day.plus({ days: (schedule.weekday - day.weekday + 7) % 7 }).toISODate()!;
  return { day: weekdayName(day.weekday), slotDay: weekdayName(schedule.weekday), nextSlotDate };
}

/** A warning for each published (non-draft) brief dated off the schedule's weekday. */
export function offSlotWarnings(schedule: Schedule | undefined, briefs: readonly Pick<Brief, 'file' | 'date' | 'draft'>[]): Problem[] {
  const problems: Problem[] = [];
  for (const b of briefs) {
    if (b.draft) continue;
    const o = offSlot(schedule, b.date);
    if (o) problems.push(warning(b.file, BriefOffSlot, [b.date, o.day, o.slotDay, o.nextSlotDate]));
  }
  return problems;
}
