/**
 * One cron tick of `send latest --due`, in-process against real files: the
 * built editions (writeEdition), slots.jsonl and the send lock.
 */
import { rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findDueEdition, type DueEditionInput } from '../../../src/deliver/schedule/due-edition.js';
import { appendSlotRecord, readSlotRecords } from '../../../src/deliver/store/slot-records.js';
import { acquireSendLock } from '../../../src/deliver/send/lock.js';
import type { Schedule } from '../../../src/model.js';
import { tempDir } from '../../support/fixtures.js';
import { writeEdition } from '../../support/deliver.js';
import { FilesStore } from '../../../src/deliver/store/files-store.js';

const london: Schedule = { weekday: 1, time: '08:00', timezone: 'Europe/London' };
// Monday 2025-03-31, an hour after its 08:00 London slot.
const afterSlot = new Date('2025-03-31T08:00:00Z');

let dir = '';
let input: DueEditionInput;
let stateDir = '';
beforeEach(async () => {
  dir = await tempDir('bw-due-');
  stateDir = `${dir}/state`;
  input = { schedule: london, now: afterSlot, outDir: `${dir}/out`, store: new FilesStore(stateDir), lateLimitHours: 24, dryRun: false };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('findDueEdition', () => {
  it('picks the slot\'s built edition, and says so while its send runs here', async () => {
    await writeEdition(input.outDir, '2025-03-31');
    const first = await findDueEdition(input);
    expect(first.due).toMatchObject({ kind: 'send', date: '2025-03-31' });
    const lock = await acquireSendLock(stateDir, '2025-03-31', afterSlot);
    expect(lock.ok).toBe(true);
    expect((await findDueEdition(input)).due).toMatchObject({ kind: 'running', date: '2025-03-31', holder: { pid: process.pid } });
  });

  it('reports a missing edition once per slot, then stays quiet; a dry run records nothing', async () => {
    await writeEdition(input.outDir, '2025-03-24');
    const dry = await findDueEdition({ ...input, dryRun: true });
    expect(dry.due.kind === 'failed' && dry.due.problems.map((p) => p.code)).toEqual(['BW_DUE_EDITION_MISSING']);
    const records = await readSlotRecords(stateDir);
    expect(records.ok && records.value.size).toBe(0);
    const first = await findDueEdition(input);
    expect(first.due.kind === 'failed' && first.due.problems.map((p) => p.code)).toEqual(['BW_DUE_EDITION_MISSING']);
    expect((await findDueEdition(input)).due).toEqual({ kind: 'quiet' });
  });

  it('a skipped slot sends nothing, a late one is not started, a damaged slots.jsonl line is a warning', async () => {
    await writeEdition(input.outDir, '2025-03-31');
    await appendSlotRecord(stateDir, '2025-03-31', 'skip');
    await writeFile(`${stateDir}/slots.jsonl`, 'not json\n', { flag: 'a' });
    const skipped = await findDueEdition(input);
    expect(skipped.due.kind).toBe('skipped');
    expect(skipped.warnings.map((p) => p.code)).toEqual(['BW_JSONL_LINE_SKIPPED']);
    const late = await findDueEdition({ ...input, store: new FilesStore(`${dir}/other-state`), now: new Date('2025-04-01T12:00:00Z') });
    expect(late.due.kind === 'failed' && late.due.problems.map((p) => p.code)).toEqual(['BW_DUE_TOO_LATE']);
  });
});
