import { describe, expect, it } from 'vitest';
import { metricDelta } from '../../src/compute/delta.js';
import { defaultMeasure } from '../../src/content/metric-registry.js';
import type { Better, MetricDef, MetricDelta, MetricKind } from '../../src/model.js';

function def(kind: MetricKind, unit: string, decimals: number, better: Better = 'up'): MetricDef {
  return { key: 'm', label: 'M', kind, unit, decimals, better, measure: defaultMeasure(kind) };
}

const share = (decimals = 1, better: Better = 'up') => def('share', '%', decimals, better);
const rate = (decimals = 1, better: Better = 'up') => def('rate', '%', decimals, better);
const money = (decimals = 1, better: Better = 'up') => def('money', 'CNY bn', decimals, better);
const num = (decimals = 0, better: Better = 'up') => def('number', 'USD m', decimals, better);
const count = (decimals = 0, better: Better = 'up') => def('count', 'M downloads', decimals, better);

describe('metricDelta', () => {
  const cases: [string, MetricDef, string, string, Omit<MetricDelta, 'comparison'>][] = [
    // The sample newsletter's real moves.
    ['share 35.8% -> 38.1% is +2.3 pp, not +6.4%', share(), '38.1', '35.8',
      { abs: 2.3, unit: 'pp', rel: null, direction: 'up', sentiment: 'positive' }],
    ['RMB 51.8 bn -> 56.7 bn is +4.9 CNY bn, rel 0.094595', money(), '56.7', '51.8',
      { abs: 4.9, unit: 'CNY bn', rel: 0.094595, direction: 'up', sentiment: 'positive' }],

    // Floating-point traps: each expected value is what float maths gets wrong.
    ['0.3 - 0.1 is exactly 0.2 pp', rate(), '0.3', '0.1',
      { abs: 0.2, unit: 'pp', rel: null, direction: 'up', sentiment: 'positive' }],
    ['20.83 -> 51.8: abs 30.97, rel 1.486798', money(2), '51.8', '20.83',
      { abs: 30.97, unit: 'CNY bn', rel: 1.486798, direction: 'up', sentiment: 'positive' }],
    ['1.005 rounds half-up to 1.01 at 2 decimals (float toFixed gives 1.00)', num(2), '2.005', '1',
      { abs: 1.01, unit: 'USD m', rel: 1.005, direction: 'up', sentiment: 'positive' }],
    ['-1.005 rounds away from zero to -1.01', num(2), '1', '2.005',
      { abs: -1.01, unit: 'USD m', rel: -0.501247, direction: 'down', sentiment: 'negative' }],
    ['+0.05 at 1 decimal rounds to +0.1', rate(), '0.05', '0',
      { abs: 0.1, unit: 'pp', rel: null, direction: 'up', sentiment: 'positive' }],
    ['-0.05 at 1 decimal rounds to -0.1 (symmetric half-up)', rate(), '0', '0.05',
      { abs: -0.1, unit: 'pp', rel: null, direction: 'down', sentiment: 'negative' }],
    ['trailing zeros as written do not matter: 38.10 - 35.80', share(), '38.10', '35.80',
      { abs: 2.3, unit: 'pp', rel: null, direction: 'up', sentiment: 'positive' }],
    ['a leading + in the brief parses', share(), '+38.1', '35.8',
      { abs: 2.3, unit: 'pp', rel: null, direction: 'up', sentiment: 'positive' }],

    // Flat detection at the metric's decimals.
    ['35.80 -> 35.84 at 1 decimal is flat', share(), '35.84', '35.80',
      { abs: 0, unit: 'pp', rel: null, direction: 'flat', sentiment: 'neutral' }],
    ['35.80 -> 35.84 at 2 decimals is up', share(2), '35.84', '35.80',
      { abs: 0.04, unit: 'pp', rel: null, direction: 'up', sentiment: 'positive' }],
    ['35.84 -> 35.80 at 1 decimal is flat with abs 0, not -0', share(), '35.80', '35.84',
      { abs: 0, unit: 'pp', rel: null, direction: 'flat', sentiment: 'neutral' }],
    ['identical values are flat, rel 0', count(), '700', '700',
      { abs: 0, unit: 'M downloads', rel: 0, direction: 'flat', sentiment: 'neutral' }],
    ['a sub-precision move is flat but keeps its exact rel', money(), '100.04', '100',
      { abs: 0, unit: 'CNY bn', rel: 0.0004, direction: 'flat', sentiment: 'neutral' }],

    // Negative values and previous zero.
    ['a loss narrowing from -10 to -5 is up, rel +0.5', num(), '-5', '-10',
      { abs: 5, unit: 'USD m', rel: 0.5, direction: 'up', sentiment: 'positive' }],
    ['a loss widening from -5 to -10 is down, rel -1', num(), '-10', '-5',
      { abs: -5, unit: 'USD m', rel: -1, direction: 'down', sentiment: 'negative' }],
    ['profit to loss: 4 -> -2, rel -1.5', num(), '-2', '4',
      { abs: -6, unit: 'USD m', rel: -1.5, direction: 'down', sentiment: 'negative' }],
    ['previous 0 gives rel null', money(), '3.2', '0',
      { abs: 3.2, unit: 'CNY bn', rel: null, direction: 'up', sentiment: 'positive' }],
    ['previous written as 0.0 is still zero', count(), '5', '0.0',
      { abs: 5, unit: 'M downloads', rel: null, direction: 'up', sentiment: 'positive' }],

    // Sentiment from `better`.
    ['a fall in a better-down rate is positive', rate(1, 'down'), '4.8', '5.2',
      { abs: -0.4, unit: 'pp', rel: null, direction: 'down', sentiment: 'positive' }],
    ['a rise in a better-down money metric is negative', money(1, 'down'), '12.5', '10',
      { abs: 2.5, unit: 'CNY bn', rel: 0.25, direction: 'up', sentiment: 'negative' }],
    ['a fall in a better-up metric is negative', share(), '30', '35.8',
      { abs: -5.8, unit: 'pp', rel: null, direction: 'down', sentiment: 'negative' }],
    ['neutral metrics are neutral whichever way they move', count(0, 'neutral'), '720', '700',
      { abs: 20, unit: 'M downloads', rel: 0.028571, direction: 'up', sentiment: 'neutral' }],
    ['flat is neutral even for better-down', rate(1, 'down'), '5.21', '5.2',
      { abs: 0, unit: 'pp', rel: null, direction: 'flat', sentiment: 'neutral' }],

    // rel rounding: 6 places, half away from zero, exactly rounded.
    ['rel exactly half a unit in the 6th place rounds up (half-even would give 0)', num(6), '2.000001', '2',
      { abs: 0.000001, unit: 'USD m', rel: 0.000001, direction: 'up', sentiment: 'positive' }],
    ['negative half rounds away from zero', num(6), '1.999999', '2',
      { abs: -0.000001, unit: 'USD m', rel: -0.000001, direction: 'down', sentiment: 'negative' }],
    ['rel just below half is not double-rounded up', num(), '2.0000009999999999999999999', '2',
      { abs: 0, unit: 'USD m', rel: 0, direction: 'flat', sentiment: 'neutral' }],
    ['a rel that rounds to zero is 0, not -0', num(), '9999999.9999999', '10000000',
      { abs: 0, unit: 'USD m', rel: 0, direction: 'flat', sentiment: 'neutral' }],
  ];

  it.each(cases)('%s', (_name, d, current, previous, expected) => {
    const got = metricDelta(d, current, previous);
    expect(got).toEqual({ ...expected, comparison: null });
    // toEqual treats 0 and -0 alike and would hide float noise behind no
    // tolerance anyway; Object.is pins the exact numbers.
    expect(Object.is(got.abs, expected.abs)).toBe(true);
    expect(Object.is(got.rel, expected.rel)).toBe(true);
  });

  it('uses the metric unit for money/count/number and pp for share/rate', () => {
    expect(metricDelta(def('count', 'M downloads', 0, 'up'), '2', '1').unit).toBe('M downloads');
    expect(metricDelta(def('rate', '%', 1, 'up'), '2', '1').unit).toBe('pp');
    expect(metricDelta(def('share', '%', 1, 'up'), '2', '1').rel).toBeNull();
  });

  it('rejects text that is not a decimal rather than computing NaN', () => {
    expect(() => metricDelta(share(), '38,1', '35.8')).toThrow(/Not a decimal/);
  });
});
