/**
 * Derived observations: for each edition that reports an input of a derived
 * metric, the metric's value computed from its inputs (docs/content.md
 * "Derived metrics"). The period and basis are those of the input the
 * edition reports; every other input takes its latest observation with the
 * same period and basis, from this edition or an earlier published one.
 * Unlike figures give no value and a warning, never a number.
 *
 * The derived observations join the brief's own, so from there a derived
 * metric is compared, charted and downloaded like any other.
 */
import type { Brief, BriefMetric, DerivedInput, MetricDef } from '../model.js';
import { warning, type Problem } from '../problems.js';
import { DerivedNoValue, DerivedZeroDivisor } from '../problem-catalogue.js';
import { evaluateFormula, formulaInWords, formulaKeys } from '../content/derived-expression.js';
import { pointAt } from '../content/period.js';
import { computedShortText, precise } from '../util/precise-decimal.js';

/** What the compute stage reads of a brief: its date, file, draft flag, observations and projections. */
export type BriefMetrics = Pick<Brief, 'file' | 'date' | 'metrics' | 'draft' | 'projections'>;

export interface Derivation<B extends BriefMetrics> {
  /** The briefs given, each with its derived observations added after its own (the same objects when it has none). */
  briefs: B[];
  /** Per brief: why a derived metric has no value where an input is reported. */
  problems: Problem[][];
}

export function deriveObservations<B extends BriefMetrics>(registry: readonly MetricDef[], briefs: readonly B[]): Derivation<B> {
  const derived = inDependencyOrder(registry);
  if (derived.length === 0) return { briefs: [...briefs], problems: briefs.map(() => []) };
  const labels = new Map(registry.map((d) => [d.key, d.label]));
  const sources = new Map(derived.map((d) => [d.key, `our calculation: ${formulaInWords(d.formula!, (k) => labels.get(k) ?? k)}`]));
  const latest = new Latest();
  const problems: Problem[][] = [];
  const out = briefs.map((brief) => {
    const found: Problem[] = [];
    problems.push(found);
    const own = new Map<string, BriefMetric>();
    for (const m of brief.metrics) if (!own.has(m.key)) own.set(m.key, m);
    const added: BriefMetric[] = [];
    for (const def of derived) {
      const m = deriveOne(def, brief, own, latest, found);
      if (!m) continue;
      m.source = sources.get(def.key)!;
      own.set(def.key, m);
      added.push(m);
    }
    if (!brief.draft) for (const m of own.values()) latest.add(brief.date, m);
    return added.length > 0 ? { ...brief, metrics: [...brief.metrics, ...added] } : brief;
  });
  return { briefs: out, problems };
}

/** Derived metrics with a sound formula, each after the derived metrics it reads. */
function inDependencyOrder(registry: readonly MetricDef[]): MetricDef[] {
  const derived = new Map(registry.filter((d) => d.formula).map((d) => [d.key, d]));
  const ordered: MetricDef[] = [];
  const placed = new Set<string>();
  const place = (def: MetricDef, depth: number): void => {
    // The registry's loader rejects cycles; the depth bound keeps a hand-made registry from looping.
    if (placed.has(def.key) || depth > derived.size) return;
    for (const k of formulaKeys(def.formula!)) {
      const input = derived.get(k);
      if (input) place(input, depth + 1);
    }
    placed.add(def.key);
    ordered.push(def);
  };
  for (const def of derived.values()) place(def, 0);
  return ordered;
}

/** Each metric's latest published observation per period and basis. */
class Latest {
  private readonly bySlot = new Map<string, BriefMetric>();

  static slot(key: string, m: Pick<BriefMetric, 'basis' | 'period'>, date: string): string {
    const p = m.period ?? pointAt(date);
    return `${key}|${m.basis}|${p.start}|${p.end}`;
  }

  add(date: string, m: BriefMetric): void {
    this.bySlot.set(Latest.slot(m.key, m, date), m);
  }

  get(key: string, like: Pick<BriefMetric, 'basis' | 'period'>, date: string): BriefMetric | undefined {
    return this.bySlot.get(Latest.slot(key, like, date));
  }
}

/** "Q1 FY2026 (quarter to June 2025), actual": the period in the grammar and as readers see it. */
function periodWords(m: Pick<BriefMetric, 'period' | 'periodText' | 'basis'>): string {
  const label = m.period?.label;
  const written = m.periodText ?? label ?? 'the edition date';
  return `${written}${label && label !== written ? ` (${label})` : ''}, ${m.basis}`;
}

function describe(m: Pick<BriefMetric, 'key' | 'period' | 'periodText' | 'basis'>): string {
  return `${m.key} for ${periodWords(m)}`;
}

function deriveOne(def: MetricDef, brief: BriefMetrics, own: ReadonlyMap<string, BriefMetric>, latest: Latest, problems: Problem[]): BriefMetric | undefined {
  const keys = formulaKeys(def.formula!);
  const reported = keys.filter((k) => own.has(k)).map((k) => own.get(k)!);
  const first = reported[0];
  if (!first) return undefined;
  const at = { ...(first.line !== undefined ? { line: first.line } : {}), ...(first.column !== undefined ? { column: first.column } : {}) };
  const slot = (m: BriefMetric) => Latest.slot('', m, brief.date);
  if (reported.some((m) => slot(m) !== slot(first))) {
    problems.push(warning(brief.file, DerivedNoValue, [def.key, `the inputs it reports are for different periods or bases: ${reported.map(describe).join(', ')}`], at));
    return undefined;
  }
  const values = new Map(reported.map((m) => [m.key, m]));
  const missing: string[] = [];
  for (const k of keys) {
    if (values.has(k)) continue;
    const found = latest.get(k, first, brief.date);
    if (found) values.set(k, found);
    else missing.push(k);
  }
  if (missing.length > 0) {
    problems.push(warning(brief.file, DerivedNoValue, [def.key, `${describe(first)} is reported, but ${missing.join(', ')} has no observation for ${periodWords(first)} in this edition or an earlier one`], at));
    return undefined;
  }
  const result = evaluateFormula(def.formula!, (k) => precise(values.get(k)!.value));
  if (!result.value) {
    problems.push(warning(brief.file, DerivedZeroDivisor, [def.key, keys.map((k) => `${k} = ${values.get(k)!.value}`).join(', ')], at));
    return undefined;
  }
  const inputs: DerivedInput[] = keys.map((k) => {
    const m = values.get(k)!;
    return { key: k, period: m.period ?? null, basis: m.basis, value: Number(m.value) };
  });
  const m: BriefMetric = { key: def.key, value: computedShortText(result.value), basis: first.basis, derived: def.derived!, inputs, ...at };
  if (first.period) m.period = first.period;
  if (first.periodText !== undefined) m.periodText = first.periodText;
  return m;
}
