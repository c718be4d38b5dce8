/**
 * A metric's latest projection on its archive page: the band the chart
 * draws (lowest to highest scenario, the base scenario as a dashed line,
 * starting at the base observation), the assumption and method written
 * under the chart, and the projected rows of the downloads, each with its
 * scenario. The latest projection is the one in the newest edition that
 * projects the metric.
 */
import type { Edition, Projection } from '../model.js';
import { baseScenario, projectionView } from '../render/projection-view.js';

export interface MetricProjection {
  projection: Projection;
  /** The edition that made it. */
  date: string;
}

/** Each metric's latest projection, by key. */
export function latestProjections(editions: readonly Pick<Edition, 'date' | 'projections'>[]): Map<string, MetricProjection> {
  const latest = new Map<string, MetricProjection>();
  for (const e of editions) for (const projection of e.projections) latest.set(projection.key, { projection, date: e.date });
  return latest;
}

export interface BandPoint {
  /** ISO date: the period's end, where the chart places every point. */
  date: string;
  low: number;
  high: number;
  base: number;
}

/** The band from the base observation (where every scenario starts) to the horizon. */
export function projectionBand(p: Projection): BandPoint[] {
  const base = baseScenario(p);
  const start: BandPoint = { date: p.base.period.end, low: p.base.value, high: p.base.value, base: p.base.value };
  return [
    start,
    ...base.points.map((point, i) => {
      const values = p.scenarios.map((s) => s.points[i]!.value);
      return { date: point.period.end, low: Math.min(...values), high: Math.max(...values), base: point.value };
    }),
  ];
}

/** What the page writes under the chart: whose projection, the range at the horizon, the assumption and the method. */
export function projectionNote(m: MetricProjection, locale: string, dateShort: string): { title: string; range: string; assumption: string; method: string; reaches: string | null } {
  const v = projectionView(m.projection, locale);
  return {
    title: `Our projection to ${v.horizon}, made ${dateShort}`,
    range: `${v.horizon}: ${v.lowText} to ${v.highText}, base case ${v.baseValueText}; scenarios ${v.scenarios.map((s) => `${s.name} (${s.rateText})`).join(', ')}.`,
    assumption: v.assumption,
    method: v.methodText,
    reaches: v.reachesText,
  };
}

export interface ProjectedRecord {
  period: string;
  start: string;
  end: string;
  length: string;
  scenario: string;
  /** Ten decimal places, as edition.json keeps it. */
  value: string;
  date: string;
}

/** One row per scenario and projected period, oldest period first, scenarios in the order written. */
export function projectedRecords(m: MetricProjection): ProjectedRecord[] {
  const p = m.projection;
  const rows: ProjectedRecord[] = [];
  baseScenario(p).points.forEach((point, i) => {
    for (const s of p.scenarios) {
      const at = s.points[i]!;
      rows.push({ period: point.period.label, start: point.period.start, end: point.period.end, length: point.period.length, scenario: s.name, value: at.valueText, date: m.date });
    }
  });
  return rows;
}
