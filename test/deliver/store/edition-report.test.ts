/**
 * An edition's report, once per backend: the same state recorded through the
 * store gives the same figures on files and on PostgreSQL. Each figure counts
 * the edition's recipients in its window (its date up to the next edition's),
 * once per reader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackEvent, FeedbackKind } from '../../../src/deliver/audience/feedback.js';
import { readEditionReport, tallyEdition } from '../../../src/deliver/store/edition-report.js';
import type { RecipientState } from '../../../src/deliver/store/ledger.js';
import type { StateStore } from '../../../src/deliver/store/state-store.js';
import { filesBackend, postgresBackend } from '../../support/state-backends.js';

let id = 0;
const feedback = (kind: FeedbackKind, address: string, at: string): FeedbackEvent => ({ id: `<r${++id}@mx.example>`, kind, address, at: `${at}T09:00:00.000Z`, via: 'dsn' });
const day = (date: string): Date => new Date(`${date}T10:00:00.000Z`);

/** Two editions' ledgers, written through the store as an import writes them. */
async function twoEditions(store: StateStore): Promise<void> {
  const first = new Map<string, RecipientState>([
    ['ann@example.com', 'sent'],
    ['bob@example.com', 'sent'],
    ['cy@example.com', 'sent'],
    ['dee@example.com', 'failed-permanent'],
    ['eve@example.com', 'failed-temporary'],
    ['fay@example.com', 'unknown'],
  ]);
  const second = new Map<string, RecipientState>([
    ['ann@example.com', 'sent'],
    ['bob@example.com', 'sent'],
  ]);
  const sends = new Map([
    ['2025-03-10', { states: first }],
    ['2025-03-17', { states: second }],
  ]);
  await store.applyImport({ suppressions: [], subscribers: [], feedback: [], slots: [], sends }, day('2025-03-18'));
}

/** What readers did after the sends, each through the store's own path. */
async function readersReacted(store: StateStore): Promise<void> {
  await store.applyFeedback(
    [
      feedback('hard-bounce', 'dee@example.com', '2025-03-09'), // before the edition: not its bounce
      feedback('hard-bounce', 'ann@example.com', '2025-03-11'),
      feedback('soft-bounce', 'bob@example.com', '2025-03-11'),
      feedback('soft-bounce', 'bob@example.com', '2025-03-12'), // the same reader again
      feedback('complaint', 'cy@example.com', '2025-03-12'),
      feedback('hard-bounce', 'zed@example.com', '2025-03-12'), // not a recipient
      feedback('soft-bounce', 'bob@example.com', '2025-03-18'), // the next edition's window
    ],
    day('2025-03-19'),
  );
  await store.suppress('Eve@Example.com', 'one-click', day('2025-03-13'));
  await store.suppress('nobody@example.com', 'one-click', day('2025-03-13'));
  await store.suppress('fay@example.com', 'form', day('2025-03-14'));
  await store.liftSuppression('fay@example.com', 'confirmed', day('2025-03-15'));
  await store.suppress('bob@example.com', 'one-click', day('2025-03-20'));
}

describe.each([filesBackend(), postgresBackend()])('edition report: $name', (backend) => {
  beforeAll(() => backend.setup(), 120_000);
  afterAll(() => backend.teardown());

  it('counts an edition in its own window, and the newest up to now', async () => {
    const store = await (await backend.fresh()).open();
    await twoEditions(store);
    await readersReacted(store);

    const older = await readEditionReport(store, '2025-03-10');
    if (!older.ok) throw new Error(older.problems.map((p) => p.message).join('; '));
    expect(older.value).toMatchObject({ edition: '2025-03-10', from: '2025-03-10T00:00:00.000Z', until: '2025-03-17T00:00:00.000Z', failedPermanently: 1 });
    expect(older.value.figures).toEqual({ recipients: 6, sent: 3, failed: 2, unknown: 1, bounced_hard: 1, bounced_soft: 1, complained: 1, unsubscribed: 2 });

    const newest = await readEditionReport(store, undefined);
    if (!newest.ok) throw new Error(newest.problems.map((p) => p.message).join('; '));
    expect(newest.value.edition).toBe('2025-03-17');
    expect(newest.value.until).toBeUndefined();
    expect(newest.value.figures).toEqual({ recipients: 2, sent: 2, failed: 0, unknown: 0, bounced_hard: 0, bounced_soft: 1, complained: 0, unsubscribed: 1 });
    await store.close();
  });

  it('says when nothing was sent, and which edition was when the date is not one', async () => {
    const store = await (await backend.fresh()).open();
    const none = await readEditionReport(store, undefined);
    expect(none.ok ? null : none.problems.map((p) => p.code)).toEqual(['BW_REPORT_NOTHING_SENT']);
    await twoEditions(store);
    const missing = await readEditionReport(store, '2025-03-11');
    expect(missing.ok ? null : missing.problems.map((p) => [p.code, p.message, p.hint])).toEqual([
      ['BW_REPORT_NOT_SENT', 'edition 2025-03-11 was never sent from this state', 'The latest edition sent is 2025-03-17; "briefwire report" without a date reports on it.'],
    ]);
    await store.close();
  });
});

describe('tallyEdition', () => {
  it('counts readers, not events, and only the recipients of the edition', () => {
    const states = new Map<string, RecipientState>([
      ['a@x.example', 'sent'],
      ['b@x.example', 'unknown'],
    ]);
    const figures = tallyEdition({
      states,
      feedback: [feedback('soft-bounce', 'a@x.example', '2025-03-10'), feedback('soft-bounce', 'A@x.example', '2025-03-11'), feedback('complaint', 'c@x.example', '2025-03-11')],
      suppressions: [{ address: 'B@X.example', at: '2025-03-16T23:59:59.999Z', via: 'one-click' }, { address: 'a@x.example', at: '2025-03-17T00:00:00.000Z', via: 'one-click' }],
      from: '2025-03-10T00:00:00.000Z',
      until: '2025-03-17T00:00:00.000Z',
    });
    expect(figures).toEqual({ recipients: 2, sent: 1, failed: 0, failedPermanently: 0, unknown: 1, bounced_hard: 0, bounced_soft: 1, complained: 0, unsubscribed: 1 });
  });
});
