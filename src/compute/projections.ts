/**
 * Each edition's projections, and what later actuals say about them
 * (docs/content.md "Projections"):
 *
 * - The base is the metric's latest actual as of the edition (by period end,
 *   then edition date), or the latest actual for `base.period`.
 * - An actual for a period an earlier edition projected, that no sourced
 *   forecast covers (vs-forecast is decided first and wins), has status
 *   `vs-projection`: its delta is against the base scenario (or the only one)
 *   of the latest projection of that period.
 * - Problems: no base; a horizon that does not fit the base (at `to`); a
 *   share or rate past 100 without a cap; a base older than a newer actual;
 *   a `reaches` some scenario moves away from.
 */
import type { BriefMetric, BriefProjection, EditionMetric, MetricDef, Projection, ProjectionPoint } from '../model.js';
import { error, warning, type Problem } from '../problems.js';
import { ProjectionHorizon, ProjectionNoBase, ProjectionOver100, ProjectionReachesBehind, ProjectionStaleBase, ProjectionUndefined } from '../problem-catalogue.js';
import { headsFor } from '../projection-contract.js';
import { pointAt } from '../content/period.js';
import { BASE_SCENARIO } from '../content/projection-spec.js';
import { metricDelta } from './delta.js';
import { projectMetric, type ProjectionBase } from './projection.js';
import type { BriefMetrics } from './derived.js';

/** Statuses an actual has when nothing like it was reported before: those a projection can stand in for. */
const FIRST_OF_ITS_PERIOD = new Set<EditionMetric['status']>(['new', 'changed', 'unchanged', 'not-comparable']);

/** A projected point as later editions look it up: the base scenario's value for one period. */
interface Projected {
  date: string;
  point: ProjectionPoint;
}

export interface EditionProjections {
  projections: Projection[];
  problems: Problem[];
}

/**
 * `rows[i]` are edition i's metric rows, computed without projections; the
 * rows of actuals an earlier projection covered become `vs-projection` in place.
 */
export function applyProjections(registry: readonly MetricDef[], briefs: readonly BriefMetrics[], rows: readonly EditionMetric[][]): EditionProjections[] {
  const defs = new Map(registry.map((d) => [d.key, d]));
  const actuals = new Actuals();
  const projected = new Map<string, Projected>();
  return briefs.map((brief, i) => {
    for (const row of rows[i]!) compareWithProjection(defs.get(row.key), row, projected);
    const here = new Actuals(actuals);
    for (const m of brief.metrics) if (m.basis === 'actual') here.add(brief.date, m);
    const out: EditionProjections = { projections: [], problems: [] };
    for (const spec of brief.projections ?? []) {
      const def = defs.get(spec.key);
      if (!def) continue;
      const projection = projectOne(def, spec, here, brief.file, out.problems);
      if (projection) out.projections.push(projection);
    }
    if (!brief.draft) {
      for (const m of brief.metrics) if (m.basis === 'actual') actuals.add(brief.date, m);
      for (const p of out.projections) {
        const scenario = p.scenarios.find((s) => s.name === BASE_SCENARIO) ?? p.scenarios[0]!;
        for (const point of scenario.points) projected.set(slot(p.key, point.period), { date: brief.date, point });
      }
    }
    return out;
  });
}

function slot(key: string, p: { start: string; end: string }): string {
  return `${key}|${p.start}|${p.end}`;
}

function compareWithProjection(def: MetricDef | undefined, row: EditionMetric, projected: ReadonlyMap<string, Projected>): void {
  if (!def || row.basis !== 'actual' || !row.period || row.valueText === null || !FIRST_OF_ITS_PERIOD.has(row.status)) return;
  const found = projected.get(slot(row.key, row.period));
  if (!found) return;
  row.status = 'vs-projection';
  row.previous = { date: found.date, value: found.point.value, valueText: found.point.valueText, period: found.point.period, basis: 'projection' };
  row.delta = metricDelta(def, row.valueText, found.point.valueText);
}

/** Actual observations by metric: the latest by period end (then edition), and the latest per period. */
class Actuals {
  private readonly latest: Map<string, ProjectionBase>;
  private readonly byPeriod: Map<string, ProjectionBase>;

  constructor(from?: Actuals) {
    this.latest = new Map(from?.latest);
    this.byPeriod = new Map(from?.byPeriod);
  }

  add(date: string, m: BriefMetric): void {
    const base: ProjectionBase = { period: m.period ?? pointAt(date), value: m.value, basis: m.basis, date };
    const current = this.latest.get(m.key);
    if (!current || base.period.end >= current.period.end) this.latest.set(m.key, base);
    this.byPeriod.set(slot(m.key, base.period), base);
  }

  latestOf(key: string): ProjectionBase | undefined {
    return this.latest.get(key);
  }

  of(key: string, period: { start: string; end: string }): ProjectionBase | undefined {
    return this.byPeriod.get(slot(key, period));
  }
}

function projectOne(def: MetricDef, spec: BriefProjection, actuals: Actuals, file: string, problems: Problem[]): Projection | undefined {
  const at = { line: spec.line, column: spec.column };
  const latest = actuals.latestOf(spec.key);
  const base = spec.basePeriod ? actuals.of(spec.key, spec.basePeriod) : latest;
  if (!base) {
    problems.push(error(file, ProjectionNoBase, [spec.key, spec.basePeriod ? `for ${spec.basePeriod.label}` : 'as of this edition'], at));
    return undefined;
  }
  if (latest && latest.period.end > base.period.end) {
    problems.push(warning(file, ProjectionStaleBase, [spec.key, `${base.period.label} (${base.value})`, `${latest.period.label} (${latest.value})`, latest.date], at));
  }
  const result = projectMetric(def, spec, base);
  if ('fault' in result) {
    const horizon = result.fault.kind === 'horizon';
    problems.push(error(file, horizon ? ProjectionHorizon : ProjectionUndefined, [spec.key, result.fault.detail], horizon ? { line: spec.toLine, column: spec.toColumn } : at));
    return undefined;
  }
  const percent = def.kind === 'share' || def.kind === 'rate';
  if (percent && spec.cap === undefined) {
    for (const s of result.projection.scenarios) {
      const past = s.points.find((p) => p.value > 100);
      if (past) problems.push(error(file, ProjectionOver100, [spec.key, s.name, past.period.label, past.valueText], at));
    }
  }
  problems.push(...reachesBehindProblems(spec, base, result.projection, file, at));
  return result.projection;
}

/** Scenarios that move away from `reaches` because the base is already at or past it their way: they never reach it. */
function reachesBehindProblems(spec: BriefProjection, base: ProjectionBase, projection: Projection, file: string, at: { line: number; column: number }): Problem[] {
  const goal = projection.reaches;
  if (spec.reaches === undefined || goal === null) return [];
  // Moving, but not its way: a flat scenario is not "behind", it just never gets there.
  const behind = projection.scenarios.filter((s) => s.rate !== 0 && !headsFor(projection.base.value, goal, s.rate));
  return behind.length === 0 ? [] : [warning(file, ProjectionReachesBehind, [spec.key, spec.reaches, `${base.value} (${base.period.label})`, behind.map((s) => `"${s.name}"`).join(', ')], at)];
}
