/**
 * What the preview says on the terminal after each update: the problems
 * (printed again only when they changed), then one line on what was
 * re-rendered, how long it took, and whether a failed build was fixed.
 */
import path from 'node:path';
import { formatProblem, type Problem } from '../problems.js';
import { printProblems } from '../util/print-problems.js';
import type { UpdateReport } from './state.js';

export interface PreviewLogger {
  info(line: string): void;
  problems(problems: readonly Problem[]): void;
}

export const consoleLogger: PreviewLogger = {
  info: (line) => process.stdout.write(`${line}\n`),
  problems: (problems) => printProblems(problems),
};

export const silentLogger: PreviewLogger = { info: () => {}, problems: () => {} };

export interface Reporter {
  /** `what`: the change, as describeBatch put it; '' for the first render. */
  report(r: UpdateReport, what: string): void;
}

export function createReporter(logger: PreviewLogger): Reporter {
  let lastPrinted = '';
  let wasOk = true;
  return {
    report(r, what) {
      const printed = r.problems.map(formatProblem).join('\n');
      if (printed !== lastPrinted) {
        if (r.problems.length) logger.problems(r.problems);
        lastPrinted = printed;
      }
      const n = r.rendered.length;
      const editions = `${n} edition${n === 1 ? '' : 's'}${n > 0 && n <= 3 ? ` (${r.rendered.join(', ')})` : ''}`;
      if (!r.ok) logger.info(`${what || 'Start'}: build failed; the preview shows the last good version until it is fixed.`);
      else if (what === '') logger.info(`Rendered ${editions} in ${r.ms} ms`);
      else logger.info(`${what}: ${wasOk ? '' : 'fixed; '}re-rendered ${editions} in ${r.ms} ms`);
      wasOk = r.ok;
    },
  };
}

/** "21:04:05 brief.md", or "21:04:05 a.md and 3 more files". */
export function describeBatch(changed: readonly string[], now = new Date()): string {
  const names = [...new Set(changed.map((p) => path.basename(p)))];
  const files = names.length <= 2 ? names.join(', ') : `${names[0]} and ${names.length - 1} more files`;
  return `${now.toTimeString().slice(0, 8)} ${files}`;
}
