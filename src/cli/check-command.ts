import type { CAC } from 'cac';
import { DIR_DEFAULTS } from './options.js';
import { printProblems } from '../util/print-problems.js';

interface CheckOptions {
  content: string;
  templates: string;
}

/**
 * `briefwire check`: the content checks, the numbers audit and every
 * edition's email (rendered in memory, checked against caniemail), drafts
 * included; nothing is written. Every finding is printed as file:line:col;
 * the email client report goes to stdout. Exit 1 when any finding is an
 * error, 0 when there are only warnings (or none).
 */
export function registerCheck(cli: CAC): void {
  cli
    .command('check', "Check the briefs, audit their numbers and report the emails' client compatibility (nothing is written); exit 1 on any error")
    .option('--content <dir>', 'Content directory', { default: DIR_DEFAULTS.content })
    .option('--templates <dir>', 'Templates directory', { default: DIR_DEFAULTS.templates })
    .example('briefwire check')
    .action(async (opts: CheckOptions) => {
      const [{ checkContent }, { formatCompatibilitySummary }] = await Promise.all([import('../check.js'), import('../render/compatibility-summary.js')]);
      const report = await checkContent(String(opts.content), String(opts.templates));
      printProblems(report.problems);
      if (report.compatibility) process.stdout.write(`${formatCompatibilitySummary(report.compatibility).join('\n')}\n`);
      if (report.problems.length === 0) process.stdout.write(`Checked ${report.briefs} brief${report.briefs === 1 ? '' : 's'}: no problems.\n`);
      else if (report.ok) process.stdout.write(`Checked ${report.briefs} brief${report.briefs === 1 ? '' : 's'}: warnings only.\n`);
      return report.ok ? 0 : 1;
    });
}
