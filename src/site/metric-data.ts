/**
 * A metric's history as downloads beside its page: `data.csv` and
 * `data.json`, one row per observation (period and basis) with its latest
 * value, so a reader can check or chart the figures without scraping HTML.
 * Values are the decimal text as written in the brief (no grouping, no
 * rounding); dates are ISO. The metric's latest projection follows its
 * observations: basis `projection`, one row per scenario and period, values
 * to 10 decimal places; `scenario` is empty (null in JSON) for observations.
 */
import { stringify } from 'csv-stringify/sync';
import type { MetricHistory, MetricPoint } from './metric-history.js';
import { projectedRecords } from './metric-projection.js';

export const METRIC_CSV = 'data.csv';
export const METRIC_JSON = 'data.json';

export const CSV_COLUMNS = ['period', 'start', 'end', 'length', 'basis', 'scenario', 'value', 'unit', 'source', 'first_reported', 'revised'] as const;

export interface ObservationRecord {
  period: string;
  start: string;
  end: string;
  length: string;
  basis: string;
  /** The projection's scenario ("low", "base", ...); null for an observation. */
  scenario: string | null;
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
    scenario: null,
    value: p.valueText,
    unit: h.def.unit,
    source: p.row.source,
    first_reported: p.date,
    revised: p.revised.map((r) => r.date),
  };
}

/** The observations, then the latest projection's rows. */
function records(h: MetricHistory): ObservationRecord[] {
  const observed = h.points.map((p) => record(h, p));
  if (!h.projection) return observed;
  const projected = projectedRecords(h.projection).map((r) => ({ ...r, basis: 'projection', unit: h.def.unit, source: 'our projection', first_reported: r.date, revised: [] }));
  return [...observed, ...projected.map(({ date: _date, ...r }) => r)];
}

export function metricCsv(h: MetricHistory): string {
  const rows = records(h).map((r) => [r.period, r.start, r.end, r.length, r.basis, r.scenario ?? '', r.value, r.unit, r.source ?? '', r.first_reported, r.revised.join(' ')]);
  return stringify([[...CSV_COLUMNS], ...rows], { record_delimiter: 'unix' });
}

export function metricJson(h: MetricHistory): string {
  const { key, label, kind, measure, unit, decimals } = h.def;
  return `${JSON.stringify({ metric: { key, label, kind, measure, unit, decimals }, observations: records(h) }, null, 2)}\n`;
}
