/** How the CLI prints problems: errors and warnings on stderr, one per line, then a count. */
import { formatProblem, type Problem } from '../problems.js';

export function printProblems(problems: readonly Problem[], stream: NodeJS.WritableStream = process.stderr): void {
  for (const p of problems) stream.write(`${formatProblem(p)}\n`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (errors > 0) stream.write(`${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`);
}
