/**
 * `briefwire report [DATE]`: one edition's figures (the newest sent, unless a
 * date is given): recipients, sent, failed, unknown, and how many of its
 * recipients bounced (hard, soft), complained or unsubscribed since it went
 * out. `--json` prints the same as one object. The counting is
 * deliver/store/edition-report.ts's; this file only prints.
 */
import type { CAC } from 'cac';
import { readEditionReport, type EditionReport } from '../deliver/store/edition-report.js';
import type { StateStore } from '../deliver/store/state-store.js';
import { parseDateOption, STATE_DIR_DEFAULT, textOption } from './options.js';
import { reportProblems, type CommandIo } from './command-io.js';
import { withState } from './with-state.js';

export interface ReportCommandOptions {
  /** The edition's date; undefined for the newest edition sent. */
  date: string | undefined;
  stateDir: string;
  json: boolean;
}

export function registerReport(cli: CAC, io: CommandIo): void {
  cli
    .command('report [date]', "One edition's figures: recipients, sent, failed, unknown, bounces, complaints, unsubscribes (default: the newest sent)")
    .option('--state <dir>', 'State directory (send ledgers, feedback, suppressions)', { default: STATE_DIR_DEFAULT })
    .option('--json', 'Print the figures as one JSON object')
    .example('briefwire report 2026-12-07 --json')
    .action((raw: unknown, opts: Record<string, unknown>) =>
      runReport({ date: raw === undefined ? undefined : parseDateOption(String(raw), 'the edition date'), stateDir: textOption(opts['state']), json: Boolean(opts['json']) }, io),
    );
}

export function runReport(options: ReportCommandOptions, io: CommandIo): Promise<number> {
  return withState(options.stateDir, (store) => reportOn(store, options, io), {}, io.env);
}

async function reportOn(store: StateStore, options: ReportCommandOptions, io: CommandIo): Promise<number> {
  const report = await readEditionReport(store, options.date);
  if (!report.ok) {
    reportProblems(io, report.problems);
    return 1;
  }
  reportProblems(io, report.warnings, 20);
  io.stdout.write(options.json ? `${JSON.stringify(report.value.figures)}\n` : reportText(report.value));
  return 0;
}

/** The report as a reader of the terminal wants it: the window first, then one figure a line. */
export function reportText(r: EditionReport): string {
  const f = r.figures;
  const until = r.until === undefined ? 'now' : r.until.slice(0, 10);
  const temporary = f.failed - r.failedPermanently;
  const rows: [string, number, string?][] = [
    ['Recipients', f.recipients],
    ['Sent', f.sent],
    ['Failed', f.failed, f.failed > 0 ? `${r.failedPermanently} permanently; ${temporary} for now, which a rerun retries` : undefined],
    ['Unknown', f.unknown, f.unknown > 0 ? 'may have arrived; "send --resend-unknown" sends them again' : undefined],
    ['Hard bounces', f.bounced_hard],
    ['Soft bounces', f.bounced_soft],
    ['Complaints', f.complained],
    ['Unsubscribed', f.unsubscribed],
  ];
  const lines = rows.map(([label, n, note]) => `  ${`${label}:`.padEnd(14)}${String(n).padStart(7)}${note ? `  (${note})` : ''}`);
  return [`Edition ${r.edition} (bounces, complaints and unsubscribes of its recipients from ${r.from.slice(0, 10)} to ${until}):`, ...lines].join('\n') + '\n';
}
