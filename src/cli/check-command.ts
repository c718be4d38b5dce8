import type { CAC } from 'cac';
import { DIR_DEFAULTS } from './options.js';
import { printProblems } from '../util/print-problems.js';

interface CheckOptions {
  content: string;
}

/**
 * `briefwire check`: the content checks and the numbers audit, drafts
 * included, without rendering or writing anything. Every finding is printed
 * as file:line:col; exit 1 when any is an error, 0 when there are only
 * warnings (or none).
 */
export function registerCheck(cli: CAC): void {
  cli
    .command('check', 'Check the briefs and audit their numbers (nothing is written); exit 1 on any error')
    .option('--content <dir>', 'Content directory', { default: DIR_DEFAULTS.content })
    .example('briefwire check')
    .action(async (opts: CheckOptions) => {
      const { checkContent } = await import('../check.js');
      const report = await checkContent(String(opts.content));
      printProblems(report.problems);
      if (report.problems.length === 0) process.stdout.write(`Checked ${report.briefs} brief${report.briefs === 1 ? '' : 's'}: no problems.\n`);
      else if (report.ok) process.stdout.write(`Checked ${report.briefs} brief${report.briefs === 1 ? '' : 's'}: warnings only.\n`);
      return report.ok ? 0 : 1;
    });
}
