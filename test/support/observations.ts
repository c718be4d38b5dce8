/** Observations and metric definitions as the loader would produce them, for compute tests. */
import type { BriefMetric, MetricDef, MetricKind, Measure } from '../../src/model.js';
import { defaultMeasure } from '../../src/content/metric-registry.js';
import { parsePeriod } from '../../src/content/period.js';

/** A parsed period; throws on text outside the grammar so a typo in a test fails loudly. */
export function P(text: string, fiscalYearEnd?: string) {
  const r = parsePeriod(text, fiscalYearEnd);
  if (!r.parsed) throw new Error(r.error);
  return r.parsed.period;
}

/** An observation as the loader makes it from `{ value, period, basis, source, note }`. */
export function obs(key: string, value: string, more: { period?: string; basis?: 'actual' | 'forecast'; source?: string; note?: string; line?: number } = {}): BriefMetric {
  const { period, ...rest } = more;
  if (period === undefined) return { key, value, basis: more.basis ?? 'actual', ...rest };
  const parsed = parsePeriod(period).parsed!;
  return { key, value, ...rest, period: parsed.period, periodText: period, basis: more.basis ?? (parsed.estimate ? 'forecast' : 'actual') };
}

export function metricDef(key: string, kind: MetricKind, more: Partial<MetricDef> & { measure?: Measure } = {}): MetricDef {
  const unit = kind === 'share' || kind === 'rate' ? '%' : 'CNY bn';
  return { key, label: key, kind, unit, decimals: 1, better: 'up', measure: defaultMeasure(kind), ...more };
}
