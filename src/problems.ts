/**
 * Errors are values until the CLI prints them. Every stage returns problems
 * instead of throwing, so a build can report everything wrong at once and the
 * preview server can show the same list in its overlay.
 */
import type * as catalogue from './problem-catalogue.js';

/** An entry of the catalogue; problems are made only from these, so every code is documented. */
export type CatalogueEntry = (typeof catalogue)[keyof typeof catalogue];
export type ProblemCode = CatalogueEntry['code'];

export type Severity = 'error' | 'warning';

export interface Problem {
  /** Stable code from the catalogue (src/problem-catalogue.ts), e.g. BW_YAML_INVALID; tests and scripts key on it, not on the prose. */
  code: ProblemCode;
  /** Path of the file at fault, as given to the loader (relative paths stay relative). */
  file: string;
  line?: number;
  column?: number;
  message: string;
  /** What to do about it, when the catalogue knows. */
  hint?: string;
  severity: Severity;
}

export type Result<T> =
  | { ok: true; value: T; warnings: Problem[] }
  | { ok: false; problems: Problem[] };

export interface Position {
  line?: number | undefined;
  column?: number | undefined;
}

type MessageArgs<D extends CatalogueEntry> = D['message'] extends (...args: infer A) => string ? A : [];
/** The message's arguments (left out when it takes none), then where in the file. */
type ProblemArgs<D extends CatalogueEntry> = MessageArgs<D> extends [] ? [args?: [], at?: Position] : [args: MessageArgs<D>, at?: Position];

export function error<D extends CatalogueEntry>(file: string, def: D, ...rest: ProblemArgs<D>): Problem {
  return problem('error', file, def, rest[0] ?? [], rest[1]);
}

export function warning<D extends CatalogueEntry>(file: string, def: D, ...rest: ProblemArgs<D>): Problem {
  return problem('warning', file, def, rest[0] ?? [], rest[1]);
}

function problem(severity: Severity, file: string, def: catalogue.ProblemDef & { code: ProblemCode }, args: readonly unknown[], at: Position | undefined): Problem {
  const message = typeof def.message === 'function' ? def.message(...args) : def.message;
  const hint = typeof def.hint === 'function' ? def.hint(...args) : def.hint;
  return { code: def.code, file, message, severity, ...definedPosition(at), ...(hint ? { hint } : {}) };
}

function definedPosition(at?: Position): { line?: number; column?: number } {
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

/**
 * `file:line:column: error[CODE]: message`, the format editors and terminals
 * link, then the hint (if any) on an indented line of its own.
 */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined].filter((x) => x !== undefined).join(':');
  const head = `${where}: ${p.severity}[${p.code}]: ${p.message}`;
  return p.hint ? `${head}\n  hint: ${p.hint}` : head;
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
