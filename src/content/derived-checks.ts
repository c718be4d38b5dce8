/**
 * The checks on metrics.yml's derived formulas: each parses, names only
 * metrics the registry defines, does not divide by a constant zero, and no
 * formulas depend on each other in a cycle. Problems sit at the `derived:`
 * line, at the column of the fault when there is one.
 */
import type { MetricDef } from '../model.js';
import { error, type Problem } from '../problems.js';
import { DerivedCycle, DerivedDivisionByZero, DerivedSyntax, DerivedUnknownKey } from '../problem-catalogue.js';
import { constantDivisionByZero, formulaKeys, parseFormula } from './derived-expression.js';
import { nearest } from './suggest.js';
import type { YamlSource } from './yaml-source.js';

/** Sets `formula` on each derived metric whose formula is sound, and returns the problems of the others (which are left out of `metrics`). */
export function checkDerivedMetrics(source: YamlSource, metrics: MetricDef[]): { metrics: MetricDef[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const keys = new Set(metrics.map((d) => d.key));
  const bad = new Set<string>();
  for (const def of metrics) {
    if (def.derived === undefined) continue;
    const at = source.at([def.key, 'derived']);
    const parsed = parseFormula(def.derived);
    if ('error' in parsed) {
      problems.push(error(source.file, DerivedSyntax, [def.key, parsed.error.message], { line: at.line, column: at.column + quoteWidth(source, def.key) + parsed.error.offset }));
      bad.add(def.key);
      continue;
    }
    for (const input of formulaKeys(parsed.formula)) {
      if (keys.has(input)) continue;
      const offset = def.derived.search(new RegExp(`(?<![a-z0-9_])${input}(?![a-z0-9_])`));
      problems.push(error(source.file, DerivedUnknownKey, [def.key, input, nearest(input, keys)], { line: at.line, column: at.column + quoteWidth(source, def.key) + Math.max(0, offset) }));
      bad.add(def.key);
    }
    if (constantDivisionByZero(parsed.formula)) {
      problems.push(error(source.file, DerivedDivisionByZero, [def.key], at));
      bad.add(def.key);
    }
    if (!bad.has(def.key)) def.formula = parsed.formula;
  }
  for (const cycle of cycles(metrics)) {
    const key = cycle[0]!;
    problems.push(error(source.file, DerivedCycle, [key, [...cycle, key].join(' -> ')], source.at([key, 'derived'])));
    for (const k of cycle) bad.add(k);
  }
  return { metrics: metrics.filter((d) => !bad.has(d.key)), problems };
}

/** A quoted scalar's opening quote sits before the formula's first character. */
function quoteWidth(source: YamlSource, key: string): number {
  const raw = source.doc.getIn([key, 'derived'], true) as { type?: string } | undefined;
  return raw?.type === 'QUOTE_DOUBLE' || raw?.type === 'QUOTE_SINGLE' ? 1 : 0;
}

/** Each cycle among the formulas once, as the keys along it, starting from the first in registry order. */
function cycles(metrics: readonly MetricDef[]): string[][] {
  const inputs = new Map(metrics.filter((d) => d.formula).map((d) => [d.key, formulaKeys(d.formula!)]));
  const state = new Map<string, 'open' | 'done'>();
  const found: string[][] = [];
  const visit = (key: string, path: string[]): void => {
    if (state.get(key) === 'done') return;
    if (state.get(key) === 'open') {
      found.push(path.slice(path.indexOf(key)));
      return;
    }
    state.set(key, 'open');
    for (const next of inputs.get(key) ?? []) visit(next, [...path, key]);
    state.set(key, 'done');
  };
  for (const key of inputs.keys()) visit(key, []);
  return found;
}
