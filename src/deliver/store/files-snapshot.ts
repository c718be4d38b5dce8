/**
 * A state directory as a snapshot (state-snapshot.ts), and back: reading
 * takes the records as the files hold them; writing appends what an import
 * adds (durably, as every other writer does) or, for an export into an empty
 * directory, writes the whole state in the files backend's format.
 */
import { readdir } from 'node:fs/promises';

import type { Problem } from '../../problems.js';
import { feedbackFile, type FeedbackEvent } from '../audience/feedback.js';
import { subscriberStoreFile, type SubscriberRecord } from '../audience/subscriber-store.js';
import { suppressionFile, type SuppressionRecord } from '../audience/suppression.js';
import { appendJsonLines, readJsonLines } from '../jsonl.js';
import { ledgerFile, readLedger, sendsDir, type LedgerRecord, type RecipientState } from './ledger.js';
import { slotRecordsFile, type SlotRecord } from './slot-records.js';
import type { EditionLedger, ImportPlan, StateSnapshot } from './state-snapshot.js';

const LEDGER_NAME = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

async function records<T>(file: string, valid: (v: Partial<T>) => boolean, problems: Problem[]): Promise<T[]> {
  const out: T[] = [];
  try {
    await readJsonLines(file, (value) => {
      if (value && typeof value === 'object' && valid(value as Partial<T>)) out.push(value as T);
    }, problems);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return out;
}

export async function readFilesSnapshot(stateDir: string): Promise<{ snapshot: StateSnapshot; problems: Problem[] }> {
  const problems: Problem[] = [];
  const sends = new Map<string, EditionLedger>();
  const names = await readdir(sendsDir(stateDir)).catch(() => [] as string[]);
  for (const date of names.flatMap((n) => LEDGER_NAME.exec(n)?.[1] ?? []).sort()) {
    const ledger = await readLedger(stateDir, date);
    if (!ledger.ok) {
      problems.push(...ledger.problems);
      continue;
    }
    problems.push(...ledger.warnings);
    sends.set(date, { states: ledger.value.states, ...(ledger.value.lastDone ? { lastDone: ledger.value.lastDone } : {}) });
  }
  const snapshot: StateSnapshot = {
    suppressions: await readSuppressionRecords(stateDir, problems),
    subscribers: await records<SubscriberRecord>(subscriberStoreFile(stateDir), (r) => typeof r.address === 'string' && typeof r.at === 'string' && (r.event === 'requested' || r.event === 'confirmed'), problems),
    feedback: await records<FeedbackEvent>(feedbackFile(stateDir), (e) => typeof e.id === 'string' && typeof e.address === 'string', problems),
    slots: await records<SlotRecord>(slotRecordsFile(stateDir), (s) => typeof s.slot === 'string' && (s.kind === 'skip' || s.kind === 'reported'), problems),
    sends,
  };
  return { snapshot, problems };
}

/** The suppression file's records, in order; damaged lines are skipped into `problems`. */
export function readSuppressionRecords(stateDir: string, problems: Problem[]): Promise<SuppressionRecord[]> {
  return records<SuppressionRecord>(suppressionFile(stateDir), (r) => typeof r.address === 'string' && r.address.trim() !== '', problems);
}

/** The ledger line that leaves a reader in `state` (an import or an export says what, not how). */
export function recordFor(to: string, state: RecipientState, at: string): LedgerRecord {
  switch (state) {
    case 'sent':
      return { type: 'sent', to, at, response: 'recorded before the move' };
    case 'unknown':
      return { type: 'attempt', to, at, try: 1 };
    case 'failed-permanent':
      return { type: 'failed', to, at, permanent: true, error: 'recorded before the move' };
    case 'failed-temporary':
      return { type: 'failed', to, at, permanent: false, error: 'recorded before the move' };
  }
}

/** Appends what the plan adds; each file is written and synced before the next. */
export async function applyFilesImport(stateDir: string, plan: Omit<ImportPlan, 'report'>, now: Date): Promise<void> {
  await appendJsonLines(suppressionFile(stateDir), plan.suppressions);
  await appendJsonLines(subscriberStoreFile(stateDir), plan.subscribers);
  await appendJsonLines(feedbackFile(stateDir), plan.feedback);
  await appendJsonLines(slotRecordsFile(stateDir), plan.slots);
  for (const [date, ledger] of plan.sends) {
    const lines: LedgerRecord[] = [...ledger.states].map(([to, state]) => recordFor(to, state, now.toISOString()));
    if (ledger.lastDone) lines.push(ledger.lastDone);
    await appendJsonLines(ledgerFile(stateDir, date), lines);
  }
}

/** Writes a whole snapshot into an empty state directory (an export). */
export function writeFilesSnapshot(dir: string, snapshot: StateSnapshot, now: Date): Promise<void> {
  return applyFilesImport(dir, { ...snapshot, suppressions: snapshot.suppressions }, now);
}

