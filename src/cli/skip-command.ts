/**
 * `briefwire skip <slot-date>`: records that a send slot sends nothing, on
 * purpose (a holiday week). `send --due` then says so in one line and exits 0
 * instead of reporting a missing edition, and `schedule` shows the slot as
 * skipped. The record goes to <state>/slots.jsonl (see deliver/schedule/slot-records.ts).
 */
import path from 'node:path';
import type { CAC } from 'cac';
import { NEWSLETTER_FILE } from '../content/load.js';
import { offSlot } from '../content/slot-day.js';
import { error, warning } from '../problems.js';
import { SkipAlreadySent, SkipEditionBuilt, SkipNotSlotDay } from '../problem-catalogue.js';
import { listBuiltEditions } from '../deliver/send/built-editions.js';
import { isComplete } from '../deliver/store/ledger.js';
import { formatLocal, slotOnDate } from '../deliver/schedule/schedule.js';
import { DIR_DEFAULTS, parseDateOption, STATE_DIR_DEFAULT, textOption } from './options.js';
import { loadSchedule } from './load-schedule.js';
import { reportProblems, type CommandIo } from './command-io.js';
import type { StateStore } from '../deliver/store/state-store.js';
import { withState } from './with-state.js';

export interface SkipCommandOptions {
  /** The slot's local date. */
  date: string;
  contentDir: string;
  outDir: string;
  stateDir: string;
}

export function registerSkip(cli: CAC, io: CommandIo): void {
  cli
    .command('skip <slot-date>', 'Record that the send slot on this date sends nothing, on purpose (send --due then stays quiet)')
    .option('--content <dir>', 'Content directory (newsletter.yml)', { default: DIR_DEFAULTS.content })
    .option('--out <dir>', 'Build output directory (to warn about a built edition for that slot)', { default: DIR_DEFAULTS.out })
    .option('--state <dir>', 'State directory', { default: STATE_DIR_DEFAULT })
    .example('briefwire skip 2026-12-28')
    .action((raw: unknown, opts: Record<string, unknown>) =>
      runSkip(
        { date: parseDateOption(raw, 'the slot date'), contentDir: textOption(opts['content']), outDir: textOption(opts['out']), stateDir: textOption(opts['state']) },
        io,
      ),
    );
}

export function runSkip(options: SkipCommandOptions, io: CommandIo): Promise<number> {
  return withState(options.stateDir, (store) => skipOn(store, options, io), {}, io.env);
}

async function skipOn(store: StateStore, options: SkipCommandOptions, io: CommandIo): Promise<number> {
  const { date, contentDir } = options;
  const newsletterFile = path.join(contentDir, NEWSLETTER_FILE);
  const loaded = await loadSchedule(contentDir, io);
  if (!loaded) return 1;
  const { schedule } = loaded;
  const off = offSlot(schedule, date);
  if (off) {
    reportProblems(io, [error(newsletterFile, SkipNotSlotDay, [date, off.day, off.slotDay, off.nextSlotDate])]);
    return 1;
  }
  const ledger = await store.ledger(date);
  if (ledger.ok && (ledger.value.states.size > 0 || isComplete(ledger.value))) {
    reportProblems(io, [error(store.kind === 'files' ? path.join(store.where, 'sends') : store.where, SkipAlreadySent, [date, isComplete(ledger.value) ? 'sent' : 'partly sent'])]);
    return 1;
  }
  const records = await store.slotRecords();
  if (!records.ok) {
    reportProblems(io, records.problems);
    return 1;
  }
  const slot = formatLocal(slotOnDate(schedule, date));
  if (records.value.get(date)?.has('skip')) {
    io.stdout.write(`The slot ${slot} is already skipped.\n`);
    return 0;
  }
  // Read before the skip is recorded: an out/ another build holds too long fails the command with nothing recorded.
  const built = await listBuiltEditions(options.outDir);
  if (!built.ok) {
    reportProblems(io, built.problems);
    return 1;
  }
  await store.addSlotRecord(date, 'skip', new Date());
  if (built.value.includes(date)) {
    reportProblems(io, [warning(path.join(options.outDir, 'editions', date), SkipEditionBuilt, [date])]);
  }
  io.stdout.write(`Skipped the slot ${slot}: "send --due" will send nothing for it.\n`);
  return 0;
}
