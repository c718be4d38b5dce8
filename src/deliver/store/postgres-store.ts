/**
 * The PostgreSQL backend: the statements of sql/queries.sql behind the
 * StateStore interface. Every change is one conditional statement or one
 * transaction; nothing is read, decided in here and written back.
 */
import { ok, type Result } from '../../problems.js';
import type { Database, Querier } from '../../state/database.js';
import { addressKey } from '../audience/address.js';
import { judgeFeedback, type FeedbackEvent, type FeedbackOutcome } from '../audience/feedback.js';
import type { LedgerSnapshot } from './ledger.js';
import type { SlotRecordKind, SlotRecords } from './slot-records.js';
import { CONFIRMATION_INTERVAL_MS, type StoredSubscriber } from '../audience/subscriber-store.js';
import type { SuppressionDetails, SuppressionReason, SuppressionView } from '../audience/suppression.js';
import { PostgresSuppressions } from './postgres-suppressions.js';
import { feedbackFromRow, iso, ledgerFromRows, subscriberFromRow, type DeliveryRow, type DoneRow, type FeedbackRow, type SubscriberRow } from './postgres-rows.js';
import type { ConfirmationEmail, StateStore, SubscriberSnapshot } from './state-store.js';
import { applyPostgresImport, readPostgresSnapshot, suppressionRecord, type SuppressionEventRow } from './postgres-snapshot.js';
import type { ImportPlan } from './state-snapshot.js';

export class PostgresStore implements StateStore {
  readonly kind = 'postgres';
  constructor(readonly db: Database) {}

  get where(): string {
    return this.db.target.display;
  }

  async suppressions(): Promise<Result<SuppressionView>> {
    const view = new PostgresSuppressions(this.db);
    await view.refresh();
    return ok(view);
  }

  suppress(address: string, via: string, now: Date, details: SuppressionDetails = {}): Promise<void> {
    return this.db.transaction((tx) => recordSuppression(tx, addressKey(address), via, now.toISOString(), details.reason ?? 'unsubscribed', details.source));
  }

  async liftSuppression(address: string, via: string, now: Date): Promise<void> {
    const key = addressKey(address);
    await this.db.transaction(async (tx) => {
      await tx.run('insert-suppression-event', [key, now.toISOString(), via, null, null, true]);
      await tx.run('lift-suppression', [key]);
    });
  }

  async suppressionRecords() {
    return { records: (await this.db.run<SuppressionEventRow>('suppression-events-all')).map(suppressionRecord), problems: [] };
  }

  async subscribers(): Promise<SubscriberSnapshot> {
    const confirmed = new Map<string, StoredSubscriber>();
    for (const row of await this.db.run<SubscriberRow>('confirmed-subscribers')) confirmed.set(row.address, subscriberFromRow(row));
    const pending = new Map<string, string>();
    for (const row of await this.db.run<{ address: string; pending_since: Date }>('pending-subscribers')) pending.set(row.address, iso(row.pending_since)!);
    return { confirmed, pending, problems: [] };
  }

  async confirmedSubscriber(address: string): Promise<StoredSubscriber | undefined> {
    const [row] = await this.db.run<SubscriberRow>('subscriber', [addressKey(address)]);
    return row ? subscriberFromRow(row) : undefined;
  }

  async requestConfirmation(address: string, now: Date, send: () => Promise<boolean>): Promise<ConfirmationEmail> {
    const key = addressKey(address);
    const at = now.toISOString();
    const [claimed] = await this.db.run<{ previous: Date | null }>('request-confirmation', [key, at, CONFIRMATION_INTERVAL_MS]);
    if (!claimed) return 'throttled';
    if (!(await send())) {
      await this.db.run('release-confirmation', [key, at, claimed.previous]);
      return 'failed';
    }
    await this.db.run('insert-subscriber-event', ['requested', key, null, at, null, null]);
    return 'sent';
  }

