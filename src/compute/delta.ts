/**
 * The change of one metric between two editions. Values arrive as the decimal
 * text written in the briefs and all arithmetic is decimal-exact; only the
 * rounded results become numbers.
 */
import type { ComparisonKind, Direction, MetricDef, MetricDelta, MetricKind, Sentiment } from '../model.js';
import { abs, divide, isZero, parseDecimal, round, subtract, toNumber } from './decimal.js';

/** Fraction digits kept for `rel` (0.094595 = +9.4595%); rounded half-up. */
export const REL_DECIMALS = 6;

/**
 * A share or rate moving from 35.8% to 38.1% moved 2.3 percentage points;
 * calling that "+6.4%" is the classic misreading, so these kinds report
 * points and no relative change at all.
 */
export function isPointsKind(kind: MetricKind): boolean {
  return kind === 'share' || kind === 'rate';
}

/** `comparison`: what kind of change this is (a revision or a comparison with a forecast: none). */
export function metricDelta(
  def: Pick<MetricDef, 'kind' | 'unit' | 'decimals' | 'better'>,
  current: string,
  previous: string,
  comparison: ComparisonKind | null = null,
): MetricDelta {
  const prev = parseDecimal(previous);
  const change = subtract(parseDecimal(current), prev);
  const rounded = round(change, def.decimals);
  // Direction follows what the reader sees: a change too small to show at
  // the metric's precision is flat, not a "▲ +0.0".
  const direction: Direction = isZero(rounded) ? 'flat' : rounded.gt(0) ? 'up' : 'down';
  const points = isPointsKind(def.kind);
  return {
    abs: toNumber(rounded),
    unit: points ? 'pp' : def.unit,
    // From the exact change, not the rounded one, so that the percentage is
    // as precise as the brief allows. |previous| keeps the sign meaningful
    // for negative values: a loss narrowing from -10 to -5 is +50%.
    rel: points || isZero(prev) ? null : toNumber(divide(change, abs(prev), REL_DECIMALS)),
    direction,
    sentiment: sentimentOf(direction, def.better),
    comparison,
  };
}

function sentimentOf(direction: Direction, better: MetricDef['better']): Sentiment {
  if (direction === 'flat' || better === 'neutral') return 'neutral';
  return direction === better ? 'positive' : 'negative';
}
