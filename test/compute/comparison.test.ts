import { describe, expect, it } from 'vitest';
import { computeEditionMetrics, type BriefMetrics } from '../../src/compute/edition-metrics.js';
import { biggestMovers } from '../../src/compute/movers.js';
import type { BriefMetric, EditionMetric, MetricDef } from '../../src/model.js';
import { metricDef, obs, P } from '../support/observations.js';

const market = metricDef('market', 'money');
const share = metricDef('share', 'share');
const downloads = metricDef('downloads', 'count', { unit: 'M downloads', decimals: 0, measure: 'stock' });
const cagr = metricDef('cagr', 'rate');

function run(registry: MetricDef[], editions: BriefMetric[][]): EditionMetric[][] {
  const briefs: BriefMetrics[] = editions.map((metrics, i) => ({ file: `e${i + 1}.md`, date: `2025-0${i + 1}-06`, metrics }));
  return computeEditionMetrics(registry, briefs).map((e) => e.metrics);
}

/** The row of `key` in the last edition. */
function last(registry: MetricDef[], editions: BriefMetric[][], key = registry[0]!.key): EditionMetric {
  const row = run(registry, editions).at(-1)!.find((m) => m.key === key);
  if (!row) throw new Error(`no row ${key}`);
  return row;
}

describe('comparison statuses', () => {
  it('new: nothing earlier with the same basis', () => {
    const r = last([market], [[obs('market', '20.83', { period: '2024' })]]);
    expect(r).toMatchObject({ status: 'new', previous: null, delta: null, basis: 'actual', period: P('2024') });
  });

  it('a forecast after an actual of another year is new, not a +148.7% move', () => {
    const r = last([market], [[obs('market', '20.83', { period: 'FY2024' })], [obs('market', '51.8', { period: 'FY2025E' })]]);
    expect(r).toMatchObject({ status: 'new', basis: 'forecast', delta: null, previous: null });
  });

  it('no-new-data: the same period, basis and value; previous is the edition that first reported it', () => {
    const editions = [
      [obs('share', '35.8', { period: 'H1 2025' })],
      [obs('share', '35.80', { period: 'H1 2025' })],
      [obs('share', '35.8', { period: 'H1 2025' })],
    ];
    const r = last([share], editions);
    expect(r.status).toBe('no-new-data');
    expect(r.delta).toBeNull();
    expect(r.previous).toEqual({ date: '2025-01-06', value: 35.8, valueText: '35.8', period: P('H1 2025'), basis: 'actual' });
  });

  it('revised: the same period and basis with another value, delta against the latest value (decimal-exact)', () => {
    const editions = [
      [obs('market', '51.8', { period: '2025E' })],
      [obs('market', '52.1', { period: '2025E' })],
      [obs('market', '52.33', { period: '2025E' })],
    ];
    const r = last([market], editions);
    expect(r.status).toBe('revised');
    expect(r.previous).toMatchObject({ date: '2025-02-06', valueText: '52.1', basis: 'forecast' });
    // 52.33 - 52.1 = 0.23 exactly; rounded to 1 decimal: 0.2; rel 0.23 / 52.1.
    expect(r.delta).toEqual({ abs: 0.2, unit: 'CNY bn', rel: 0.004415, direction: 'up', sentiment: 'neutral', comparison: null });
  });

  it('no-new-data after a revision points at the revision, not the first report', () => {
    const r = last([share], [[obs('share', '35.8', { period: 'H1 2025' })], [obs('share', '36.0', { period: 'H1 2025' })], [obs('share', '36', { period: 'H1 2025' })]]);
    expect(r).toMatchObject({ status: 'no-new-data', previous: { date: '2025-02-06', valueText: '36.0' } });
  });

  it('vs-forecast: an actual for a period that had a forecast, delta = actual minus the latest forecast', () => {
    const editions = [
      [obs('market', '20.83', { period: '2024' })],
      [obs('market', '50.9', { period: '2025E' })],
      [obs('market', '51.8', { period: 'FY2025E' })],
      [obs('market', '56.7', { period: 'FY2025' })],
    ];
    const r = last([market], editions);
    expect(r.status).toBe('vs-forecast');
    expect(r.previous).toMatchObject({ valueText: '51.8', basis: 'forecast', date: '2025-03-06' });
    expect(r.delta).toEqual({ abs: 4.9, unit: 'CNY bn', rel: 0.094595, direction: 'up', sentiment: 'positive', comparison: null });
  });

  it('not-comparable: a flow over a period of another length; both values kept, no delta', () => {
    const r = last([market], [[obs('market', '20.83', { period: '2024' })], [obs('market', '9.1', { period: 'Q1 2025' })]]);
    expect(r).toMatchObject({ status: 'not-comparable', delta: null, value: 9.1, previous: { valueText: '20.83', period: P('2024') } });
  });

  it('not-comparable for H1 against FY of the same year, and for spans of different lengths', () => {
    expect(last([market], [[obs('market', '20', { period: 'H1 2025' })], [obs('market', '45', { period: 'FY2025' })]]).status).toBe('not-comparable');
    const spans = [[obs('market', '300', { period: '2021-2025' })], [obs('market', '400', { period: '2023-2025' })]];
    expect(last([market], spans).status).toBe('not-comparable');
  });

  it('a ratio compares across period lengths: H1 share to full-year share is a change', () => {
    const r = last([share], [[obs('share', '35.8', { period: 'H1 2025' })], [obs('share', '38.1', { period: 'FY2025' })]]);
    expect(r).toMatchObject({ status: 'changed', delta: { abs: 2.3, unit: 'pp', rel: null, direction: 'up' } });
  });

  it('a stock compares points in time whatever their spacing', () => {
    const r = last([downloads], [[obs('downloads', '400', { period: '2025-03-31' })], [obs('downloads', '700', { period: '2025-09' })]]);
    expect(r).toMatchObject({ status: 'changed', delta: { abs: 300, rel: 0.75 } });
  });

  it('changed and unchanged: like-for-like, flat when the change rounds to zero at the metric decimals', () => {
    const changed = last([market], [[obs('market', '10.0', { period: 'Q1 2025' })], [obs('market', '9.45', { period: 'Q2 2025' })]]);
    expect(changed).toMatchObject({ status: 'changed', delta: { abs: -0.6, rel: -0.055, direction: 'down', sentiment: 'negative' } });
    const flat = last([market], [[obs('market', '10.0', { period: 'Q1 2025' })], [obs('market', '10.04', { period: 'Q2 2025' })]]);
    expect(flat).toMatchObject({ status: 'unchanged', delta: { abs: 0, direction: 'flat' } });
  });

  it('the reference is the latest earlier observation of the same basis by period end, not by edition', () => {
    const editions = [[obs('market', '12', { period: 'Q2 2025' })], [obs('market', '10', { period: 'Q1 2025' })], [obs('market', '15', { period: 'Q3 2025' })]];
    expect(last([market], editions).previous).toMatchObject({ valueText: '12', period: P('Q2 2025') });
  });

  it('of two earlier observations whose periods end on the same day, the reference is the later edition', () => {
    const editions = [[obs('market', '40', { period: '2025' })], [obs('market', '11', { period: 'Q4 2025' })], [obs('market', '12', { period: 'Q1 2026' })]];
    expect(last([market], editions).previous).toMatchObject({ valueText: '11', period: P('Q4 2025') });
  });

  it('forecasts compare with forecasts, actuals with actuals', () => {
    const editions = [[obs('cagr', '25', { period: '2024-2029E' })], [obs('cagr', '30', { period: '2024' })], [obs('cagr', '26.8', { period: '2025-2030E' })]];
    expect(last([cagr], editions)).toMatchObject({ status: 'changed', basis: 'forecast', previous: { valueText: '25' }, delta: { abs: 1.8, unit: 'pp' } });
  });

  it('not-reported: reported by the previous edition and not by this one', () => {
    const rows = run([market, share], [[obs('market', '1', { period: '2024' }), obs('share', '5', { period: '2024' })], [obs('share', '6', { period: '2025' })], [obs('share', '7', { period: '2026' })]]);
    expect(rows[1]!.find((m) => m.key === 'market')).toMatchObject({ status: 'not-reported', value: null, basis: null, delta: null, previous: { valueText: '1' } });
    // Two editions on, it is no longer listed.
    expect(rows[2]!.map((m) => m.key)).toEqual(['share']);
  });

  it('no period: a point at the edition date, compared with the last edition as before', () => {
    const r = last([share], [[obs('share', '35.8')], [obs('share', '35.8')]]);
    expect(r).toMatchObject({ status: 'unchanged', period: null, previous: { date: '2025-01-06', period: null } });
  });

  it('fiscal years: FY2025 ending 12-31 is the same period as 2025', () => {
    const r = last([market], [[obs('market', '51.8', { period: '2025E' })], [obs('market', '56.7', { period: 'FY2025' })]]);
    expect(r.status).toBe('vs-forecast');
  });
});

