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
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (errors > 0) stream.write(`${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`);
}
