/**
 * `briefwire check`: the content checks, the numbers audit and every
 * edition's email (rendered in memory, checked against caniemail), drafts
 * included. Every finding is printed as file:line:col. The email client
 * report goes to stdout with --compat, or when it says something other than
 * what check last printed (remembered in the state directory; the only thing
 * check writes); otherwise one line says it is unchanged. The preview's pane
 * always shows it. Exit 1 when any finding is an error, 0 when there are only
 * warnings (or none).
 */
import type { CAC } from 'cac';
import { DIR_DEFAULTS, STATE_DIR_DEFAULT, textOption } from './options.js';
import { reportProblems, type CommandIo } from './command-io.js';
import { lastCompatReport, rememberCompatReport } from './compat-memory.js';
import type { CompatibilitySummary } from '../render/compatibility-summary.js';

export interface CheckCommandOptions {
  contentDir: string;
  templatesDir: string;
  /** Print the email client report even when it is unchanged. */
  compat: boolean;
  /** Where the last printed report is remembered. */
  stateDir: string;
}

export function registerCheck(cli: CAC, io: CommandIo): void {
  cli
    .command('check', "Check the briefs, audit their numbers and check the emails against email clients; exit 1 on any error")
    .option('--content <dir>', 'Content directory', { default: DIR_DEFAULTS.content })
    .option('--templates <dir>', 'Templates directory', { default: DIR_DEFAULTS.templates })
    .option('--compat', 'Print the email client compatibility report even when it has not changed since check last printed it')
    .option('--state <dir>', 'State directory, where check remembers the last report it printed', { default: STATE_DIR_DEFAULT })
    .example('briefwire check')
    .example('briefwire check --compat')
    .action((opts: Record<string, unknown>) =>
      runCheck({ contentDir: textOption(opts['content']), templatesDir: textOption(opts['templates']), compat: Boolean(opts['compat']), stateDir: textOption(opts['state']) }, io),
    );
}

export async function runCheck(options: CheckCommandOptions, io: CommandIo): Promise<number> {
  const { checkContent } = await import('../pipeline/check.js');
  const report = await checkContent(options.contentDir, options.templatesDir);
  reportProblems(io, report.problems);
  if (report.compatibility) await printCompatibility(report.compatibility, options, io);
  if (report.problems.length === 0) io.stdout.write(`Checked ${report.briefs} brief${report.briefs === 1 ? '' : 's'}: no problems.\n`);
  else if (report.ok) io.stdout.write(`Checked ${report.briefs} brief${report.briefs === 1 ? '' : 's'}: warnings only.\n`);
  return report.ok ? 0 : 1;
}

/** The whole report when asked for or changed since last printed; otherwise one line. */
async function printCompatibility(summary: CompatibilitySummary, options: CheckCommandOptions, io: CommandIo): Promise<void> {
  const { compatibilityDigest, formatCompatibilitySummary } = await import('../render/compatibility-summary.js');
  const digest = compatibilityDigest(summary);
  const last = await lastCompatReport(options.stateDir);
  if (last?.digest === digest && !options.compat) {
    io.stdout.write(`Email client compatibility: unchanged since ${last.reportedOn} ("briefwire check --compat" prints it).\n`);
    return;
  }
  const lines = formatCompatibilitySummary(summary);
  if (last && last.digest !== digest) lines[0] = `${lines[0]!.replace(/:$/, '')}, changed since ${last.reportedOn}:`;
  io.stdout.write(`${lines.join('\n')}\n`);
  if (last?.digest !== digest) await rememberCompatReport(options.stateDir, { digest, reportedOn: new Date().toISOString().slice(0, 10) });
}
