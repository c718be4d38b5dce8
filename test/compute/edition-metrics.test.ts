import { describe, expect, it } from 'vitest';
import { computeEditionMetrics, TREND_POINTS, type BriefMetrics } from '../../src/compute/edition-metrics.js';
import type { BriefMetric, EditionMetric, MetricDef } from '../../src/model.js';
import { defaultMeasure } from '../../src/content/metric-registry.js';
import { obs, P } from '../support/observations.js';

const registry: MetricDef[] = (
  [
    { key: 'cloud_share', label: 'AI cloud share', kind: 'share', unit: '%', decimals: 1, better: 'up', group: 'Market', source: 'IDC' },
    { key: 'revenue', label: 'Cloud revenue', kind: 'money', unit: 'CNY bn', decimals: 1, better: 'up' },
    { key: 'churn', label: 'Churn', kind: 'rate', unit: '%', decimals: 1, better: 'down' },
    { key: 'downloads', label: 'App downloads', kind: 'count', unit: 'M downloads', decimals: 0, better: 'neutral', measure: 'stock' },
    { key: 'net_income', label: 'Net income', kind: 'number', unit: 'USD m', decimals: 0, better: 'up' },
  ] as Omit<MetricDef, 'measure'>[]
).map((d) => ({ measure: defaultMeasure(d.kind), ...d }));

function brief(date: string, metrics: BriefMetric[]): BriefMetrics {
  return { file: `content/editions/${date}.md`, date, metrics };
}

// Dates deliberately irregular: comparisons follow editions, not weeks.
const briefs: BriefMetrics[] = [
  brief('2025-01-06', [
    obs('revenue', '51.8', { period: 'H1 2025' }),
    obs('cloud_share', '35.8', { period: 'Q3 2024' }),
    obs('downloads', '700'),
    obs('net_income', '-10'),
  ]),
  brief('2025-01-13', [
    obs('cloud_share', '38.1', { period: 'Q4 2024', source: 'Canalys', note: 'restated' }),
    obs('revenue', '56.7', { period: 'H2 2025' }),
    obs('churn', '4.1'),
    obs('net_income', '-5'),
  ]),
  brief('2025-01-20', [
    obs('cloud_share', '38.10'),
    obs('downloads', '720'),
    obs('net_income', '0'),
  ]),
  brief('2025-02-03', [
    obs('revenue', '60.0', { period: 'H1 2026' }),
    obs('net_income', '3'),
  ]),
];

const result = computeEditionMetrics(registry, briefs);

function row(edition: number, key: string): EditionMetric {
  const found = result[edition - 1]?.metrics.find((m) => m.key === key);
  if (!found) throw new Error(`edition ${edition} has no row ${key}`);
  return found;
}

