/**
 * One projection's arithmetic (docs/content.md "Projections"): from a base
 * observation, one point per period of the base's length up to the horizon.
 * Point n lies t = n x L years after the base (L = 1, 1/2, 1/4 or 1/12):
 *
 *   linear   v = base + rate x t
 *   growth   v = base x (1 + rate/100)^t
 *   target   v = base x (1 + r)^t, r = (value/base)^(1/T) - 1, T the horizon's t
 *
 * then v = min(v, cap). All at 40 significant digits (util/precise-decimal.ts);
 * points keep 10 decimal places.
 */
import type { Basis, BriefProjection, MetricDef, Period, Projection, ProjectionPoint, ProjectionScenario } from '../model.js';
import { periodAfter, STEP_MONTHS } from '../content/period-steps.js';
import { computedText, precise, Precise } from '../util/precise-decimal.js';
import { headsFor } from '../projection-contract.js';

export interface ProjectionBase {
  period: Period;
  /** Decimal text as reported. */
  value: string;
  basis: Basis;
  /** The edition that reported it. */
  date: string;
}

/** Why a projection cannot be computed: at its horizon (`to`) or at the entry as a whole. */
export interface ProjectionFault {
  kind: 'horizon' | 'undefined';
  detail: string;
}

/** Longest projection, in steps: a century of months. */
const MAX_STEPS = 1200;

export function projectMetric(def: Pick<MetricDef, 'label' | 'kind' | 'unit' | 'decimals'>, spec: BriefProjection, base: ProjectionBase): { projection: Projection } | { fault: ProjectionFault } {
  const steps = horizonSteps(spec.to, base.period);
  if (typeof steps === 'string') return { fault: { kind: 'horizon', detail: steps } };
  const yearsPerStep = precise(STEP_MONTHS[base.period.length]!).div(12);
  // The horizon names the points: "Q4 FY2031" asks for fiscal-year names, "Q4 2030" for calendar ones.
  const naming = /\bFY/.test(spec.to.label) ? (spec.fiscalYearEnd ?? '12-31') : undefined;
  const periods = Array.from({ length: steps }, (_, i) => periodAfter(base.period, i + 1, naming));
  const from = precise(base.value);
  const scenarios: ProjectionScenario[] = [];
  for (const s of spec.scenarios) {
    const curve = curveOf(spec, s, from, yearsPerStep.times(steps));
    if (typeof curve === 'string') return { fault: { kind: 'undefined', detail: `scenario "${s.name}": ${curve}` } };
    const cap = spec.cap === undefined ? undefined : precise(spec.cap);
    const points: ProjectionPoint[] = periods.map((period, i) => {
      const raw = curve.at(yearsPerStep.times(i + 1));
      const v = cap && raw.gt(cap) ? cap : raw;
      const valueText = computedText(v);
      return { period, value: Number(valueText), valueText };
    });
    scenarios.push({ name: s.name, rate: Number(computedText(curve.rate)), points, reaches: reachOf(spec, from, curve.rate, points) });
  }
  return {
    projection: {
      key: spec.key,
      label: def.label,
      kind: def.kind,
      unit: def.unit,
      decimals: def.decimals,
      method: spec.method,
      assumption: spec.assumption,
      base: { period: base.period, value: Number(base.value), valueText: base.value, basis: base.basis, date: base.date },
      to: spec.to,
      cap: spec.cap === undefined ? null : Number(spec.cap),
      reaches: spec.reaches === undefined ? null : Number(spec.reaches),
      scenarios,
    },
  };
}

/** How many steps of the base's length reach `to`, or why `to` does not fit the base. */
function horizonSteps(to: Period, base: Period): number | string {
  const months = STEP_MONTHS[base.length];
  if (!months) return `the base ${base.label} is a ${base.length === 'span' ? 'multi-year span' : base.length}: a projection steps by a year, half, quarter or month`;
  if (to.length !== base.length) return `"to" ${to.label} is a ${to.length}, but the base ${base.label} is a ${base.length}: the horizon must be a period of the base's length`;
  if (to.end <= base.end) return `"to" ${to.label} does not end after the base ${base.label}`;
  for (let n = 1; n <= MAX_STEPS; n++) {
    const p = periodAfter(base, n, undefined);
    if (p.end === to.end && p.start === to.start) return n;
    if (p.end > to.end) break;
  }
  return `"to" ${to.label} is not a whole number of ${base.length}s after the base ${base.label} (within ${MAX_STEPS} steps)`;
}

interface Curve {
  /** The yearly rate as readers see it: units a year (linear) or percent a year (growth, target). */
  rate: Precise;
  at(t: Precise): Precise;
}

function curveOf(spec: BriefProjection, s: BriefProjection['scenarios'][number], base: Precise, horizon: Precise): Curve | string {
  if (spec.method === 'linear') {
    const rate = precise(s.rate!);
    return { rate, at: (t: Precise) => base.plus(rate.times(t)) };
  }
  if (spec.method === 'growth') {
    const rate = precise(s.rate!);
    const factor = Precise.add(1, rate.div(100));
    if (factor.lte(0)) return `a rate of ${s.rate}% a year leaves nothing to grow from`;
    return { rate, at: (t: Precise) => base.times(factor.pow(t)) };
  }
  const target = precise(s.value!);
  if (base.isZero() || target.div(base).lte(0)) return `a target of ${s.value} cannot be reached by compound growth from ${base.toString()}`;
  // r = (value / base)^(1/T) - 1: the yearly rate that lands on the target at the horizon.
  const factor = target.div(base).pow(Precise.div(1, horizon));
  return { rate: factor.minus(1).times(100), at: (t: Precise) => base.times(factor.pow(t)) };
}

/**
 * The first point at or past `reaches`, moving the way the rate goes; none
 * for a flat rate, within the horizon, or for a value the base is already at
 * or past that way (a share falling from 30 does not "reach" 40 in its first
 * year because 25 is below 40).
 */
function reachOf(spec: BriefProjection, from: Precise, rate: Precise, points: readonly ProjectionPoint[]): ProjectionScenario['reaches'] {
  if (spec.reaches === undefined) return null;
  const goal = precise(spec.reaches);
  if (!headsFor(from.toNumber(), goal.toNumber(), rate.toNumber())) return null;
  const up = rate.gt(0);
  const hit = points.find((p) => (up ? precise(p.valueText).gte(goal) : precise(p.valueText).lte(goal)));
  return hit ? { period: hit.period, value: hit.value } : null;
}