describe('what a change is compared with', () => {
  const revenue = metricDef('revenue', 'money', { fiscalYearEnd: '03-31' });
  const fy = (text: string) => P(text, '03-31');
  const q = (value: string, period: string, more: { basis?: 'actual' | 'forecast' } = {}): BriefMetric => ({ ...obs('revenue', value, more), period: fy(period), periodText: period });

  it('a flow compares year on year first, even when the quarter just before was reported', () => {
    const r = last([revenue], [[q('33.4', 'Q1 FY2026')], [q('39.0', 'Q4 FY2026')], [q('40.08', 'Q1 FY2027')]]);
    expect(r).toMatchObject({ status: 'changed', previous: { valueText: '33.4', period: fy('Q1 FY2026') } });
    expect(r.delta).toEqual({ abs: 6.7, unit: 'CNY bn', rel: 0.2, direction: 'up', sentiment: 'positive', comparison: 'year-on-year' });
  });

  it('without the same period a year earlier, a flow compares with the period just before', () => {
    const r = last([revenue], [[q('33.4', 'Q1 FY2026')], [q('33.9', 'Q2 FY2026')]]);
    expect(r).toMatchObject({ status: 'changed', previous: { period: fy('Q1 FY2026') }, delta: { abs: 0.5, comparison: 'previous-period' } });
  });

  it('quarters five apart are not a move: not-comparable, previous the latest earlier observation, no delta, no mover', () => {
    const rows = run([revenue], [[q('33.4', 'Q1 FY2026')], [q('39.8', 'Q2 FY2027')]]).at(-1)!;
    expect(rows[0]).toMatchObject({ status: 'not-comparable', delta: null, previous: { valueText: '33.4', period: fy('Q1 FY2026') } });
    expect(biggestMovers(rows)).toEqual([]);
  });

  it('the latest earlier observation is the not-comparable reference, whatever its length', () => {
    const r = last([revenue], [[q('33.4', 'Q1 FY2026')], [q('140', 'FY2026')], [q('39.8', 'Q3 FY2027')]]);
    expect(r).toMatchObject({ status: 'not-comparable', previous: { valueText: '140', period: fy('FY2026') } });
  });

  it('months, halves and years follow the same order', () => {
    const months = last([market], [[obs('market', '10', { period: '2024-02' })], [obs('market', '12', { period: '2025-01' })], [obs('market', '13', { period: '2025-02' })]]);
    expect(months).toMatchObject({ previous: { valueText: '10' }, delta: { comparison: 'year-on-year', rel: 0.3 } });
    const halves = last([market], [[obs('market', '20', { period: 'H1 2025' })], [obs('market', '22', { period: 'H2 2025' })]]);
    expect(halves.delta?.comparison).toBe('previous-period');
    const years = last([market], [[obs('market', '20.83', { period: '2023' })], [obs('market', '56.7', { period: '2025' })]]);
    expect(years).toMatchObject({ status: 'not-comparable', delta: null });
  });

  it('forecasts of a flow compare with forecasts by the same rule, never with actuals (a year before a year is year on year)', () => {
    const r = last([market], [[obs('market', '40', { period: '2025E' })], [obs('market', '45', { period: '2025' })], [obs('market', '60', { period: '2026E' })]]);
    expect(r).toMatchObject({ status: 'changed', basis: 'forecast', previous: { valueText: '40', basis: 'forecast' }, delta: { comparison: 'year-on-year' } });
  });

  it('a ratio keeps its latest reference: the period just before reads "previous-period", an older one "since"', () => {
    expect(last([share], [[obs('share', '30', { period: 'Q4 2024' })], [obs('share', '31', { period: 'Q1 2025' })]]).delta?.comparison).toBe('previous-period');
    // H1 2025 ends inside the year 2025: the reference just before it, not a gap.
    expect(last([share], [[obs('share', '35.8', { period: 'H1 2025' })], [obs('share', '38.1', { period: '2025' })]]).delta?.comparison).toBe('previous-period');
    const since = last([share], [[obs('share', '30', { period: 'Q1 2024' })], [obs('share', '31', { period: 'Q1 2025' })]]);
    expect(since).toMatchObject({ status: 'changed', previous: { period: P('Q1 2024') }, delta: { abs: 1, comparison: 'since' } });
  });

  it('a stock compared with a level more than one period back is "since" that level', () => {
    const r = last([downloads], [[obs('downloads', '400', { period: '2025-03-31' })], [obs('downloads', '700', { period: '2025-09' })]]);
    expect(r.delta?.comparison).toBe('since');
    expect(last([downloads], [[obs('downloads', '400', { period: '2025-08' })], [obs('downloads', '700', { period: '2025-09' })]]).delta?.comparison).toBe('previous-period');
  });
});

