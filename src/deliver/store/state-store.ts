/**
 * Everything briefwire remembers, behind one interface with two backends:
 * files under the state directory (files-store.ts, the default: today's
 * formats, unchanged) and PostgreSQL (postgres-store.ts, chosen by
 * DATABASE_URL). Commands and the server hold a StateStore and never ask
 * which backend it is, except the send loop, whose claims differ (see
 * send-edition.ts and shared-send.ts).
 */
import type { Problem, Result } from '../../problems.js';
import type { FeedbackEvent, FeedbackOutcome } from '../audience/feedback.js';
import type { LedgerSnapshot } from './ledger.js';
import type { SlotRecordKind, SlotRecords } from './slot-records.js';
import type { StoredSubscriber } from '../audience/subscriber-store.js';
import type { SuppressionDetails, SuppressionRecord, SuppressionView } from '../audience/suppression.js';
import type { ImportPlan, StateSnapshot } from './state-snapshot.js';

/** The readers who subscribed through the form, as one read saw them. */
export interface SubscriberSnapshot {
  /** Confirmed readers by lower-cased address, in order of first confirmation. */
  readonly confirmed: ReadonlyMap<string, StoredSubscriber>;
  /** The last confirmation email per address not confirmed since. */
  readonly pending: ReadonlyMap<string, string>;
  readonly problems: readonly Problem[];
}

/** What the throttle said about a confirmation email. */
export type ConfirmationEmail = 'sent' | 'throttled' | 'failed';

export interface StateStore {
  readonly kind: 'files' | 'postgres';
  /** Where the state is, for messages: the state directory, or the database URL without its password. */
  readonly where: string;

  /** Who is suppressed now; `refresh()` on the view picks up what others recorded since. */
  suppressions(): Promise<Result<SuppressionView>>;
  /** Records a suppression durably before it resolves. */
  suppress(address: string, via: string, now: Date, details?: SuppressionDetails): Promise<void>;
  /** Ends an address's suppression (it confirmed a new subscription). */
  liftSuppression(address: string, via: string, now: Date): Promise<void>;
  /** Every suppression and lift, in the order they were recorded (for reports). */
  suppressionRecords(): Promise<{ records: SuppressionRecord[]; problems: Problem[] }>;

  subscribers(): Promise<SubscriberSnapshot>;
  /** One reader's confirmation, read now (another server may have recorded it). */
  confirmedSubscriber(address: string): Promise<StoredSubscriber | undefined>;
  /**
   * Sends a confirmation email through `send` unless one went to the address in
   * the last hour, from this server or any other sharing the state; records it
   * when `send` reports success.
   */
  requestConfirmation(address: string, now: Date, send: () => Promise<boolean>): Promise<ConfirmationEmail>;
  recordConfirmation(c: { address: string; name?: string; requestedAt: string }, now: Date): Promise<void>;

  /** Records bounces and complaints and applies their rules (feedback.ts), in order. */
  applyFeedback(events: readonly FeedbackEvent[], now: Date): Promise<FeedbackOutcome[]>;
  feedbackEvents(): Promise<{ events: FeedbackEvent[]; problems: Problem[] }>;

  slotRecords(): Promise<Result<SlotRecords>>;
  addSlotRecord(slot: string, kind: SlotRecordKind, now: Date): Promise<void>;

  /** An edition's send ledger as one read sees it; an edition never sent is empty. */
  ledger(date: string): Promise<Result<LedgerSnapshot>>;
  /** Editions with a ledger, oldest first. */
  sentEditions(): Promise<string[]>;
  /** The List-Id the newest edition's send carried (see ledger.ts listIdSentWith). */
  listIdSentWith(): Promise<string | null | undefined>;

  /** Everything the state holds, as one consistent read (for `state export` and `state import`). */
  snapshot(): Promise<{ snapshot: StateSnapshot; problems: Problem[] }>;
  /** Adds what an import plan says (state-snapshot.ts): never lifts a suppression, never weakens a ledger. */
  applyImport(plan: Omit<ImportPlan, 'report'>, now: Date): Promise<void>;

  close(): Promise<void>;
}