  async recordConfirmation(c: { address: string; name?: string; requestedAt: string }, now: Date): Promise<void> {
    const key = addressKey(c.address);
    await this.db.transaction(async (tx) => {
      await tx.run('insert-subscriber-event', ['confirmed', key, c.name ?? null, now.toISOString(), 'double-opt-in', c.requestedAt]);
      await tx.run('confirm-subscriber', [key, c.name ?? null, now.toISOString(), 'double-opt-in']);
    });
  }

  async applyFeedback(events: readonly FeedbackEvent[], now: Date): Promise<FeedbackOutcome[]> {
    const outcomes: FeedbackOutcome[] = [];
    // One transaction per event, in order: each is recorded with the suppression it causes, or not at all.
    for (const raw of events) outcomes.push(await this.db.transaction((tx) => applyOne(tx, { ...raw, address: addressKey(raw.address) }, now)));
    return outcomes;
  }

  async feedbackEvents() {
    return { events: (await this.db.run<FeedbackRow>('feedback-all')).map(feedbackFromRow), problems: [] };
  }

  async slotRecords(): Promise<Result<SlotRecords>> {
    const records: SlotRecords = new Map();
    for (const row of await this.db.run<{ slot: string; kind: SlotRecordKind }>('slot-records')) {
      records.set(row.slot, (records.get(row.slot) ?? new Set()).add(row.kind));
    }
    return ok(records);
  }

  async addSlotRecord(slot: string, kind: SlotRecordKind, now: Date): Promise<void> {
    await this.db.run('insert-slot-record', [slot, kind, now.toISOString()]);
  }

  async ledger(date: string): Promise<Result<LedgerSnapshot>> {
    const rows = await this.db.run<DeliveryRow>('deliveries-of', [date]);
    const [done] = await this.db.run<DoneRow>('last-done', [date]);
    return ok(ledgerFromRows(`${this.where} (edition ${date})`, rows, done));
  }

  async sentEditions(): Promise<string[]> {
    return (await this.db.run<{ edition: string }>('editions-sent')).map((r) => r.edition);
  }

  async listIdSentWith(): Promise<string | null | undefined> {
    const [row] = await this.db.run<{ list_id: string | null }>('newest-list-id');
    return row ? row.list_id : undefined;
  }

  async snapshot() {
    return { snapshot: await readPostgresSnapshot(this.db), problems: [] };
  }

  applyImport(plan: Omit<ImportPlan, 'report'>, now: Date): Promise<void> {
    return applyPostgresImport(this.db, plan, now);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

async function recordSuppression(tx: Querier, key: string, via: string, at: string, reason: SuppressionReason, source: string | undefined): Promise<void> {
  await tx.run('insert-suppression-event', [key, at, via, reason, source ?? null, false]);
  await tx.run('suppress', [key, reason, at]);
}

/** feedback.ts's rules for one event, inside its transaction (the address is locked first). */
async function applyOne(tx: Querier, event: FeedbackEvent, now: Date): Promise<FeedbackOutcome> {
  await tx.run('lock-address', [event.address]);
  const inserted = await tx.run('insert-feedback', [event.id, event.kind, event.address, event.at, event.via, event.status ?? null, event.detail ?? null, event.messageId ?? null]);
  if (inserted.length === 0) return { kind: 'duplicate' };
  const [suppressed] = await tx.run('is-suppressed', [event.address]);
  if (suppressed) return { kind: 'already-suppressed' };
  const earlier = (await tx.run<{ at: Date }>('soft-bounces-of', [event.address, event.id])).map((r) => iso(r.at)!);
  const verdict = judgeFeedback(event, earlier);
  if (typeof verdict !== 'string') return { kind: 'counted', softBounces: verdict.softBounces };
  await recordSuppression(tx, event.address, event.via, now.toISOString(), verdict, event.messageId ?? event.id);
  return { kind: 'suppressed', reason: verdict };
}
