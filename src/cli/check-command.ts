import type { CAC } from 'cac';
import { DIR_DEFAULTS, textOption } from './options.js';
import { reportProblems, type CommandIo } from './command-io.js';

export interface CheckCommandOptions {
  contentDir: string;
  templatesDir: string;
}

export function registerCheck(cli: CAC, io: CommandIo): void {
  cli
    .command('check', "Check the briefs, audit their numbers and report the emails' client compatibility (nothing is written); exit 1 on any error")
    .option('--content <dir>', 'Content directory', { default: DIR_DEFAULTS.content })
    .option('--templates <dir>', 'Templates directory', { default: DIR_DEFAULTS.templates })
    .example('briefwire check')
    .action((opts: Record<string, unknown>) => runCheck({ contentDir: textOption(opts['content']), templatesDir: textOption(opts['templates']) }, io));
}

/**
 * `briefwire check`: the content checks, the numbers audit and every
 * edition's email (rendered in memory, checked against caniemail), drafts
 * included; nothing is written. Every finding is printed as file:line:col;
 * the email client report goes to stdout. Exit 1 when any finding is an
 * error, 0 when there are only warnings (or none).
 */
export async function runCheck(options: CheckCommandOptions, io: CommandIo): Promise<number> {
  const [{ checkContent }, { formatCompatibilitySummary }] = await Promise.all([import('../pipeline/check.js'), import('../render/compatibility-summary.js')]);
  const report = await checkContent(options.contentDir, options.templatesDir);
  reportProblems(io, report.problems);
  if (report.compatibility) io.stdout.write(`${formatCompatibilitySummary(report.compatibility).join('\n')}\n`);
  if (report.problems.length === 0) io.stdout.write(`Checked ${report.briefs} brief${report.briefs === 1 ? '' : 's'}: no problems.\n`);
  else if (report.ok) io.stdout.write(`Checked ${report.briefs} brief${report.briefs === 1 ? '' : 's'}: warnings only.\n`);
  return report.ok ? 0 : 1;
}
