import { afterEach, describe, expect, it, vi } from 'vitest';
import { metricDelta } from '../../src/compute/delta.js';
import type { EditionMetric, MetricDef, MetricDelta } from '../../src/model.js';
import { arrow, formatChange, formatDelta, formatNumber, formatRel, formatValue } from '../../src/render/format.js';
import { P } from '../support/observations.js';

// de-DE puts a no-break space before "%"; spelled out so the tests say so.
const NBSP = '\u00a0';

const shareDef: MetricDef = { key: 'share', label: 'Share', kind: 'share', unit: '%', decimals: 1, better: 'up' , measure: 'ratio' };
const revenueDef: MetricDef = { key: 'revenue', label: 'Revenue', kind: 'money', unit: 'CNY bn', decimals: 1, better: 'up' , measure: 'flow' };
const downloadsDef: MetricDef = { key: 'downloads', label: 'Downloads', kind: 'count', unit: 'M downloads', decimals: 0, better: 'neutral' , measure: 'flow' };
const usersDef: MetricDef = { key: 'mau', label: 'MAU', kind: 'count', unit: 'MAU m', decimals: 1, better: 'up' , measure: 'flow' };

describe('formatNumber', () => {
  // Negative numbers carry the minus sign U+2212 in every locale, never a hyphen.
  it.each([
    [1234.5, 2, 'en-GB', '1,234.50'],
    [1234.5, 2, 'de-DE', '1.234,50'],
    [1234567, 0, 'en-GB', '1,234,567'],
    [1234567, 0, 'de-DE', '1.234.567'],
    [-3.25, 1, 'en-GB', '\u22123.3'],
    [-3.25, 1, 'de-DE', '\u22123,3'],
    [-0.04, 1, 'en-GB', '0.0'],
    [-0, 1, 'de-DE', '0,0'],
    [1234.5, 1, 'zh-CN', '1,234.5'],
  ])('%d at %i decimals in %s -> %s', (value, decimals, locale, expected) => {
    expect(formatNumber(value, decimals, locale)).toBe(expected);
  });
});

describe('formatValue', () => {
  it.each([
    [shareDef, 38.1, undefined, 'en-GB', '38.1%'],
    [shareDef, 38.1, undefined, 'de-DE', `38,1${NBSP}%`],
    [shareDef, 38, undefined, 'en-GB', '38.0%'],
    // More decimals written than the metric shows: keep them.
    [shareDef, 38.1, '38.10', 'en-GB', '38.10%'],
    [shareDef, 38.125, '38.125', 'de-DE', `38,125${NBSP}%`],
    // Fewer written than the metric shows: pad to the metric's decimals.
    [shareDef, 38, '38', 'en-GB', '38.0%'],
    [revenueDef, 56.7, undefined, 'en-GB', 'CNY 56.7 bn'],
    [revenueDef, 56.7, '56.7', 'de-DE', 'CNY 56,7 bn'],
    [{ ...revenueDef, unit: 'USD bn' }, 1234.5, '1234.5', 'en-GB', 'USD 1,234.5 bn'],
    [{ ...revenueDef, unit: 'USD bn' }, 1234.5, '1234.5', 'de-DE', 'USD 1.234,5 bn'],
    // The sign leads, as in deltas ("-CNY 4.9 bn"), so a loss and a fall read alike.
    [{ ...revenueDef, unit: 'EUR' }, -2.5, '-2.5', 'en-GB', '\u2212EUR 2.5'],
    [{ ...revenueDef, unit: 'EUR' }, -2.5, undefined, 'de-DE', '\u2212EUR 2,5'],
    [downloadsDef, 700, '700', 'en-GB', '700 M downloads'],
    [downloadsDef, 1500, undefined, 'de-DE', '1.500 M downloads'],
    // Three capitals that are not an ISO currency are an ordinary unit.
    [usersDef, 12.5, '12.5', 'en-GB', '12.5 MAU m'],
    [{ ...downloadsDef, unit: '' }, 42, undefined, 'en-GB', '42'],
    // Printed from the text, so digits a double cannot hold survive.
    [{ ...downloadsDef, decimals: 2 }, 12345678901234567.89, '12345678901234567.89', 'en-GB', '12,345,678,901,234,567.89 M downloads'],
    [{ ...revenueDef, decimals: 2 }, 1.005, '1.005', 'en-GB', 'CNY 1.005 bn'],
    [downloadsDef, 0.0015, '1.5e-3', 'en-GB', '0.0015 M downloads'],
  ] as const)('%o %d (%s) in %s -> %s', (m, value, text, locale, expected) => {
    expect(formatValue(m, value, locale, text)).toBe(expected);
  });
});

