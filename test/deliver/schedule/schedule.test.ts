import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../../src/model.js';
import { mostRecentSlot, nextSlots, slotDate, slotOnDate } from '../../../src/deliver/schedule/schedule.js';

const london: Schedule = { weekday: 1, time: '08:00', timezone: 'Europe/London' };
const utc = (slot: { toUTC: () => { toISO: (o: { suppressMilliseconds: boolean }) => string | null } }) => slot.toUTC().toISO({ suppressMilliseconds: true });

describe('weekly slots', () => {
  it('keeps the local time across the March and October changes in London (UTC moves by an hour)', () => {
    const march = nextSlots(london, new Date('2025-03-20T12:00:00Z'), 3).map(utc);
    // 2025-03-30 is the spring change: Monday 24th is GMT, Monday 31st is BST.
    expect(march).toEqual(['2025-03-24T08:00:00Z', '2025-03-31T07:00:00Z', '2025-04-07T07:00:00Z']);
    const october = nextSlots(london, new Date('2025-10-20T09:00:00Z'), 2).map(utc);
    // 2025-10-26 is the autumn change.
    expect(october).toEqual(['2025-10-27T08:00:00Z', '2025-11-03T08:00:00Z']);
    expect(nextSlots(london, new Date('2025-10-13T12:00:00Z'), 1).map(utc)).toEqual(['2025-10-20T07:00:00Z']);
  });

  it('runs a slot in the spring-forward gap an hour later, and an ambiguous one at its first occurrence', () => {
    const gap: Schedule = { weekday: 7, time: '02:30', timezone: 'America/New_York' };
    // 2025-03-09 02:30 does not exist in New York.
    const spring = slotOnDate(gap, '2025-03-09');
    expect(spring.toISO({ suppressMilliseconds: true })).toBe('2025-03-09T03:30:00-04:00');
    const twice: Schedule = { weekday: 7, time: '01:30', timezone: 'America/New_York' };
    // 2025-11-02 01:30 happens at -04:00 and again at -05:00: take the first.
    expect(utc(slotOnDate(twice, '2025-11-02'))).toBe('2025-11-02T05:30:00Z');
    expect(nextSlots(twice, new Date('2025-11-01T00:00:00Z'), 2).map(utc)).toEqual(['2025-11-02T05:30:00Z', '2025-11-09T06:30:00Z']);
  });

  it('finds the most recent slot at or before now, in the schedule zone', () => {
    expect(utc(mostRecentSlot(london, new Date('2025-03-31T07:00:00Z')))).toBe('2025-03-31T07:00:00Z');
    expect(utc(mostRecentSlot(london, new Date('2025-03-31T06:59:59Z')))).toBe('2025-03-24T08:00:00Z');
    // Late Sunday UTC is already Monday morning in Tokyo.
    const tokyo: Schedule = { weekday: 1, time: '06:00', timezone: 'Asia/Tokyo' };
    const slot = mostRecentSlot(tokyo, new Date('2025-03-09T22:00:00Z'));
    expect(slotDate(slot)).toBe('2025-03-10');
  });
});
