/**
 * Weekly send slots, as pure date math (luxon). A slot is a wall-clock time in
 * the schedule's zone ("Monday 08:00 Europe/London"), so its UTC instant moves
 * when the zone changes offset; slots are stepped by calendar week in the zone,
 * never by 168 hours, which would drift an hour across every DST change.
 *
 * DST edge rules (documented in `briefwire schedule --help`):
 *  - a slot time that does not exist that day (spring-forward gap, e.g. 02:30
 *    in New York on the March change) runs at the same clock time shifted by
 *    the gap, i.e. 03:30 local, the first moment that day has that many minutes;
 *  - a slot time that happens twice (autumn fall-back) runs at the first one.
 *
 * Which edition belongs to a slot: the built edition whose date equals the
 * slot's local date (in the schedule's zone). Date your brief with the send day.
 * What `send --due` does with a slot is decided in due.ts.
 */
import { DateTime } from 'luxon';
import type { Schedule } from '../../model.js';

export function slotOnDate(schedule: Schedule, isoDate: string): DateTime {
  const [hour, minute] = schedule.time.split(':').map(Number) as [number, number];
  const day = DateTime.fromISO(isoDate, { zone: schedule.timezone });
  let dt = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone: schedule.timezone });
  if (!dt.isValid) throw new Error(`invalid schedule slot ${isoDate} ${schedule.time} ${schedule.timezone}: ${dt.invalidExplanation ?? ''}`);
  // In the fall-back hour the wall time exists twice; take the earlier instant.
  for (const candidate of dt.getPossibleOffsets()) {
    if (candidate.toMillis() < dt.toMillis()) dt = candidate;
  }
  return dt;
}

/** The local date of a slot, which names its edition. */
export function slotDate(slot: DateTime): string {
  return slot.toISODate()!;
}

/** The latest slot at or before `now`. */
export function mostRecentSlot(schedule: Schedule, now: Date): DateTime {
  const local = DateTime.fromJSDate(now, { zone: schedule.timezone });
  const back = (local.weekday - schedule.weekday + 7) % 7;
  let date = local.minus({ days: back }).toISODate()!;
  let slot = slotOnDate(schedule, date);
  if (slot.toMillis() > now.getTime()) {
    date = DateTime.fromISO(date, { zone: schedule.timezone }).minus({ weeks: 1 }).toISODate()!;
    slot = slotOnDate(schedule, date);
  }
  return slot;
}

/** The next `count` slots strictly after `now`. */
export function nextSlots(schedule: Schedule, now: Date, count: number): DateTime[] {
  const local = DateTime.fromJSDate(now, { zone: schedule.timezone });
  const ahead = (schedule.weekday - local.weekday + 7) % 7;
  let date = DateTime.fromISO(local.plus({ days: ahead }).toISODate()!, { zone: schedule.timezone });
  if (slotOnDate(schedule, date.toISODate()!).toMillis() <= now.getTime()) date = date.plus({ weeks: 1 });
  const slots: DateTime[] = [];
  for (let i = 0; i < count; i++) slots.push(slotOnDate(schedule, date.plus({ weeks: i }).toISODate()!));
  return slots;
}

/** "Mon 2025-03-31 08:00 (UTC+01:00)": the offset, not a zone abbreviation, which depends on the locale. */
export function formatLocal(slot: DateTime): string {
  return `${slot.toFormat('ccc yyyy-LL-dd HH:mm', { locale: 'en-GB' })} (UTC${slot.toFormat('ZZ')})`;
}

/** "2025-03-31 07:00 UTC" */
export function formatUtc(slot: DateTime): string {
  return `${slot.toUTC().toFormat('yyyy-LL-dd HH:mm')} UTC`;
}