describe('formatValue memo', () => {
  it('gives each unit, number of decimals and locale its own text for the same written value', () => {
    const written = '38.1';
    expect(formatValue(shareDef, 38.1, 'en-GB', written)).toBe('38.1%');
    expect(formatValue({ ...shareDef, decimals: 2 }, 38.1, 'en-GB', written)).toBe('38.10%');
    expect(formatValue(shareDef, 38.1, 'de-DE', written)).toBe(`38,1${NBSP}%`);
    expect(formatValue(revenueDef, 38.1, 'en-GB', written)).toBe('CNY 38.1 bn');
    // A value with no written text is keyed on the number itself.
    expect(formatValue(shareDef, 38.1, 'en-GB')).toBe('38.1%');
    expect(formatValue(shareDef, 38.15, 'en-GB')).toBe('38.2%');
  });
});

describe('formatDelta', () => {
  const d = (abs: number, unit: string, direction: MetricDelta['direction']): MetricDelta =>
    ({ abs, unit, rel: null, direction, sentiment: 'neutral', comparison: null });

  it.each([
    [d(2.3, 'pp', 'up'), 1, 'en-GB', '+2.3 pp'],
    [d(2.3, 'pp', 'up'), 1, 'de-DE', '+2,3 pp'],
    [d(-1.5, 'pp', 'down'), 1, 'en-GB', '\u22121.5 pp'],
    [d(-1.5, 'pp', 'down'), 1, 'de-DE', '\u22121,5 pp'],
    // The locale's own minus sign, U+2212 in Swedish.
    [d(-1.5, 'pp', 'down'), 1, 'sv-SE', '\u22121,5 pp'],
    [d(0, 'pp', 'flat'), 1, 'en-GB', '±0.0 pp'],
    [d(0, 'pp', 'flat'), 1, 'de-DE', '±0,0 pp'],
    [d(4.9, 'CNY bn', 'up'), 1, 'en-GB', '+CNY 4.9 bn'],
    [d(4.9, 'CNY bn', 'up'), 1, 'de-DE', '+CNY 4,9 bn'],
    [d(-1234.5, 'USD bn', 'down'), 1, 'en-GB', '\u2212USD 1,234.5 bn'],
    [d(0, 'CNY bn', 'flat'), 1, 'en-GB', '±CNY 0.0 bn'],
    [d(20, 'M downloads', 'up'), 0, 'en-GB', '+20 M downloads'],
    [d(2.3, 'pp', 'up'), 1, 'zh-CN', '+2.3 pp'],
  ])('%o at %i decimals in %s -> %s', (delta, decimals, locale, expected) => {
    expect(formatDelta(delta, decimals, locale)).toBe(expected);
  });
});

describe('formatRel', () => {
  it.each([
    [0.094595, 'en-GB', '+9.5%'],
    [0.094595, 'de-DE', `+9,5${NBSP}%`],
    [-0.5, 'en-GB', '\u221250.0%'],
    [1.486798, 'en-GB', '+148.7%'],
    [12.5, 'de-DE', `+1.250,0${NBSP}%`],
    [0, 'en-GB', '±0.0%'],
    [-0.0004, 'en-GB', '±0.0%'],
    [null, 'en-GB', ''],
  ])('%s in %s -> %s', (rel, locale, expected) => {
    expect(formatRel(rel, locale)).toBe(expected);
  });
});

describe('arrow', () => {
  it.each([
    ['up', '▲'],
    ['down', '▼'],
    ['flat', '▬'],
  ] as const)('%s -> %s', (direction, glyph) => {
    expect(arrow(direction)).toBe(glyph);
  });
});

