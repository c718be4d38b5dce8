/**
 * The files backend: the state directory's JSON-lines files, read and written
 * by the modules that always did (suppression.ts, subscriber-store.ts,
 * feedback.ts, slot-records.ts, ledger.ts), so the formats are unchanged.
 * One process owns the subscriber throttle, as before: two servers on one
 * directory each keep their own (docs/state.md says when to move on).
 */
import { readdir } from 'node:fs/promises';
import type { Problem, Result } from '../../problems.js';
import { applyFeedback, feedbackFile, type FeedbackEvent } from '../audience/feedback.js';
import { readJsonLines } from '../jsonl.js';
import { listIdSentWith, readLedger, sendsDir, type LedgerSnapshot } from './ledger.js';
import { appendSlotRecord, readSlotRecords, type SlotRecordKind, type SlotRecords } from './slot-records.js';
import { SubscriberStore, type StoredSubscriber } from '../audience/subscriber-store.js';
import { appendSuppression, liftSuppression, SuppressionList, type SuppressionDetails, type SuppressionView } from '../audience/suppression.js';
import { addressKey } from '../audience/address.js';
import type { ConfirmationEmail, StateStore, SubscriberSnapshot } from './state-store.js';
import { applyFilesImport, readFilesSnapshot, readSuppressionRecords } from './files-snapshot.js';
import type { ImportPlan } from './state-snapshot.js';

const LEDGER_NAME = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

export class FilesStore implements StateStore {
  readonly kind = 'files';
  /** Loaded once for the server's throttle and confirmations (this process owns them). */
  private live: Promise<SubscriberStore> | undefined;

  constructor(readonly stateDir: string) {}

  get where(): string {
    return this.stateDir;
  }

  async suppressions(): Promise<Result<SuppressionView>> {
    return SuppressionList.load(this.stateDir);
  }

  suppress(address: string, via: string, now: Date, details: SuppressionDetails = {}): Promise<void> {
    return appendSuppression(this.stateDir, address, via, now, details);
  }

  liftSuppression(address: string, via: string, now: Date): Promise<void> {
    return liftSuppression(this.stateDir, address, via, now);
  }

  async suppressionRecords() {
    const problems: Problem[] = [];
    return { records: await readSuppressionRecords(this.stateDir, problems), problems };
  }

  subscribers(): Promise<SubscriberSnapshot> {
    return SubscriberStore.load(this.stateDir);
  }

  private liveStore(): Promise<SubscriberStore> {
    this.live ??= SubscriberStore.load(this.stateDir).then((store) => {
      const errors = store.problems.filter((p) => p.severity === 'error');
      if (errors.length > 0) throw new Error(errors.map((p) => `${p.file}: ${p.message}`).join('; '));
      return store;
    });
    return this.live;
  }

  async confirmedSubscriber(address: string): Promise<StoredSubscriber | undefined> {
    return (await this.liveStore()).confirmed.get(addressKey(address));
  }

  async requestConfirmation(address: string, now: Date, send: () => Promise<boolean>): Promise<ConfirmationEmail> {
    const store = await this.liveStore();
    if (!store.mayRequest(address, now)) return 'throttled';
    if (!(await send())) return 'failed';
    await store.recordRequest(address, now);
    return 'sent';
  }

  async recordConfirmation(c: { address: string; name?: string; requestedAt: string }, now: Date): Promise<void> {
    await (await this.liveStore()).recordConfirmation(c, now);
  }

  applyFeedback(events: readonly FeedbackEvent[], now: Date) {
    return applyFeedback(this.stateDir, events, now);
  }

  async feedbackEvents() {
    const events: FeedbackEvent[] = [];
    const problems: Problem[] = [];
    await readJsonLines(feedbackFile(this.stateDir), (value) => events.push(value as FeedbackEvent), problems).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    return { events, problems };
  }

  slotRecords(): Promise<Result<SlotRecords>> {
    return readSlotRecords(this.stateDir);
  }

  addSlotRecord(slot: string, kind: SlotRecordKind, now: Date): Promise<void> {
    return appendSlotRecord(this.stateDir, slot, kind, now);
  }

  ledger(date: string): Promise<Result<LedgerSnapshot>> {
    return readLedger(this.stateDir, date);
  }

  async sentEditions(): Promise<string[]> {
    const names = await readdir(sendsDir(this.stateDir)).catch(() => [] as string[]);
    return names.flatMap((n) => LEDGER_NAME.exec(n)?.[1] ?? []).sort();
  }

  listIdSentWith(): Promise<string | null | undefined> {
    return listIdSentWith(this.stateDir);
  }

  snapshot() {
    return readFilesSnapshot(this.stateDir);
  }

  applyImport(plan: Omit<ImportPlan, 'report'>, now: Date): Promise<void> {
    return applyFilesImport(this.stateDir, plan, now);
  }

  async close(): Promise<void> {}
}