describe('history', () => {
  it('one point per observation with its latest value and the editions that revised it', () => {
    const briefs: BriefMetrics[] = [
      { file: 'z.md', date: '2025-09-01', metrics: [obs('market', '20.83', { period: '2024' })] },
      { file: 'a.md', date: '2025-09-15', metrics: [obs('market', '51.8', { period: '2025E' })] },
      { file: 'b.md', date: '2025-10-13', metrics: [obs('market', '51.8', { period: '2025E' })] },
      { file: 'c.md', date: '2025-11-03', metrics: [obs('market', '53.0', { period: '2025E' })] },
      { file: 'd.md', date: '2026-01-26', metrics: [obs('market', '56.7', { period: '2025' })] },
    ];
    const result = computeEditionMetrics([market], briefs);
    const h = result.at(-1)!.history.market!;
    expect(h.map((p) => [p.period?.label, p.basis, p.valueText, p.date, p.at, p.revised.map((r) => r.date)])).toEqual([
      ['2024', 'actual', '20.83', '2025-09-01', '2024-12-31', []],
      ['2025 forecast', 'forecast', '53.0', '2025-09-15', '2025-12-31', ['2025-11-03']],
      ['2025', 'actual', '56.7', '2026-01-26', '2025-12-31', []],
    ]);
    // An earlier edition keeps the history as it stood then.
    expect(result[2]!.history.market!.map((p) => p.valueText)).toEqual(['20.83', '51.8']);
  });
});

