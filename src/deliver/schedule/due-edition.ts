/**
 * `send latest --due` at one cron tick: which edition to send, or why none.
 * Reads what the rules of due.ts need (the built editions, the slot records,
 * the edition's ledger and lock) and records a missing edition once per slot,
 * so cron mails the failure once and then stays quiet until the next slot. The
 * command prints the verdict.
 */
import type { DateTime } from 'luxon';
import type { Schedule } from '../../model.js';
import { error, type Problem } from '../../problems.js';
import { DueEditionMissing, DueTooLate } from '../../problem-catalogue.js';
import { builtEditionDir } from '../../render/out-layout.js';
import { listBuiltEditions } from '../send/built-editions.js';
import { FilesStore } from '../store/files-store.js';
import { isComplete } from '../store/ledger.js';
import type { StateStore } from '../store/state-store.js';
import { inspectSendLock, lockProblem, type LockInfo } from '../send/lock.js';
import { decideDue, gateDueSend } from './due.js';
import { formatLocal, formatUtc } from './schedule.js';
import { localDay, sentByHand } from './slot-status.js';
import { missingSlotAction } from '../store/slot-records.js';

export type DueEdition =
  /** Send this edition (a dry run gets it whether or not its send would start now). */
  | { kind: 'send'; date: string; slot: DateTime }
  /** The slot was skipped on purpose (`briefwire skip`). */
  | { kind: 'skipped'; slot: DateTime }
  /** The newest built edition waits for its slot (or was sent by hand before it: `sentByHand`, its local date); the last slot had none. */
  | { kind: 'not-due'; waiting: string; next: DateTime; slot: DateTime; sentByHand?: string }
  /** The slot's edition is missing and that was reported already (or the slot is skipped): say nothing. */
  | { kind: 'quiet' }
  /** A run got through the list already; `sentByHand` (its local date) when that was before the slot. */
  | { kind: 'done'; date: string; slot: DateTime; at: string; unknown: number; sentByHand?: string }
  /** A send of this edition runs on this host right now. */
  | { kind: 'running'; date: string; holder?: LockInfo | undefined }
  /** Cannot decide or must not start: the problems say why (exit 1, cron mails them). */
  | { kind: 'failed'; problems: Problem[] };

export interface DueEditionInput {
  schedule: Schedule;
  now: Date;
  outDir: string;
  store: StateStore;
  lateLimitHours: number;
  /** A dry run records nothing and shows the send even when it would not start now. */
  dryRun: boolean;
}

/** The verdict, with the warnings met on the way (a damaged line in slots.jsonl). */
export async function findDueEdition(input: DueEditionInput): Promise<{ due: DueEdition; warnings: Problem[] }> {
  const built = await listBuiltEditions(input.outDir);
  if (!built.ok) return { due: { kind: 'failed', problems: built.problems }, warnings: [] };
  const decision = decideDue(input.schedule, input.now, built.value);
  const records = await input.store.slotRecords();
  if (!records.ok) return { due: { kind: 'failed', problems: records.problems }, warnings: [] };
  const warnings = records.warnings;
  if (decision.kind !== 'not-due' && records.value.get(decision.date)?.has('skip')) return { due: { kind: 'skipped', slot: decision.slot }, warnings };
  if (decision.kind === 'not-due') {
    const ledger = await input.store.ledger(decision.waiting);
    // Its slot has not come, so a completed send of it was sent by hand.
    const sent = ledger.ok && isComplete(ledger.value) ? ledger.value.lastDone?.at : undefined;
    return { due: sent ? { ...decision, sentByHand: localDay(sent, decision.slot) } : decision, warnings };
  }
  if (decision.kind === 'missing') {
    const action = missingSlotAction(records.value, decision.date);
    if (action.kind === 'quiet' || action.kind === 'skipped') return { due: { kind: 'quiet' }, warnings };
    if (!input.dryRun) await input.store.addSlotRecord(decision.date, 'reported', input.now);
    const where = builtEditionDir(input.outDir, decision.date);
    const problem = error(where, DueEditionMissing, [`${formatLocal(decision.slot)} = ${formatUtc(decision.slot)}`, decision.date, decision.newestBuilt]);
    return { due: { kind: 'failed', problems: [problem] }, warnings };
  }
  if (input.dryRun) return { due: decision, warnings };
  return { due: await gate(input, decision.date, decision.slot), warnings };
}

/** Whether the due edition's send starts now. */
async function gate(input: DueEditionInput, date: string, slot: DateTime): Promise<DueEdition> {
  const ledger = await input.store.ledger(date);
  // On a shared database there is no lock: a second tick joins the send and claims what is left.
  const lock = input.store instanceof FilesStore ? await inspectSendLock(input.store.stateDir, date) : { file: input.store.where, state: { kind: 'free' } as const };
  const verdict = gateDueSend({ slot, now: input.now, ledger: ledger.ok ? ledger.value : null, lock: lock.state, lateLimitHours: input.lateLimitHours });
  switch (verdict.kind) {
    case 'go':
      return { kind: 'send', date, slot };
    case 'done': {
      // Completed before its slot came: someone sent it by hand, and cron should say so, not that it sent it.
      const byHand = sentByHand(verdict.at, slot);
      return { kind: 'done', date, slot, at: verdict.at, unknown: verdict.unknown, ...(byHand ? { sentByHand: byHand } : {}) };
    }
    case 'running':
      return { kind: 'running', date, holder: verdict.holder };
    case 'foreign':
      return { kind: 'failed', problems: [lockProblem(lock.file, date, lock.state)] };
    case 'too-late':
      return {
        kind: 'failed',
        problems: [error(builtEditionDir(input.outDir, date), DueTooLate, [date, formatLocal(slot), Math.floor(verdict.hoursLate), input.lateLimitHours])],
      };
  }
}

