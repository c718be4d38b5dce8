/**
 * A metric's history as downloads beside its page: `data.csv` and
 * `data.json`, one row per observation (period and basis) with its latest
 * value, so a reader can check or chart the figures without scraping HTML.
 * Values are the decimal text as written in the brief (no grouping, no
 * rounding); dates are ISO.
 */
import { stringify } from 'csv-stringify/sync';
import type { MetricHistory, MetricPoint } from './metric-history.js';

export const METRIC_CSV = 'data.csv';
export const METRIC_JSON = 'data.json';

export const CSV_COLUMNS = ['period', 'start', 'end', 'length', 'basis', 'value', 'unit', 'source', 'first_reported', 'revised'] as const;

export interface ObservationRecord {
  period: string;
  start: string;
  end: string;
  length: string;
  basis: string;
  value: string;
  unit: string;
  source: string | null;
  first_reported: string;
  /** Editions that revised the value, oldest first. */
  revised: string[];
}

/** A point without a period is a point in time at its edition's date. */
function record(h: MetricHistory, p: MetricPoint): ObservationRecord {
  const period = p.periodRange ?? { label: p.date, start: p.date, end: p.date, length: 'day' };
  return {
    period: period.label,
    start: period.start,
    end: period.end,
    length: period.length,
    basis: p.basis,
    value: p.valueText,
    unit: h.def.unit,
    source: p.row.source,
    first_reported: p.date,
    revised: p.revised.map((r) => r.date),
  };
}

export function metricCsv(h: MetricHistory): string {
  const rows = h.points.map((p) => {
    const r = record(h, p);
    return [r.period, r.start, r.end, r.length, r.basis, r.value, r.unit, r.source ?? '', r.first_reported, r.revised.join(' ')];
  });
  return stringify([[...CSV_COLUMNS], ...rows], { record_delimiter: 'unix' });
}

export function metricJson(h: MetricHistory): string {
  const { key, label, kind, measure, unit, decimals } = h.def;
  return `${JSON.stringify({ metric: { key, label, kind, measure, unit, decimals }, observations: h.points.map((p) => record(h, p)) }, null, 2)}\n`;
}
