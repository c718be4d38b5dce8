/**
 * Errors are values until the CLI prints them. Every stage returns problems
 * instead of throwing, so a build can report everything wrong at once and the
 * preview server can show the same list in its overlay.
 */
export type Severity = 'error' | 'warning';

export interface Problem {
  /** Path of the file at fault, as given to the loader (relative paths stay relative). */
  file: string;
  line?: number;
  column?: number;
  message: string;
  severity: Severity;
}

export type Result<T> =
  | { ok: true; value: T; warnings: Problem[] }
  | { ok: false; problems: Problem[] };

export function error(file: string, message: string, at?: { line?: number; column?: number }): Problem {
  return { file, message, severity: 'error', ...definedPosition(at) };
}

export function warning(file: string, message: string, at?: { line?: number; column?: number }): Problem {
  return { file, message, severity: 'warning', ...definedPosition(at) };
}

function definedPosition(at?: { line?: number; column?: number }): { line?: number; column?: number } {
  const out: { line?: number; column?: number } = {};
  if (at?.line !== undefined) out.line = at.line;
  if (at?.column !== undefined) out.column = at.column;
  return out;
}

export function ok<T>(value: T, warnings: Problem[] = []): Result<T> {
  return { ok: true, value, warnings };
}

export function fail<T>(problems: Problem[]): Result<T> {
  return { ok: false, problems };
}

/** Splits a mixed list: any error fails the whole result; warnings ride along. */
export function resultFrom<T>(value: T, problems: Problem[]): Result<T> {
  const errors = problems.filter((p) => p.severity === 'error');
  return errors.length > 0 ? fail(problems) : ok(value, problems);
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** `file:line:column: error: message`, the format editors and terminals link. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined].filter((x) => x !== undefined).join(':');
  return `${where}: ${p.severity}: ${p.message}`;
}

/** Stable order for reports: by file, then line, then column. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}
