/**
 * `briefwire schedule`: the last few send slots and the next ones, in the
 * schedule's zone and in UTC, with what each sent or will send (an edition, a
 * skip, nothing). The UTC column shifts by an hour across a DST change while
 * the local time stays put.
 */
import type { CAC } from 'cac';
import { nowFromEnv } from '../deliver/schedule/clock.js';
import { listBuiltEditions } from '../deliver/send/built-editions.js';
import { isComplete } from '../deliver/store/ledger.js';
import type { DateTime } from 'luxon';
import { formatLocal, formatUtc, nextSlots, slotDate } from '../deliver/schedule/schedule.js';
import { previousSlots, sentByHand, slotStatus, type SlotFacts } from '../deliver/schedule/slot-status.js';
import { DIR_DEFAULTS, parseIntOption, STATE_DIR_DEFAULT, textOption } from './options.js';
import { loadSchedule } from './load-schedule.js';
import { UsageError } from './usage-error.js';
import { reportProblems, type CommandIo } from './command-io.js';
import type { StateStore } from '../deliver/store/state-store.js';
import { withState } from './with-state.js';

export interface ScheduleCommandOptions {
  /** How many coming slots to list. */
  count: number;
  contentDir: string;
  outDir: string;
  stateDir: string;
}

/** How many past slots to show: enough to see last week's and a skipped one. */
const PAST_SLOTS = 3;

export function registerSchedule(cli: CAC, io: CommandIo): void {
  cli
    .command('schedule', 'Show the last and next send slots (local and UTC) and what each sent or will send')
    .option('--count <n>', 'How many slots', { default: 5 })
    .option('--content <dir>', 'Content directory (newsletter.yml)', { default: DIR_DEFAULTS.content })
    .option('--out <dir>', 'Build output directory (to show which editions are built)', { default: DIR_DEFAULTS.out })
    .option('--state <dir>', 'State directory (to show whether the last slot was sent)', { default: STATE_DIR_DEFAULT })
    .example('briefwire schedule --count 10')
    .action((opts: Record<string, unknown>) =>
      runSchedule(
        {
          count: parseIntOption('count', opts['count'], 1, 520),
          contentDir: textOption(opts['content']),
          outDir: textOption(opts['out']),
          stateDir: textOption(opts['state']),
        },
        io,
      ),
    );
}

export function runSchedule(options: ScheduleCommandOptions, io: CommandIo): Promise<number> {
  return withState(options.stateDir, (store) => scheduleOn(store, options, io), {}, io.env);
}

async function scheduleOn(store: StateStore, options: ScheduleCommandOptions, io: CommandIo): Promise<number> {
  const { count } = options;
  const clock = nowFromEnv(io.env);
  if (!clock.ok) throw new UsageError(clock.message);
  const loaded = await loadSchedule(options.contentDir, io);
  if (!loaded) return 1;
  const { newsletter, schedule } = loaded;
  const listed = await listBuiltEditions(options.outDir);
  if (!listed.ok) {
    reportProblems(io, listed.problems);
    return 1;
  }
  const built = new Set(listed.value);
  const records = await store.slotRecords();
  if (!records.ok) {
    reportProblems(io, records.problems);
    return 1;
  }
  reportProblems(io, records.warnings);
  const factsFor = async (slot: DateTime): Promise<SlotFacts> => {
    const date = slotDate(slot);
    const ledger = await store.ledger(date);
    const sent = ledger.ok && isComplete(ledger.value);
    const byHand = sent ? sentByHand(ledger.value.lastDone?.at, slot) : undefined;
    return {
      date,
      past: slot.toMillis() <= clock.now.getTime(),
      built: built.has(date),
      sent,
      ...(byHand ? { sentByHand: byHand } : {}),
      started: !sent && ledger.ok && ledger.value.states.size > 0,
      skipped: records.value.get(date)?.has('skip') ?? false,
    };
  };
  const out = io.stdout;
  const previous = previousSlots(schedule, clock.now, PAST_SLOTS);
  out.write(`${newsletter.name} sends every ${previous[0]!.toFormat('cccc', { locale: 'en-GB' })} at ${schedule.time} ${schedule.timezone}.\n`);
  out.write('Each slot sends the built edition dated the slot\'s local day.\n');
  let before: DateTime | undefined;
  const line = async (slot: DateTime): Promise<void> => {
    const dst = before && slot.offset !== before.offset ? `  (UTC offset changes: ${before.toFormat('ZZ')} → ${slot.toFormat('ZZ')})` : '';
    before = slot;
    out.write(`  ${formatLocal(slot)}  = ${formatUtc(slot)}  ${slotStatus(await factsFor(slot))}${dst}\n`);
  };
  out.write(`Last ${PAST_SLOTS} slots:\n`);
  for (const slot of previous) await line(slot);
  out.write(`Next ${count} slot${count === 1 ? '' : 's'}:\n`);
  for (const slot of nextSlots(schedule, clock.now, count)) await line(slot);
  return 0;
}
