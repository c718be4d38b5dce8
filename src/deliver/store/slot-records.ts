/**
 * What happened to send slots that sent nothing, in `<state>/slots.jsonl`:
 *
 *   {"slot":"2026-12-14","kind":"skip","at":"…"}        briefwire skip: a week off, on purpose
 *   {"slot":"2026-12-14","kind":"reported","at":"…"}    send --due said once that the slot has no edition
 *
 * Cron runs `send --due` every few minutes. A slot without an edition is
 * reported once (exit 1, so cron mails it) and recorded; later ticks for that
 * slot stay quiet (exit 0) until the next slot, instead of failing all week
 * and training everyone to ignore cron's mail. A skip is a decision recorded
 * in advance or after the fact, and is never reported at all.
 */
import path from 'node:path';
import { error, fail, ok, warning, type Problem, type Result } from '../../problems.js';
import { SlotRecordSkipped, SlotRecordsUnreadable } from '../../problem-catalogue.js';
import { appendJsonLines, readJsonLines } from '../jsonl.js';

export type SlotRecordKind = 'skip' | 'reported';

export interface SlotRecord {
  slot: string;
  kind: SlotRecordKind;
  at: string;
}

export function slotRecordsFile(stateDir: string): string {
  return path.join(stateDir, 'slots.jsonl');
}

/** Slot date -> the kinds recorded for it. */
export type SlotRecords = Map<string, Set<SlotRecordKind>>;

export async function readSlotRecords(stateDir: string): Promise<Result<SlotRecords>> {
  const file = slotRecordsFile(stateDir);
  const records: SlotRecords = new Map();
  const problems: Problem[] = [];
  try {
    await readJsonLines(
      file,
      (value, line) => {
        const r = value as Partial<SlotRecord> | null;
        if (!r || typeof r.slot !== 'string' || (r.kind !== 'skip' && r.kind !== 'reported')) {
          problems.push(warning(file, SlotRecordSkipped, [], { line }));
          return;
        }
        const kinds = records.get(r.slot) ?? new Set<SlotRecordKind>();
        kinds.add(r.kind);
        records.set(r.slot, kinds);
      },
      problems,
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return fail([error(file, SlotRecordsUnreadable, [(e as Error).message])]);
  }
  return ok(records, problems);
}

export function appendSlotRecord(stateDir: string, slot: string, kind: SlotRecordKind, now = new Date()): Promise<void> {
  const record: SlotRecord = { slot, kind, at: now.toISOString() };
  return appendJsonLines(slotRecordsFile(stateDir), [record]);
}

export type MissingSlotAction =
  /** Recorded as skipped: say so in one line, exit 0. */
  | { kind: 'skipped' }
  /** Already reported for this slot: stay quiet, exit 0. */
  | { kind: 'quiet' }
  /** First tick to find it: report (exit 1) and record that it was reported. */
  | { kind: 'report' };

/** What `send --due` does about a slot that has come with no edition built for it. Pure. */
export function missingSlotAction(records: SlotRecords, slot: string): MissingSlotAction {
  const kinds = records.get(slot);
  if (kinds?.has('skip')) return { kind: 'skipped' };
  if (kinds?.has('reported')) return { kind: 'quiet' };
  return { kind: 'report' };
}
