/**
 * The PostgreSQL state as a snapshot (read in one REPEATABLE READ transaction,
 * so an export is consistent while senders and servers keep writing), and an
 * import plan applied in one transaction: all of it lands, or none.
 */
import type { Database, Querier } from '../../state/database.js';
import type { SubscriberRecord } from '../audience/subscriber-store.js';
import type { SuppressionReason, SuppressionRecord } from '../audience/suppression.js';
import type { SlotRecord } from './slot-records.js';
import { doneFromRow, feedbackFromRow, iso, recipientState, type DeliveryRow, type DoneRow, type FeedbackRow } from './postgres-rows.js';
import type { EditionLedger, ImportPlan, StateSnapshot } from './state-snapshot.js';

export interface SuppressionEventRow {
  address: string;
  at: Date;
  via: string;
  reason: SuppressionReason | null;
  source: string | null;
  lifted: boolean;
}

interface SubscriberEventRow {
  event: 'requested' | 'confirmed';
  address: string;
  name: string | null;
  at: Date;
  consent: string | null;
  requested_at: Date | null;
}

export function readPostgresSnapshot(db: Database): Promise<StateSnapshot> {
  return db.transaction(async (tx) => {
    await tx.run('snapshot-isolation');
    const suppressions = (await tx.run<SuppressionEventRow>('suppression-events-all')).map(suppressionRecord);
    const subscribers = (await tx.run<SubscriberEventRow>('subscriber-events-all')).map(subscriberRecord);
    const feedback = (await tx.run<FeedbackRow>('feedback-all')).map(feedbackFromRow);
    const slots = (await tx.run<{ slot: string; kind: SlotRecord['kind']; at: Date }>('slot-records')).map((r) => ({ slot: r.slot, kind: r.kind, at: iso(r.at)! }));
    const sends = new Map<string, EditionLedger>();
    for (const { edition } of await tx.run<{ edition: string }>('editions-sent')) {
      const states = new Map((await tx.run<DeliveryRow>('deliveries-of', [edition])).map((r) => [r.address, recipientState(r)] as const));
      const [done] = await tx.run<DoneRow>('last-done', [edition]);
      sends.set(edition, { states, ...(done ? { lastDone: doneFromRow(done) } : {}) });
    }
    return { suppressions, subscribers, feedback, slots, sends };
  });
}

export function suppressionRecord(r: SuppressionEventRow): SuppressionRecord {
  return { address: r.address, at: iso(r.at)!, via: r.via, ...(r.reason ? { reason: r.reason } : {}), ...(r.source ? { source: r.source } : {}), ...(r.lifted ? { lifted: true as const } : {}) };
}

function subscriberRecord(r: SubscriberEventRow): SubscriberRecord {
  if (r.event === 'requested') return { event: 'requested', address: r.address, at: iso(r.at)! };
  return { event: 'confirmed', address: r.address, ...(r.name ? { name: r.name } : {}), at: iso(r.at)!, consent: r.consent ?? 'unknown', requestedAt: iso(r.requested_at) ?? iso(r.at)! };
}

export function applyPostgresImport(db: Database, plan: Omit<ImportPlan, 'report'>, now: Date): Promise<void> {
  return db.transaction(async (tx) => {
    for (const s of plan.suppressions) {
      await tx.run('insert-suppression-event', [s.address, s.at, s.via, s.reason ?? 'unsubscribed', s.source ?? null, false]);
      await tx.run('suppress', [s.address, s.reason ?? 'unsubscribed', s.at]);
    }
    for (const r of plan.subscribers) await importSubscriber(tx, r);
    for (const e of plan.feedback) {
      await tx.run('insert-feedback', [e.id, e.kind, e.address.toLowerCase(), e.at, e.via, e.status ?? null, e.detail ?? null, e.messageId ?? null]);
    }
    for (const s of plan.slots) await tx.run('insert-slot-record', [s.slot, s.kind, s.at]);
    for (const [edition, ledger] of plan.sends) await importLedger(tx, edition, ledger, now.toISOString());
  });
}

async function importSubscriber(tx: Querier, r: SubscriberRecord): Promise<void> {
  if (r.event === 'requested') {
    await tx.run('insert-subscriber-event', ['requested', r.address, null, r.at, null, null]);
    return;
  }
  await tx.run('insert-subscriber-event', ['confirmed', r.address, r.name ?? null, r.at, r.consent, r.requestedAt]);
  await tx.run('confirm-subscriber', [r.address, r.name ?? null, r.at, r.consent]);
}

async function importLedger(tx: Querier, edition: string, ledger: EditionLedger, at: string): Promise<void> {
  const [run] = await tx.run<{ id: string }>('import-run', [edition, at]);
  for (const [address, state] of ledger.states) {
    const row = state === 'sent' ? ['sent', false] : state === 'unknown' ? ['attempt', false] : ['failed', state === 'failed-permanent'];
    await tx.run('import-delivery', [edition, address, row[0], row[1], run!.id, at]);
  }
  const d = ledger.lastDone;
  if (d) await tx.run('record-done', [edition, d.at, d.sent, d.failed, d.retryLater, d.unknown]);
}