describe('computeEditionMetrics', () => {
  it('returns one entry per brief', () => {
    expect(result).toHaveLength(4);
    expect(computeEditionMetrics(registry, [])).toEqual([]);
  });

  it.each([
    [1, ['cloud_share', 'revenue', 'downloads', 'net_income']],
    // downloads: reported in edition 1, missing now -> not-reported row.
    [2, ['cloud_share', 'revenue', 'churn', 'downloads', 'net_income']],
    [3, ['cloud_share', 'revenue', 'churn', 'downloads', 'net_income']],
    // churn was last reported in edition 2, not in edition 3: omitted.
    [4, ['cloud_share', 'revenue', 'downloads', 'net_income']],
  ])('edition %i lists rows in registry order, not brief order', (edition, keys) => {
    expect(result[edition - 1]?.metrics.map((m) => m.key)).toEqual(keys);
  });

  it.each([
    [1, { cloud_share: 'new', revenue: 'new', downloads: 'new', net_income: 'new' }],
    [2, { cloud_share: 'changed', revenue: 'changed', churn: 'new', downloads: 'not-reported', net_income: 'changed' }],
    [3, { cloud_share: 'unchanged', revenue: 'not-reported', churn: 'not-reported', downloads: 'changed', net_income: 'changed' }],
    [4, { cloud_share: 'not-reported', revenue: 'changed', downloads: 'not-reported', net_income: 'changed' }],
  ])('edition %i statuses', (edition, statuses) => {
    const got = Object.fromEntries(result[edition - 1]!.metrics.map((m) => [m.key, m.status]));
    expect(got).toEqual(statuses);
  });

  it('a new metric has no previous and no delta', () => {
    expect(row(2, 'churn')).toMatchObject({ value: 4.1, valueText: '4.1', previous: null, delta: null });
  });

  it('reports the sample share move as +2.3 pp against the previous edition', () => {
    expect(row(2, 'cloud_share')).toEqual({
      key: 'cloud_share', label: 'AI cloud share', kind: 'share', unit: '%', decimals: 1, better: 'up', group: 'Market', measure: 'ratio',
      value: 38.1, valueText: '38.1', period: P('Q4 2024'), basis: 'actual', source: 'Canalys', note: 'restated',
      previous: { value: 35.8, valueText: '35.8', date: '2025-01-06', period: P('Q3 2024'), basis: 'actual' },
      delta: { abs: 2.3, unit: 'pp', rel: null, direction: 'up', sentiment: 'positive', comparison: 'previous-period' },
      status: 'changed',
    });
  });

  it('a flow compares half with half: both periods kept, delta decimal-exact', () => {
    const r = row(2, 'revenue');
    expect(r.period).toEqual(P('H2 2025'));
    expect(r.previous?.period).toEqual(P('H1 2025'));
    expect(r.delta).toEqual({ abs: 4.9, unit: 'CNY bn', rel: 0.094595, direction: 'up', sentiment: 'positive', comparison: 'previous-period' });
  });

  it('keeps the value text as written and flags an equal value as unchanged', () => {
    expect(row(3, 'cloud_share')).toMatchObject({
      value: 38.1, valueText: '38.10', period: null,
      previous: { valueText: '38.1', date: '2025-01-13' },
      delta: { abs: 0, direction: 'flat', sentiment: 'neutral' },
    });
  });

  it('compares a metric skipped for an edition with the older edition and names its date', () => {
    expect(row(3, 'downloads')).toMatchObject({
      previous: { value: 700, valueText: '700', date: '2025-01-06', period: null, basis: 'actual' },
      delta: { abs: 20, unit: 'M downloads', rel: 0.028571, direction: 'up', sentiment: 'neutral' },
    });
    // Revenue skipped edition 3: edition 4's H1 2026 compares year on year with edition 1's H1 2025.
    expect(row(4, 'revenue')).toMatchObject({
      valueText: '60.0',
      previous: { value: 51.8, date: '2025-01-06', period: P('H1 2025') },
      delta: { abs: 8.2, rel: 0.158301, direction: 'up', comparison: 'year-on-year' },
    });
  });

  it('a not-reported row carries the last value and nothing else', () => {
    expect(row(3, 'revenue')).toEqual({
      key: 'revenue', label: 'Cloud revenue', kind: 'money', unit: 'CNY bn', decimals: 1, better: 'up', measure: 'flow',
      value: null, valueText: null, period: null, basis: null, source: null, note: null,
      previous: { value: 56.7, valueText: '56.7', date: '2025-01-13', period: P('H2 2025'), basis: 'actual' },
      delta: null,
      status: 'not-reported',
    });
    expect(row(4, 'downloads').previous).toEqual({ value: 720, valueText: '720', date: '2025-01-20', period: null, basis: 'actual' });
  });

  it('handles negative values and a previous value of zero', () => {
    // Points in time a week or more apart: each change is "since" the last one.
    expect(row(2, 'net_income').delta).toEqual({ abs: 5, unit: 'USD m', rel: 0.5, direction: 'up', sentiment: 'positive', comparison: 'since' });
    expect(row(3, 'net_income').delta).toEqual({ abs: 5, unit: 'USD m', rel: 1, direction: 'up', sentiment: 'positive', comparison: 'since' });
    expect(row(4, 'net_income').delta).toEqual({ abs: 3, unit: 'USD m', rel: null, direction: 'up', sentiment: 'positive', comparison: 'since' });
  });

  it.each([
    ['brief source wins', 2, 'cloud_share', 'Canalys'],
    ['registry source is the fallback', 1, 'cloud_share', 'IDC'],
    ['null when neither has one', 1, 'revenue', null],
  ])('source: %s', (_name, edition, key, source) => {
    expect(row(edition, key).source).toBe(source);
  });

  it('omits group when the registry has none', () => {
    expect('group' in row(1, 'revenue')).toBe(false);
    expect(row(1, 'cloud_share').group).toBe('Market');
  });

  it('note is the brief note or null', () => {
    expect(row(2, 'cloud_share').note).toBe('restated');
    expect(row(3, 'cloud_share').note).toBeNull();
  });

  it('history holds one point per observation up to and including the edition, placed at the period end', () => {
    const h = result[2]!.history;
    expect(Object.keys(h)).toEqual(['cloud_share', 'revenue', 'churn', 'downloads', 'net_income']);
    expect(h.cloud_share).toEqual([
      { date: '2025-01-06', number: 1, value: 35.8, valueText: '35.8', period: P('Q3 2024'), basis: 'actual', at: '2024-09-30', revised: [] },
      { date: '2025-01-13', number: 2, value: 38.1, valueText: '38.1', period: P('Q4 2024'), basis: 'actual', at: '2024-12-31', revised: [] },
      { date: '2025-01-20', number: 3, value: 38.1, valueText: '38.10', period: null, basis: 'actual', at: '2025-01-20', revised: [] },
    ]);
    expect(h.downloads?.map((p) => [p.number, p.date])).toEqual([[1, '2025-01-06'], [3, '2025-01-20']]);
    expect(h.revenue?.map((p) => p.number)).toEqual([1, 2]);
    expect(h.churn?.map((p) => p.number)).toEqual([2]);
  });

  it('history of an earlier edition is not extended by later ones', () => {
    expect(Object.keys(result[0]!.history)).toEqual(['cloud_share', 'revenue', 'downloads', 'net_income']);
    expect(result[0]!.history.cloud_share).toHaveLength(1);
    expect(result[3]!.history.cloud_share).toHaveLength(3);
    expect(result[3]!.history.net_income?.map((p) => p.valueText)).toEqual(['-10', '-5', '0', '3']);
  });

  it('is pure: frozen input is accepted and the same input gives the same output', () => {
    const frozen = structuredClone(briefs).map((b) => Object.freeze({ ...b, metrics: Object.freeze(b.metrics.map((m) => Object.freeze(m))) }));
    const again = computeEditionMetrics(Object.freeze([...registry]) as MetricDef[], frozen as BriefMetrics[]);
    expect(again).toEqual(result);
  });

  it('an edition carries its last TREND_POINTS points; only the last edition carries whole histories, so memory grows linearly', () => {
    // Thirty weekly editions, each with a new value and one revising the first week's figure.
    const weeks = Array.from({ length: 30 }, (_, i) => {
      const date = new Date(Date.UTC(2025, 0, 6 + 7 * i)).toISOString().slice(0, 10);
      const revision = i === 20 ? [obs('net_income', '-12', { period: '2024-12' })] : [];
      return brief(date, [obs('downloads', String(700 + i)), ...(i === 0 ? [obs('net_income', '-10', { period: '2024-12' })] : revision)]);
    });
    const out = computeEditionMetrics(registry, weeks);
    for (const [i, e] of out.slice(0, -1).entries()) {
      expect(e.history.downloads!.length).toBe(Math.min(i + 1, TREND_POINTS));
      // The window ends with this edition's own point, whatever later editions add.
      expect(e.history.downloads!.at(-1)!.valueText).toBe(String(700 + i));
    }
    expect(out.at(-1)!.history.downloads!.map((p) => p.valueText)).toEqual(weeks.map((_, i) => String(700 + i)));
    // A revision in week 21 replaces the point for later editions and leaves earlier windows as they were.
    expect(out[19]!.history.net_income![0]!.valueText).toBe('-10');
    expect(out.at(-1)!.history.net_income![0]).toMatchObject({ valueText: '-12', revised: [{ date: weeks[20]!.date, number: 21 }] });
  });
});
