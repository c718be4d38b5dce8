import { describe, expect, it } from 'vitest';
import { decideDue, gateDueSend, type DueGateInput } from '../../../src/deliver/schedule/due.js';
import type { LedgerSnapshot, RecipientState } from '../../../src/deliver/store/ledger.js';
import { slotOnDate } from '../../../src/deliver/schedule/schedule.js';
import type { Schedule } from '../../../src/model.js';

const london: Schedule = { weekday: 1, time: '08:00', timezone: 'Europe/London' };

describe('decideDue', () => {
  it('decides what --due should do', () => {
    const built = ['2025-03-24', '2025-03-31'];
    expect(decideDue(london, new Date('2025-03-31T07:30:00Z'), built)).toMatchObject({ kind: 'send', date: '2025-03-31' });
    // Before the slot, the most recent one (24th) is the one to send if not yet sent.
    expect(decideDue(london, new Date('2025-03-31T06:30:00Z'), built)).toMatchObject({ kind: 'send', date: '2025-03-24' });
    // Only the upcoming edition is built: nothing due yet.
    expect(decideDue(london, new Date('2025-03-31T06:30:00Z'), ['2025-03-31'])).toMatchObject({ kind: 'not-due', waiting: '2025-03-31' });
    expect(decideDue(london, new Date('2025-04-07T09:00:00Z'), built)).toMatchObject({ kind: 'missing', date: '2025-04-07', newestBuilt: '2025-03-31' });
    expect(decideDue(london, new Date('2025-04-07T09:00:00Z'), [])).toEqual({ kind: 'missing', slot: expect.anything(), date: '2025-04-07' });
  });
});

describe('gateDueSend', () => {
  // The slot is 2025-03-31 08:00 London = 07:00 UTC.
  const slot = slotOnDate(london, '2025-03-31');
  const hoursAfter = (h: number): Date => new Date(slot.toMillis() + h * 3_600_000);
  const ledger = (states: [string, RecipientState][], lastDone?: LedgerSnapshot['lastDone']): LedgerSnapshot => ({
    file: 'sends/2025-03-31.jsonl',
    states: new Map(states),
    problems: [],
    ...(lastDone ? { lastDone } : {}),
  });
  const done = (retryLater: number, unknown = 0) => ({ type: 'done' as const, at: '2025-03-31T07:05:00.000Z', sent: 2, failed: 0, retryLater, unknown });
  const holder = { pid: 4242, host: 'here', startedAt: '2025-03-31T07:00:01.000Z' };
  const base: DueGateInput = { slot, now: hoursAfter(1), ledger: ledger([]), lock: { kind: 'free' }, lateLimitHours: 24 };

  it('starts a fresh edition within the late limit', () => {
    expect(gateDueSend(base)).toEqual({ kind: 'go' });
    expect(gateDueSend({ ...base, ledger: null })).toEqual({ kind: 'go' });
  });

  it('does nothing for a completed send, and passes on how many outcomes are unknown', () => {
    expect(gateDueSend({ ...base, ledger: ledger([['a@x.example', 'sent']], done(0, 1)) })).toEqual({ kind: 'done', at: '2025-03-31T07:05:00.000Z', unknown: 1 });
    // A run that left recipients to retry is not complete: the next tick resumes it.
    expect(gateDueSend({ ...base, ledger: ledger([['a@x.example', 'failed-temporary']], done(1)) })).toEqual({ kind: 'go' });
  });

  it('leaves a send in progress on this host alone, and stops on a lock from another host', () => {
    expect(gateDueSend({ ...base, lock: { kind: 'running', holder } })).toEqual({ kind: 'running', holder });
    expect(gateDueSend({ ...base, lock: { kind: 'starting' } })).toEqual({ kind: 'running' });
    expect(gateDueSend({ ...base, lock: { kind: 'foreign', holder: { ...holder, host: 'elsewhere' } } })).toEqual({ kind: 'foreign' });
    // A stale lock is taken over when the send starts.
    expect(gateDueSend({ ...base, lock: { kind: 'stale', holder, reason: 'its process is gone' } })).toEqual({ kind: 'go' });
  });

  it('does not start an edition nobody sent once its slot is older than the late limit, but finishes a started one', () => {
    expect(gateDueSend({ ...base, now: hoursAfter(24) })).toEqual({ kind: 'go' });
    expect(gateDueSend({ ...base, now: hoursAfter(25) })).toEqual({ kind: 'too-late', hoursLate: 25 });
    expect(gateDueSend({ ...base, now: hoursAfter(25), ledger: null })).toEqual({ kind: 'too-late', hoursLate: 25 });
    expect(gateDueSend({ ...base, now: hoursAfter(200), ledger: ledger([['a@x.example', 'unknown']]) })).toEqual({ kind: 'go' });
    expect(gateDueSend({ ...base, now: hoursAfter(200), ledger: ledger([], done(1)) })).toEqual({ kind: 'go' });
  });
});
