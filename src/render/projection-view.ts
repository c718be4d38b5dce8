/**
 * The newsletter's own projections as readers see them (the email's
 * "Projections" block, its text part and the body's helpers): every figure
 * formatted at the metric's decimals, labelled "our projection", the range
 * from the lowest to the highest scenario with the base scenario marked, and
 * the assumption and method in words beside the figures.
 */
import type { Projection, ProjectionPoint, ProjectionScenario } from '../model.js';
import { BASE_SCENARIO } from '../content/projection-spec.js';
import { isPointsKind } from '../compute/delta.js';
import { formatDelta, formatValue } from './format.js';
import { headsFor } from '../projection-contract.js';

export interface ProjectionCellView {
  text: string;
  /** The base scenario's figure: shown in bold. */
  base: boolean;
}

export interface ProjectionRowView {
  period: string;
  /** The horizon's row (the last). */
  horizon: boolean;
  cells: ProjectionCellView[];
}

export interface ProjectionScenarioView {
  name: string;
  /** "+8 pp a year", "26.8% a year", "31.2% a year (implied)". */
  rateText: string;
  base: boolean;
}

export interface ProjectionView {
  key: string;
  label: string;
  /** "Q4 2035": the horizon. */
  horizon: string;
  /** "30% in Q2 FY2026 (quarter to September 2025)": the actual it starts from. */
  baseText: string;
  scenarios: ProjectionScenarioView[];
  /** At most three points between the base and the horizon, then the horizon. */
  rows: ProjectionRowView[];
  /** The range at the horizon, lowest to highest, and the base scenario's figure. */
  lowText: string;
  highText: string;
  baseValueText: string;
  methodText: string;
  assumption: string;
  /** One sentence answering `reaches`, or null when the projection asks nothing. */
  reachesText: string | null;
}

/** How many points between the base and the horizon the email shows. */
export const POINTS_BETWEEN = 3;

/** The scenario later actuals are set against, and the one in bold: "base", or the only one. */
export function baseScenario(p: Projection): ProjectionScenario {
  return p.scenarios.find((s) => s.name === BASE_SCENARIO) ?? p.scenarios[0]!;
}

function valueOf(p: Projection, value: number, locale: string): string {
  return formatValue(p, value, locale);
}

export function rateText(p: Projection, s: ProjectionScenario, locale: string): string {
  if (p.method === 'linear') {
    const unit = isPointsKind(p.kind) ? 'pp' : p.unit;
    const direction = s.rate > 0 ? 'up' : s.rate < 0 ? 'down' : 'flat';
    return `${formatDelta({ abs: s.rate, unit, rel: null, direction, sentiment: 'neutral', comparison: null }, rateDecimals(s.rate), locale)} a year`;
  }
  const pct = formatValue({ kind: 'rate', unit: '%', decimals: rateDecimals(s.rate) }, s.rate, locale);
  return p.method === 'target' ? `${pct} a year (implied)` : `${pct} a year`;
}

/** As many decimals as the rate needs, up to one more than readers take in at a glance. */
function rateDecimals(rate: number): number {
  const text = String(Math.abs(rate));
  const places = text.includes('.') ? text.split('.')[1]!.length : 0;
  return Math.min(places, 2);
}

function methodText(p: Projection, locale: string): string {
  const cap = p.cap === null ? '' : ` Capped at ${valueOf(p, p.cap, locale)}.`;
  const from = `from ${valueOf(p, p.base.value, locale)} (${p.base.period.label})`;
  switch (p.method) {
    case 'linear':
      return `Method: a straight line ${from}, the same change each year.${cap}`;
    case 'growth':
      return `Method: compound growth ${from}, the same percentage each year.${cap}`;
    case 'target':
      return `Method: ${from} to the stated value in ${p.to.label}, at the constant yearly rate that gets there.${cap}`;
  }
}

/** Indices of the points shown: up to three spread between the base and the horizon, then the horizon. */
export function shownPoints(count: number): number[] {
  const last = count - 1;
  const between = new Set<number>();
  for (let k = 1; k <= POINTS_BETWEEN; k++) {
    const i = Math.round((k * last) / (POINTS_BETWEEN + 1));
    if (i >= 0 && i < last) between.add(i);
  }
  return [...between, last];
}

/**
 * When a scenario gets to the projection's `reaches`: at a period; "not by"
 * the horizon, for one on its way there; never, for one that is not (flat,
 * moving away, or capped below the value), since "not by 2030" would suggest
 * it does later; or it is there already.
 */
type Reach = { kind: 'by'; period: string } | { kind: 'not-by' } | { kind: 'never' } | { kind: 'there' };

