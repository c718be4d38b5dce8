/**
 * `briefwire subscribers`: where the list stands (readers from the CSV,
 * confirmed through the form, waiting to confirm, suppressed per reason) and,
 * with --export, the effective list `send` would mail, as CSV.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { CAC } from 'cac';
import { stringify } from 'csv-stringify';
import { readRecipients } from '../deliver/send/recipients.js';
import { formatReasons } from '../deliver/audience/suppression.js';
import type { Problem } from '../problems.js';
import { optionalText, SEND_DEFAULTS, subscribersFileOption, textOption } from './options.js';
import { reportProblems, type CommandIo } from './command-io.js';
import type { StateStore } from '../deliver/store/state-store.js';
import { withState } from './with-state.js';

export interface SubscribersCommandOptions {
  /** The subscriber CSV, or null for none (confirmed subscribers only). */
  subscribersFile: string | null;
  stateDir: string;
  /** Write the effective list to this file. */
  exportFile?: string | undefined;
  /** Print the effective list as CSV on stdout (the counts go to stderr). */
  csv: boolean;
}

export function registerSubscribers(cli: CAC, io: CommandIo): void {
  cli
    .command('subscribers', 'Count readers (CSV, confirmed, pending, suppressed by reason); --export writes the list send would mail')
    .option('--subscribers <file>', 'Subscriber CSV', { default: SEND_DEFAULTS.subscribers })
    .option('--state <dir>', 'State directory (subscriber store, suppression list)', { default: SEND_DEFAULTS.state })
    .option('--export <file>', 'Write the effective list (email,name,source) as CSV to this file')
    .option('--csv', 'Print the effective list as CSV on standard output (the counts go to stderr)')
    .example('briefwire subscribers --export readers.csv')
    .action((opts: Record<string, unknown>) =>
      runSubscribers(
        { subscribersFile: subscribersFileOption(opts['subscribers']), stateDir: textOption(opts['state']), exportFile: optionalText(opts['export']), csv: Boolean(opts['csv']) },
        io,
      ),
    );
}

export function runSubscribers(opts: SubscribersCommandOptions, io: CommandIo): Promise<number> {
  return withState(opts.stateDir, (state) => runSubscribersOn(state, opts, io), {}, io.env);
}

async function runSubscribersOn(state: StateStore, opts: SubscribersCommandOptions, io: CommandIo): Promise<number> {
  const csv = opts.subscribersFile;
  const loaded = await state.suppressions();
  if (!loaded.ok) {
    reportProblems(io, loaded.problems);
    return 1;
  }
  const suppression = loaded.value;
  reportProblems(io, loaded.warnings);
  const store = await state.subscribers();

  const toStdout = opts.csv && opts.exportFile === undefined;
  const out = opts.exportFile === undefined && !toStdout ? null : stringify({ header: true, columns: ['email', 'name', 'source'] });
  const sink = out && opts.exportFile !== undefined ? createWriteStream(opts.exportFile) : null;
  if (out) out.pipe(sink ?? io.stdout);

  const counts = { csv: 0, confirmed: 0, effective: 0, suppressedListed: 0 };
  const problems: Problem[] = [];
  for await (const item of readRecipients(csv, state)) {
    if (item.kind === 'problem') {
      problems.push(item.problem);
      continue;
    }
    const r = item.recipient;
    const source = r.line > 0 ? 'csv' : 'confirmed';
    if (source === 'csv') counts.csv++;
    else counts.confirmed++;
    if (suppression.has(r.key)) {
      counts.suppressedListed++;
      continue;
    }
    counts.effective++;
    if (out && !out.write([r.address, r.name ?? '', source])) await once(out, 'drain');
  }
  if (out) {
    out.end();
    if (sink) await once(sink, 'finish');
  }
  // With the list on standard output, the report goes to stderr so a pipe gets only CSV.
  const report = toStdout ? io.stderr : io.stdout;
  reportProblems(io, problems, 50);
  if (problems.some((p) => p.severity === 'error')) return 1;
  const inBoth = store.confirmed.size - counts.confirmed;
  const pending = [...store.pending.keys()].filter((k) => !store.confirmed.has(k) || suppression.has(k)).length;
  report.write(
    [
      `From ${csv ?? 'no CSV'}: ${counts.csv}`,
      `Confirmed through the form: ${store.confirmed.size}${inBoth > 0 ? ` (${inBoth} also in the CSV)` : ''}`,
      `Waiting to confirm: ${pending}`,
      `Suppressed: ${formatReasons(suppression.size, suppression.countByReason())}, of whom ${counts.suppressedListed} are on the list above`,
      `Effective list (what send mails): ${counts.effective}${opts.exportFile && !toStdout ? `, written to ${opts.exportFile}` : ''}`,
    ].join('\n') + '\n',
  );
  return 0;
}
