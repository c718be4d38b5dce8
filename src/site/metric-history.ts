/**
 * Each metric's full history, joined to the row the email showed for it in
 * every edition that reported it. The values come from the newest edition's
 * `history` (which already holds every point ever reported), and the text
 * (value, change, colour) from that edition's view-model row, so the archive
 * prints each figure exactly as the email did. Linear in editions × metrics.
 */
import type { MetricDef } from '../model.js';
import type { RenderedEdition } from '../render/render-edition.js';
import type { MetricRowView } from '../render/view-model.js';

export interface MetricPoint {
  date: string;
  number: number;
  period: string | null;
  value: number;
  dateShort: string;
  /** The metric's row in that edition, as the email showed it. */
  row: MetricRowView;
}

export interface MetricHistory {
  def: MetricDef;
  /** Oldest first; never empty. */
  points: MetricPoint[];
  latest: MetricPoint;
  /** How many of the points changed from the value before them. */
  moves: number;
}

/** Metrics in registry order; a metric never reported has no history and no page. */
export function metricHistories(registry: readonly MetricDef[], rendered: readonly RenderedEdition[]): MetricHistory[] {
  const newest = rendered.at(-1);
  if (!newest) return [];
  const byDate = new Map(rendered.map((r) => [r.edition.date, { view: r.view, rows: new Map(r.view.metrics.map((m) => [m.key, m])) }]));
  const out: MetricHistory[] = [];
  for (const def of registry) {
    const points: MetricPoint[] = [];
    for (const p of newest.edition.history[def.key] ?? []) {
      const edition = byDate.get(p.date);
      const row = edition?.rows.get(def.key);
      // Every history point comes from an edition that reported the metric, so both exist.
      if (!edition || !row) continue;
      points.push({ date: p.date, number: p.number, period: p.period, value: p.value, dateShort: edition.view.dateShort, row });
    }
    const latest = points.at(-1);
    if (latest) out.push({ def, points, latest, moves: points.filter((p) => p.row.status === 'changed').length });
  }
  return out;
}

/** Tooltip text for one point, worded like the email's history bars: "1 Sep 2025: 35.8% (H1 2025)". */
export function pointLabel(p: MetricPoint): string {
  return `${p.dateShort}: ${p.row.value}${p.period ? ` (${p.period})` : ''}`;
}