describe('movers rank only like-for-like changes', () => {
  it('excludes new, no-new-data, revised, vs-forecast, not-comparable, unchanged and not-reported', () => {
    const registry = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k) => metricDef(k, 'money'));
    const first = [
      obs('b', '10', { period: 'Q1 2025' }),
      obs('c', '10', { period: '2025E' }),
      obs('d', '10', { period: '2025E' }),
      obs('e', '10', { period: '2024' }),
      obs('f', '10', { period: 'Q1 2025' }),
      obs('g', '10', { period: 'Q1 2025' }),
      obs('h', '10', { period: 'Q1 2025' }),
    ];
    const second = [
      obs('a', '10', { period: 'Q2 2025' }), // new
      obs('b', '10', { period: 'Q1 2025' }), // no-new-data
      obs('c', '90', { period: '2025E' }), // revised (a 9x move)
      obs('d', '90', { period: '2025' }), // vs-forecast
      obs('e', '90', { period: 'Q1 2025' }), // not-comparable
      obs('f', '10.01', { period: 'Q2 2025' }), // unchanged
      obs('g', '11', { period: 'Q2 2025' }), // changed
      // h: not-reported
    ];
    const rows = run(registry, [first, second]).at(-1)!;
    expect(Object.fromEntries(rows.map((m) => [m.key, m.status]))).toEqual({
      a: 'new', b: 'no-new-data', c: 'revised', d: 'vs-forecast', e: 'not-comparable', f: 'unchanged', g: 'changed', h: 'not-reported',
    });
    expect(biggestMovers(rows).map((m) => m.key)).toEqual(['g']);
  });
});