function reachOf(p: Projection, s: ProjectionScenario): Reach {
  if (s.reaches) return { kind: 'by', period: s.reaches.period.label };
  const goal = p.reaches!;
  if (p.base.value === goal) return { kind: 'there' };
  const capped = p.cap !== null && goal > p.cap;
  return headsFor(p.base.value, goal, s.rate) && !capped ? { kind: 'not-by' } : { kind: 'never' };
}

/** A reach as `{{reaches}}` prints it, and the email's sentence after a scenario's rate. */
function reachWords(p: Projection, reach: Reach): string {
  switch (reach.kind) {
    case 'by':
      return reach.period;
    case 'not-by':
      return `not by ${p.to.label}`;
    case 'never':
      return 'never at that rate';
    case 'there':
      return 'already there';
  }
}

function reachesSentence(p: Projection, locale: string): string | null {
  if (p.reaches === null) return null;
  const base = baseScenario(p);
  const ordered = [base, ...p.scenarios.filter((s) => s !== base)];
  const target = valueOf(p, p.reaches, locale);
  const parts = ordered.map((s, i) => {
    const rate = i === 0 ? rateText(p, s, locale).replace(/^\+/, '') : rateText(p, s, locale).replace(/ a year.*$/, '').replace(/^\+/, '');
    const reach = reachOf(p, s);
    if (i > 0) return `at ${rate}, ${reach.kind === 'by' ? `by ${reach.period}` : reachWords(p, reach)}`;
    const what = `At ${rate}, ${p.label}`;
    switch (reach.kind) {
      case 'by':
        return `${what} would reach ${target} by ${reach.period}`;
      case 'not-by':
        return `${what} would not reach ${target} by ${p.to.label}`;
      case 'never':
        return `${what} would never reach ${target}`;
      case 'there':
        return `${what} is already at ${target}`;
    }
  });
  return `${parts.join('; ')}.`;
}

export function projectionView(p: Projection, locale: string): ProjectionView {
  const base = baseScenario(p);
  const count = base.points.length;
  const rows: ProjectionRowView[] = shownPoints(count).map((i) => ({
    period: base.points[i]!.period.label,
    horizon: i === count - 1,
    cells: p.scenarios.map((s) => ({ text: valueOf(p, s.points[i]!.value, locale), base: s === base })),
  }));
  const atHorizon = p.scenarios.map((s) => s.points.at(-1)!).sort((a: ProjectionPoint, b: ProjectionPoint) => a.value - b.value);
  const basePeriod = p.base.period.label;
  return {
    key: p.key,
    label: p.label,
    horizon: p.to.label,
    baseText: `the ${p.base.basis} ${valueOf(p, p.base.value, locale)} (${basePeriod})`,
    scenarios: p.scenarios.map((s) => ({ name: s.name, rateText: rateText(p, s, locale), base: s === base })),
    rows,
    lowText: valueOf(p, atHorizon[0]!.value, locale),
    highText: valueOf(p, atHorizon.at(-1)!.value, locale),
    baseValueText: valueOf(p, base.points.at(-1)!.value, locale),
    methodText: methodText(p, locale),
    assumption: p.assumption,
    reachesText: reachesSentence(p, locale),
  };
}

/** The value of one scenario at one period, for `{{projection "key" "scenario" "period"}}`; a message naming what exists otherwise. */
export function projectedValue(projections: readonly Projection[], key: string, scenario: string, period: string, locale: string): string {
  const p = findProjection(projections, key);
  const s = findScenario(p, scenario);
  const point = s.points.find((x) => x.period.label === period.trim());
  if (!point) throw new Error(`metric "${key}": its projection has no point for "${period}" (its points run from ${s.points[0]!.period.label} to ${p.to.label})`);
  return valueOf(p, point.value, locale);
}

/** The first period a scenario reaches the projection's `reaches`, or why none ("not by <horizon>", "never at that rate"), for `{{reaches "key" "scenario"}}`. */
export function reachesPeriod(projections: readonly Projection[], key: string, scenario: string): string {
  const p = findProjection(projections, key);
  if (p.reaches === null) throw new Error(`metric "${key}": its projection has no "reaches" value to answer`);
  const s = findScenario(p, scenario);
  return reachWords(p, reachOf(p, s));
}

function findProjection(projections: readonly Projection[], key: string): Projection {
  const p = projections.find((x) => x.key === key);
  if (!p) throw new Error(`metric "${key}" has no projection in this edition (projections are written in the brief's "projections")`);
  return p;
}

function findScenario(p: Projection, name: string): ProjectionScenario {
  const s = p.scenarios.find((x) => x.name === name);
  if (!s) throw new Error(`metric "${p.key}": its projection has no scenario "${name}" (it has ${p.scenarios.map((x) => x.name).join(', ')})`);
  return s;
}
