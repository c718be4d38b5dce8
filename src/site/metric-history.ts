/**
 * Each metric's history, one point per observation (period and basis) with
 * its latest value, joined to the row the email showed when that value was
 * set (first reported, or last revised). A figure repeated by later editions
 * is one point, not a flat run, and the metric's headline is its newest
 * observation as it was reported, not a later "no new data". Linear in
 * editions × metrics.
 */
import type { Basis, Edition, MetricDef, Period } from '../model.js';
import { periodText } from '../render/view-model.js';
import type { EditionSummary, HistoryRow } from './edition-summary.js';
import type { MetricProjection } from './metric-projection.js';

export interface MetricPoint {
  /** The edition that first reported the observation. */
  date: string;
  number: number;
  /** The period as readers see it; null for a point at the edition date. */
  period: string | null;
  periodRange: Period | null;
  basis: Basis;
  /** Where the point sits on the time axis: the period's end, or the edition date for a point. */
  at: string;
  value: number;
  valueText: string;
  dateShort: string;
  /** Editions that revised the value, oldest first. */
  revised: { date: string; number: number; dateShort: string }[];
  /** The metric's row in the edition that set the current value, as the email showed it. */
  row: HistoryRow;
  /** Date of that edition. */
  rowDate: string;
}

export interface MetricHistory {
  def: MetricDef;
  /** Ordered by `at`, then first report; never empty. */
  points: MetricPoint[];
  latest: MetricPoint;
  /** How many observations were like-for-like changes from the one before. */
  moves: number;
  /** The metric's latest projection, drawn as a band after the observations; null when none. */
  projection: MetricProjection | null;
}

/** Metrics in registry order; a metric never reported has no history and no page. */
export function metricHistories(
  registry: readonly MetricDef[],
  summaries: readonly EditionSummary[],
  history: Edition['history'],
  projections: ReadonlyMap<string, MetricProjection> = new Map(),
): MetricHistory[] {
  if (summaries.length === 0) return [];
  const byDate = new Map(summaries.map((r) => [r.date, r]));
  const out: MetricHistory[] = [];
  for (const def of registry) {
    const points: MetricPoint[] = [];
    for (const p of history[def.key] ?? []) {
      const first = byDate.get(p.date);
      const setBy = p.revised.at(-1)?.date ?? p.date;
      const row = byDate.get(setBy)?.rows.get(def.key);
      // Every history point comes from editions that reported the metric, so both exist.
      if (!first || !row) continue;
      points.push({
        date: p.date,
        number: p.number,
        period: periodText(p.period, p.basis),
        periodRange: p.period,
        basis: p.basis,
        at: p.at,
        value: p.value,
        valueText: p.valueText,
        dateShort: first.dateShort,
        revised: p.revised.map((r) => ({ ...r, dateShort: byDate.get(r.date)?.dateShort ?? r.date })),
        row,
        rowDate: setBy,
      });
    }
    const latest = points.at(-1);
    if (latest) out.push({ def, points, latest, moves: points.filter((p) => p.row.status === 'changed').length, projection: projections.get(def.key) ?? null });
  }
  return out;
}

/** Tooltip text for one point: "FY2025: 38.1% (reported 26 Jan 2026)". */
export function pointLabel(p: MetricPoint): string {
  const revised = p.revised.length > 0 ? `, revised ${p.revised.at(-1)!.dateShort}` : '';
  return `${p.period ?? p.dateShort}: ${p.row.value} (reported ${p.dateShort}${revised})`;
}
