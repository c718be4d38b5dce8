/**
 * `briefwire schedule`: the next send slots, in the schedule's zone and in UTC,
 * with the edition each would send. Mostly for checking DST: the UTC column
 * shifts by an hour across a change while the local time stays put.
 */
import path from 'node:path';
import type { CAC } from 'cac';
import { loadNewsletter, NEWSLETTER_FILE } from '../content/load.js';
import { error } from '../problems.js';
import { ScheduleMissing } from '../problem-catalogue.js';
import { nowFromEnv } from '../deliver/clock.js';
import { listBuiltEditions } from '../deliver/built-editions.js';
import { isComplete, readLedger } from '../deliver/ledger.js';
import { formatLocal, formatUtc, mostRecentSlot, nextSlots, slotDate } from '../deliver/schedule.js';
import { DIR_DEFAULTS, parseIntOption, STATE_DIR_DEFAULT } from './options.js';
import { printProblems } from '../util/print-problems.js';
import { UsageError } from './usage-error.js';

export function registerSchedule(cli: CAC): void {
  cli
    .command('schedule', 'Show the next send slots (local and UTC) and the edition each would send')
    .option('--count <n>', 'How many slots', { default: 5 })
    .option('--content <dir>', 'Content directory (newsletter.yml)', { default: DIR_DEFAULTS.content })
    .option('--out <dir>', 'Build output directory (to show which editions are built)', { default: DIR_DEFAULTS.out })
    .option('--state <dir>', 'State directory (to show whether the last slot was sent)', { default: STATE_DIR_DEFAULT })
    .example('briefwire schedule --count 10')
    .action(async (opts: { count: number | string; content: string; out: string; state: string }) => {
      const count = parseIntOption('count', opts.count, 1, 520);
      const clock = nowFromEnv(process.env);
      if (!clock.ok) throw new UsageError(clock.message);
      const loaded = await loadNewsletter(String(opts.content));
      if (!loaded.ok) {
        printProblems(loaded.problems);
        return 1;
      }
      const schedule = loaded.value.schedule;
      if (!schedule) {
        printProblems([error(path.join(String(opts.content), NEWSLETTER_FILE), ScheduleMissing)]);
        return 1;
      }
      const built = new Set(await listBuiltEditions(String(opts.out)));
      const out = process.stdout;
      const last = mostRecentSlot(schedule, clock.now);
      out.write(`${loaded.value.name} sends every ${last.toFormat('cccc', { locale: 'en-GB' })} at ${schedule.time} ${schedule.timezone}.\n`);
      out.write('Each slot sends the built edition dated the slot\'s local day.\n');

      const lastDate = slotDate(last);
      const ledger = await readLedger(String(opts.state), lastDate);
      const lastState = ledger.ok && isComplete(ledger.value) ? 'sent' : built.has(lastDate) ? 'built, not sent yet' : 'no edition';
      out.write(`Last slot: ${formatLocal(last)}  = ${formatUtc(last)}  edition ${lastDate}: ${lastState}\n`);
      out.write(`Next ${count} slot${count === 1 ? '' : 's'}:\n`);
      let previous = last;
      for (const slot of nextSlots(schedule, clock.now, count)) {
        const date = slotDate(slot);
        const dst = slot.offset !== previous.offset ? `  (UTC offset changes: ${previous.toFormat('ZZ')} → ${slot.toFormat('ZZ')})` : '';
        previous = slot;
        out.write(`  ${formatLocal(slot)}  = ${formatUtc(slot)}  edition ${date}${built.has(date) ? ' (built)' : ''}${dst}\n`);
      }
      return 0;
    });
}
