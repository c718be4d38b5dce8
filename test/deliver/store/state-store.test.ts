/**
 * The store's contract: the same cases, once per backend. What a command sees
 * must not depend on where the state is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackEvent } from '../../../src/deliver/audience/feedback.js';
import { filesBackend, postgresBackend } from '../../support/state-backends.js';

const HOUR = 3_600_000;
const t0 = new Date('2026-12-07T08:00:00.000Z');
const later = (ms: number): Date => new Date(t0.getTime() + ms);

describe.each([filesBackend(), postgresBackend()])('state store: $name', (backend) => {
  beforeAll(() => backend.setup(), 120_000);
  afterAll(() => backend.teardown());

  it('suppresses lower-cased addresses, keeps the first reason, and lifts', async () => {
    const store = await (await backend.fresh()).open();
    await store.suppress('Ann@Example.com', 'one-click', t0);
    await store.suppress('ann@example.com', 'arf', later(1000), { reason: 'complaint', source: '<m1@x>' });
    await store.suppress('bob@example.com', 'dsn', t0, { reason: 'hard-bounce' });
    let view = await store.suppressions();
    if (!view.ok) throw new Error('unreadable');
    expect(view.value.has('ANN@example.com')).toBe(true);
    expect(view.value.reasonOf('ann@example.com')).toBe('unsubscribed');
    expect(view.value.countByReason()).toMatchObject({ unsubscribed: 1, 'hard-bounce': 1, complaint: 0 });
    await store.liftSuppression('ann@example.com', 'confirmed', later(2000));
    view = await store.suppressions();
    if (!view.ok) throw new Error('unreadable');
    expect(view.value.has('ann@example.com')).toBe(false);
    expect(view.value.lastSuppressedAt('ann@example.com')).toBe(later(1000).toISOString());
    expect([...view.value.keys()]).toEqual(['bob@example.com']);
    await store.close();
  });

  it('a view picks up suppressions recorded through another connection on refresh', async () => {
    const state = await backend.fresh();
    const reader = await state.open();
    const writer = await state.open();
    const view = await reader.suppressions();
    if (!view.ok) throw new Error('unreadable');
    expect(view.value.has('cy@example.com')).toBe(false);
    await writer.suppress('cy@example.com', 'form', t0);
    expect(await view.value.refresh()).toEqual([]);
    expect(view.value.has('cy@example.com')).toBe(true);
    await Promise.all([reader.close(), writer.close()]);
  });

  it('throttles confirmation emails to one an hour per address, and a failed email does not count', async () => {
    const store = await (await backend.fresh()).open();
    const sent: string[] = [];
    const send = (ok: boolean) => async () => (sent.push('x'), ok);
    expect(await store.requestConfirmation('dee@example.com', t0, send(false))).toBe('failed');
    expect(await store.requestConfirmation('dee@example.com', later(1000), send(true))).toBe('sent');
    expect(await store.requestConfirmation('DEE@example.com', later(HOUR - 1), send(true))).toBe('throttled');
    expect(await store.requestConfirmation('dee@example.com', later(HOUR + 1000), send(true))).toBe('sent');
    expect(sent).toHaveLength(3);
    const subs = await store.subscribers();
    expect(subs.pending.get('dee@example.com')).toBe(later(HOUR + 1000).toISOString());
    expect(subs.confirmed.size).toBe(0);
    await store.close();
  });

  it('records consent, keeps the latest details and clears the pending request', async () => {
    const store = await (await backend.fresh()).open();
    await store.requestConfirmation('eve@example.com', t0, async () => true);
    await store.recordConfirmation({ address: 'Eve@example.com', name: 'Eve', requestedAt: t0.toISOString() }, later(60_000));
    await store.recordConfirmation({ address: 'fay@example.com', requestedAt: t0.toISOString() }, later(120_000));
    const subs = await store.subscribers();
    expect([...subs.confirmed.keys()]).toEqual(['eve@example.com', 'fay@example.com']);
    expect(subs.confirmed.get('eve@example.com')).toMatchObject({ name: 'Eve', confirmedAt: later(60_000).toISOString(), consent: 'double-opt-in' });
    expect(subs.pending.size).toBe(0);
    expect((await store.confirmedSubscriber('EVE@example.com'))?.name).toBe('Eve');
    expect(await store.confirmedSubscriber('nobody@example.com')).toBeUndefined();
    await store.close();
  });

  it('applies bounce and complaint rules once per event id', async () => {
    const store = await (await backend.fresh()).open();
    const soft = (id: string, days: number): FeedbackEvent => ({ id, kind: 'soft-bounce', address: 'gil@example.com', at: later(days * 86_400_000).toISOString(), via: 'dsn' });
    const hard: FeedbackEvent = { id: 'h1', kind: 'hard-bounce', address: 'Hal@example.com', at: t0.toISOString(), via: 'ses', messageId: '<2026-12-07.x@news>' };
    const outcomes = await store.applyFeedback([hard, hard, soft('s1', 0), soft('s2', 1), soft('s2', 1), soft('s3', 2), soft('s4', 3)], later(5000));
    expect(outcomes).toEqual([
      { kind: 'suppressed', reason: 'hard-bounce' },
      { kind: 'duplicate' },
      { kind: 'counted', softBounces: 1 },
      { kind: 'counted', softBounces: 2 },
      { kind: 'duplicate' },
      { kind: 'suppressed', reason: 'soft-bounce' },
      { kind: 'already-suppressed' },
    ]);
    const view = await store.suppressions();
    if (!view.ok) throw new Error('unreadable');
    expect(view.value.reasonOf('hal@example.com')).toBe('hard-bounce');
    expect(view.value.reasonOf('gil@example.com')).toBe('soft-bounce');
    const log = await store.feedbackEvents();
    expect(log.events.map((e) => e.id)).toEqual(['h1', 's1', 's2', 's3', 's4']);
    expect(log.events[0]).toMatchObject({ address: 'hal@example.com', messageId: '<2026-12-07.x@news>' });
    await store.close();
  });

  it('records slots once per kind', async () => {
    const store = await (await backend.fresh()).open();
    await store.addSlotRecord('2026-12-14', 'skip', t0);
    await store.addSlotRecord('2026-12-21', 'reported', t0);
    await store.addSlotRecord('2026-12-21', 'reported', later(1000));
    const records = await store.slotRecords();
    if (!records.ok) throw new Error('unreadable');
    expect(records.value.get('2026-12-14')).toEqual(new Set(['skip']));
    expect(records.value.get('2026-12-21')).toEqual(new Set(['reported']));
    await store.close();
  });

  it('has an empty ledger before anything was sent', async () => {
    const store = await (await backend.fresh()).open();
    const ledger = await store.ledger('2026-12-07');
    expect(ledger.ok && ledger.value.states.size).toBe(0);
    expect(ledger.ok && ledger.value.lastDone).toBeUndefined();
    expect(await store.sentEditions()).toEqual([]);
    expect(await store.listIdSentWith()).toBeUndefined();
    await store.close();
  });
});
