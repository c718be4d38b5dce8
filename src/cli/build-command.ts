import type { CAC } from 'cac';
import { printProblems } from '../util/print-problems.js';
import { DIR_DEFAULTS, type DirOptions } from './options.js';

export function registerBuild(cli: CAC): void {
  cli
    .command('build', 'Build every edition (email HTML + text + edition.json) and the archive site into --out')
    .option('--content <dir>', 'Content directory', { default: DIR_DEFAULTS.content })
    .option('--templates <dir>', 'Templates directory', { default: DIR_DEFAULTS.templates })
    .option('--out <dir>', 'Output directory (replaced only when the build succeeds)', { default: DIR_DEFAULTS.out })
    .example('briefwire build --content content --out out')
    .action(async (opts: DirOptions) => {
      const started = performance.now();
      // Loaded on use: `briefwire --help` or `send` should not pay for MJML's start-up.
      const { build } = await import('../build.js');
      const report = await build({ contentDir: String(opts.content), templatesDir: String(opts.templates), outDir: String(opts.out) });
      printProblems(report.problems);
      if (!report.ok) {
        process.stderr.write(`Build failed; ${opts.out}/ was left as it was.\n`);
        return 1;
      }
      const ms = Math.round(performance.now() - started);
      process.stdout.write(`Built ${report.editions} edition${report.editions === 1 ? '' : 's'} (${report.files} files) into ${opts.out}/ in ${ms} ms\n`);
      return 0;
    });
}