describe('formatChange', () => {
  function row(def: MetricDef, previous: string | null, current: string | null): EditionMetric {
    const delta = previous !== null && current !== null ? metricDelta(def, current, previous) : null;
    return {
      ...def,
      value: current === null ? null : Number(current),
      valueText: current,
      period: null, basis: current === null ? null : 'actual', source: null, note: null,
      previous: previous === null ? null : { value: Number(previous), valueText: previous, date: '2025-01-06', period: null, basis: 'actual' },
      delta,
      status: current === null ? 'not-reported' : !delta ? 'new' : delta.direction === 'flat' ? 'unchanged' : 'changed',
    };
  }

  it.each([
    [row(shareDef, '35.8', '38.1'), 'en-GB', '▲ +2.3 pp'],
    [row(shareDef, '35.8', '38.1'), 'de-DE', '▲ +2,3 pp'],
    [row(shareDef, '38.1', '36.6'), 'en-GB', '▼ \u22121.5 pp'],
    // A flat share reads "unch.", never "±0.0 pp".
    [row(shareDef, '35.80', '35.84'), 'en-GB', '▬ unch.'],
    [row(revenueDef, '51.8', '56.7'), 'en-GB', '▲ +CNY 4.9 bn (+9.5%)'],
    [row(revenueDef, '51.8', '56.7'), 'de-DE', `▲ +CNY 4,9 bn (+9,5${NBSP}%)`],
    [row(revenueDef, '56.7', '51.8'), 'en-GB', '▼ \u2212CNY 4.9 bn (\u22128.6%)'],
    // Flat at the shown precision: no residual "+0.0%".
    [row(revenueDef, '100', '100.04'), 'en-GB', '▬ unch.'],
    // Up from zero: no relative change to show.
    [row(revenueDef, '0', '3.2'), 'en-GB', '▲ +CNY 3.2 bn'],
    [row(downloadsDef, '700', '720'), 'en-GB', '▲ +20 M downloads (+2.9%)'],
    [row(shareDef, null, '38.1'), 'en-GB', 'new'],
    [row(shareDef, '38.1', null), 'en-GB', 'not reported'],
  ])('%#: %s', (m, locale, expected) => {
    expect(formatChange(m, locale)).toBe(expected);
  });
});

describe('formatChange names what a change is compared with', () => {
  const prev = (valueText: string, period: string | null, date = '2025-01-06') =>
    ({ value: Number(valueText), valueText, date, period: period === null ? null : P(period), basis: 'actual' as const });
  function compared(def: MetricDef, before: ReturnType<typeof prev>, current: string, comparison: MetricDelta['comparison']): EditionMetric {
    const delta = metricDelta(def, current, before.valueText, comparison);
    return { ...def, value: Number(current), valueText: current, period: null, basis: 'actual', source: null, note: null, previous: before, delta, status: delta.direction === 'flat' ? 'unchanged' : 'changed' };
  }
  const when = (d: string) => (d === '2026-01-14' ? '14 Jan 2026' : d);

  it.each([
    [compared(revenueDef, prev('33.4', 'Q1 2025'), '40.08', 'year-on-year'), '▲ +CNY 6.7 bn (+20.0% YoY)'],
    [compared(revenueDef, prev('33.4', 'Q3 2025'), '33.9', 'previous-period'), '▲ +CNY 0.5 bn (+1.5% vs Q3 2025)'],
    [compared(shareDef, prev('35.8', 'H1 2025'), '38.1', 'previous-period'), '▲ +2.3 pp vs H1 2025'],
    [compared(shareDef, prev('35.8', 'Q1 2024'), '35.8', 'since'), '▬ unch. since Q1 2024'],
    [compared(downloadsDef, prev('700', null, '2026-01-14'), '950', 'since'), '▲ +250 M downloads (+35.7% since 14 Jan 2026)'],
  ])('%#: %s', (m, expected) => {
    expect(formatChange(m, 'en-GB', when)).toBe(expected);
  });

  it('a flow with no comparable period says so and names the last one reported', () => {
    const m: EditionMetric = { ...revenueDef, value: 39.8, valueText: '39.8', period: P('Q2 2026'), basis: 'actual', source: null, note: null, previous: prev('33.4', 'Q1 2025'), delta: null, status: 'not-comparable' };
    expect(formatChange(m, 'en-GB')).toBe('no comparable period (last reported Q1 2025: CNY 33.4 bn)');
  });
});

describe('formatter cache', () => {
  afterEach(() => vi.restoreAllMocks());

  it('builds formatters once per locale and options, not once per value', () => {
    const Original = Intl.NumberFormat;
    const spy = vi.spyOn(Intl, 'NumberFormat').mockImplementation(function (
      ...args: ConstructorParameters<typeof Intl.NumberFormat>
    ) {
      return new Original(...args);
    } as typeof Intl.NumberFormat);
    // A locale no other test uses, so the cache starts cold for it.
    const everything = (i: number) => {
      formatNumber(i - 100.5, 1, 'en-IE');
      formatValue(shareDef, i, 'en-IE', `${i}.25`);
      formatValue(revenueDef, -i, 'en-IE');
      formatDelta({ abs: i - 100, unit: 'pp', rel: null, direction: 'up', sentiment: 'positive', comparison: null }, 1, 'en-IE');
      formatRel(i / 1000, 'en-IE');
    };
    everything(1);
    const warm = spy.mock.calls.length;
    expect(warm).toBeGreaterThan(0);
    for (let i = 0; i < 200; i++) everything(i);
    expect(spy).toHaveBeenCalledTimes(warm);
    formatNumber(1, 3, 'en-IE');
    expect(spy).toHaveBeenCalledTimes(warm + 1);
  });
});
