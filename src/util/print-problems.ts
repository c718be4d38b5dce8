/** How the CLI prints problems: errors and warnings on stderr, one per line, then a count. */
import { formatProblem, type Problem } from '../problems.js';

export interface PrintOptions {
  stream?: NodeJS.WritableStream;
  /** List at most this many, then say how many more there are (a broken 50k-row import would flood the terminal). */
  limit?: number;
}

export function printProblems(problems: readonly Problem[], { stream = process.stderr, limit }: PrintOptions = {}): void {
  const shown = limit === undefined ? problems : problems.slice(0, limit);
  for (const p of shown) stream.write(`${formatProblem(p)}\n`);
  if (problems.length > shown.length) stream.write(`... and ${problems.length - shown.length} more\n`);
  if (errorCount(problems) > 0) stream.write(`${problemCounts(problems)}\n`);
}

export function errorCount(problems: readonly Problem[]): number {
  return problems.filter((p) => p.severity === 'error').length;
}

/** "2 errors, 1 warning": the one way the CLI and the preview overlay count problems. */
export function problemCounts(problems: readonly Problem[]): string {
  const errors = errorCount(problems);
  const warnings = problems.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
}
