import { describe, expect, it } from 'vitest';
import { metricDelta } from '../../src/compute/delta.js';
import { biggestMovers } from '../../src/compute/movers.js';
import type { EditionMetric, MetricKind } from '../../src/model.js';

function moved(key: string, kind: MetricKind, previous: string, current: string, unit = kind === 'share' || kind === 'rate' ? '%' : 'USD bn'): EditionMetric {
  const def = { key, label: key, kind, unit, decimals: 1, better: 'up' as const };
  const delta = metricDelta(def, current, previous);
  return {
    ...def,
    value: Number(current), valueText: current, period: null, basis: 'actual', source: null, note: null, measure: 'flow',
    previous: { value: Number(previous), valueText: previous, date: '2025-01-06', period: null, basis: 'actual' },
    delta,
    status: delta.direction === 'flat' ? 'unchanged' : 'changed',
  };
}

function withStatus(m: EditionMetric, status: EditionMetric['status']): EditionMetric {
  return { ...m, status, delta: status === 'changed' || status === 'unchanged' ? m.delta : null };
}

const keys = (ms: EditionMetric[]) => ms.map((m) => m.key);

describe('biggestMovers', () => {
  // share: 2.3 pp on 35.8 -> 0.0642; revenue: +9.46%; downloads: +2.86%; churn: -2 pp on 4 -> 0.5.
  const share = moved('share', 'share', '35.8', '38.1');
  const revenue = moved('revenue', 'money', '51.8', '56.7');
  const downloads = moved('downloads', 'count', '700', '720');
  const churn = moved('churn', 'rate', '4.0', '2.0');

  it.each([
    ['ranks on one relative scale: pp moves by |abs| / |previous|', [share, revenue, downloads, churn], 3, ['churn', 'revenue', 'share']],
    // On raw size, +2.3 pp would beat +9.46% (2.3 > 0.0946).
    ['a point move does not outrank a larger relative change', [share, revenue], 1, ['revenue']],
    ['falls rank by magnitude', [moved('a', 'money', '10', '11'), moved('b', 'money', '10', '5')], 2, ['b', 'a']],
    ['negative values rank by |rel|', [moved('loss', 'number', '-10', '-5'), moved('gain', 'number', '10', '12')], 2, ['loss', 'gain']],
    ['limit larger than the candidates returns them all', [share, downloads], 10, ['share', 'downloads']],
    ['limit 0 returns nothing', [share, revenue], 0, []],
  ])('%s', (_name, metrics, limit, expected) => {
    expect(keys(biggestMovers(metrics, limit))).toEqual(expected);
  });

  it('defaults to three', () => {
    expect(biggestMovers([share, revenue, downloads, churn])).toHaveLength(3);
  });

  it('ties keep registry (input) order', () => {
    const a = moved('a', 'money', '10', '12');
    const b = moved('b', 'money', '20', '24');
    const c = moved('c', 'share', '10', '12');
    expect(keys(biggestMovers([a, b, c], 3))).toEqual(['a', 'b', 'c']);
    expect(keys(biggestMovers([c, b, a], 3))).toEqual(['c', 'b', 'a']);
  });

  it('moves from zero rank after every measurable move, in input order', () => {
    const fromZeroMoney = moved('zero_money', 'money', '0', '500');
    const fromZeroShare = moved('zero_share', 'share', '0', '40');
    const small = moved('small', 'count', '1000', '1001');
    expect(keys(biggestMovers([fromZeroMoney, small, fromZeroShare], 3))).toEqual(['small', 'zero_money', 'zero_share']);
    expect(keys(biggestMovers([fromZeroMoney, small], 1))).toEqual(['small']);
  });

  it('only changed rows are candidates', () => {
    const flat = moved('flat', 'money', '10', '10.01');
    expect(flat.status).toBe('unchanged');
    const candidates = [
      withStatus(moved('new', 'money', '1', '100'), 'new'),
      withStatus(moved('gone', 'money', '1', '100'), 'not-reported'),
      flat,
      downloads,
    ];
    expect(keys(biggestMovers(candidates, 3))).toEqual(['downloads']);
  });

  it('does not reorder or modify its input', () => {
    const input = [downloads, share, revenue];
    const copy = structuredClone(input);
    biggestMovers(input, 2);
    expect(input).toEqual(copy);
  });
});
