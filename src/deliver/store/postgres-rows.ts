/** Rows of the PostgreSQL backend turned into the shapes the files backend reads. */
import type { FeedbackEvent } from '../audience/feedback.js';
import type { DoneRecord, LedgerSnapshot, RecipientState } from './ledger.js';
import type { StoredSubscriber } from '../audience/subscriber-store.js';

export function iso(value: Date | string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

export interface SubscriberRow {
  address: string;
  name: string | null;
  confirmed_at: Date;
  consent: string | null;
}

export function subscriberFromRow(row: SubscriberRow): StoredSubscriber {
  return { address: row.address, ...(row.name ? { name: row.name } : {}), confirmedAt: iso(row.confirmed_at)!, consent: row.consent ?? 'unknown' };
}

export interface FeedbackRow {
  id: string;
  kind: FeedbackEvent['kind'];
  address: string;
  at: Date;
  via: string;
  status: string | null;
  detail: string | null;
  message_id: string | null;
}

export function feedbackFromRow(row: FeedbackRow): FeedbackEvent {
  return {
    id: row.id,
    kind: row.kind,
    address: row.address,
    at: iso(row.at)!,
    via: row.via,
    ...(row.status ? { status: row.status } : {}),
    ...(row.detail ? { detail: row.detail } : {}),
    ...(row.message_id ? { messageId: row.message_id } : {}),
  };
}

export interface DeliveryRow {
  address: string;
  state: 'attempt' | 'sent' | 'failed' | 'unconfirmed';
  permanent: boolean;
  tries: number;
  claimed_at: Date | null;
  updated_at: Date | null;
  code: number | null;
  error: string | null;
  response: string | null;
}

export interface DoneRow {
  at: Date;
  sent: number;
  failed: number;
  retry_later: number;
  unknown: number;
}

export function recipientState(row: Pick<DeliveryRow, 'state' | 'permanent'>): RecipientState {
  if (row.state === 'sent') return 'sent';
  if (row.state === 'failed') return row.permanent ? 'failed-permanent' : 'failed-temporary';
  return 'unknown';
}

export function doneFromRow(row: DoneRow): DoneRecord {
  return { type: 'done', at: iso(row.at)!, sent: row.sent, failed: row.failed, retryLater: row.retry_later, unknown: row.unknown };
}

export function ledgerFromRows(file: string, rows: readonly DeliveryRow[], done: DoneRow | undefined): LedgerSnapshot {
  const states = new Map<string, RecipientState>();
  for (const row of rows) states.set(row.address, recipientState(row));
  return { file, states, problems: [], ...(done ? { lastDone: doneFromRow(done) } : {}) };
}
