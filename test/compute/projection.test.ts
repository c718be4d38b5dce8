import { describe, expect, it } from 'vitest';
import type { BriefProjection, Period } from '../../src/model.js';
import { parsePeriod } from '../../src/content/period.js';
import { projectMetric } from '../../src/compute/projection.js';

const period = (text: string, fye?: string): Period => parsePeriod(text, fye).parsed!.period;
const money = { label: 'Market', kind: 'money' as const, unit: 'CNY bn', decimals: 1 };
const share = { label: 'Share', kind: 'rate' as const, unit: '%', decimals: 0 };

function spec(over: Partial<BriefProjection>): BriefProjection {
  return { key: 'm', method: 'growth', scenarios: [{ name: 'base', rate: '10' }], to: period('2027'), assumption: 'a', line: 1, column: 1, toLine: 2, toColumn: 3, ...over };
}

function values(r: ReturnType<typeof projectMetric>, scenario = 0): [string, string][] {
  if (!('projection' in r)) throw new Error(r.fault.detail);
  return r.projection.scenarios[scenario]!.points.map((p) => [p.period.label, p.valueText]);
}

describe('projections against hand-worked values', () => {
  it('growth by years: 56.7 at 26.8% a year is 71.8956 and then 91.1636208', () => {
    const r = projectMetric(money, spec({ scenarios: [{ name: 'base', rate: '26.8' }] }), { period: period('2025'), value: '56.7', basis: 'actual', date: '2026-01-26' });
    expect(values(r)).toEqual([
      ['2026', '71.8956000000'],
      ['2027', '91.1636208000'],
    ]);
  });

  it('linear by quarters from a fiscal quarter: + rate x n/4 years, named like the horizon', () => {
    const r = projectMetric(share, spec({ method: 'linear', scenarios: [{ name: 'base', rate: '8' }], to: period('Q2 2026') }), { period: period('Q2 FY2026', '03-31'), value: '30', basis: 'actual', date: '2025-12-01' });
    expect(values(r)).toEqual([
      ['Q4 2025', '32.0000000000'],
      ['Q1 2026', '34.0000000000'],
      ['Q2 2026', '36.0000000000'],
    ]);
  });

  it("target: the implied rate (121/100)^(1/2) - 1 = 10%, and growth at it by quarters (100 x 1.1^0.5 at half a year)", () => {
    const r = projectMetric(money, spec({ method: 'target', scenarios: [{ name: 'base', value: '121' }], to: period('Q4 2027') }), { period: period('Q4 2025'), value: '100', basis: 'actual', date: '2026-01-05' });
    if (!('projection' in r)) throw new Error(r.fault.detail);
    const s = r.projection.scenarios[0]!;
    expect(s.rate).toBe(10);
    expect(s.points[1]).toMatchObject({ period: { label: 'Q2 2026' }, valueText: '104.8808848170' });
    expect(s.points.at(-1)).toMatchObject({ period: { label: 'Q4 2027' }, valueText: '121.0000000000' });
  });

  it('cap and reaches: each scenario stops at the cap, reaches it at its own period, or not within the horizon', () => {
    const r = projectMetric(
      share,
      spec({ method: 'linear', scenarios: [{ name: 'low', rate: '5' }, { name: 'base', rate: '8' }, { name: 'high', rate: '12' }], to: period('Q4 2035'), cap: '100', reaches: '100' }),
      { period: period('Q2 FY2026', '03-31'), value: '30', basis: 'actual', date: '2025-12-01' },
    );
    if (!('projection' in r)) throw new Error(r.fault.detail);
    const [low, base, high] = r.projection.scenarios;
    // 70 points at 8 a year: 8.75 years, 35 quarters after the quarter to September 2025.
    expect(base!.reaches).toMatchObject({ period: { label: 'Q2 2034' }, value: 100 });
    // At 12: 5.83 years, so the first whole quarter past it is 24 quarters on.
    expect(high!.reaches).toMatchObject({ period: { label: 'Q3 2031' }, value: 100 });
    expect(low!.reaches).toBeNull();
    expect(low!.points.at(-1)!.valueText).toBe('81.2500000000');
    expect(Math.max(...high!.points.map((p) => p.value))).toBe(100);
  });

  it('growth by months and by halves: t is n/12 and n/2 years', () => {
    const months = projectMetric(money, spec({ scenarios: [{ name: 'base', rate: '12' }], to: period('2026-03') }), { period: period('2025-12'), value: '100', basis: 'actual', date: '2026-01-05' });
    // 100 x 1.12^(1/12), ^(2/12), ^(3/12).
    expect(values(months)).toEqual([
      ['2026-01', '100.9488792935'],
      ['2026-02', '101.9067623061'],
      ['2026-03', '102.8737344722'],
    ]);
    const halves = projectMetric(money, spec({ scenarios: [{ name: 'base', rate: '21' }], to: period('H2 2026') }), { period: period('H2 2025'), value: '100', basis: 'actual', date: '2026-01-05' });
    expect(values(halves)).toEqual([
      ['H1 2026', '110.0000000000'],
      ['H2 2026', '121.0000000000'],
    ]);
  });

  it('reaches in the direction of the rate: a falling share reaches a lower value; a value the base is already past is reached by no point', () => {
    const base = { period: period('2025'), value: '30', basis: 'actual' as const, date: '2026-01-26' };
    const falling = (reaches: string) => projectMetric(share, spec({ method: 'linear', scenarios: [{ name: 'base', rate: '-5' }], to: period('2030'), reaches }), base);
    const down = falling('12');
    if (!('projection' in down)) throw new Error(down.fault.detail);
    // 25, 20, 15, 10: the first at or below 12 is 2029, at the value that point has.
    expect(down.projection.scenarios[0]!.reaches).toMatchObject({ period: { label: '2029' }, value: 10 });
    // 25 is below 40, but falling from 30 the share never gets to 40.
    const up = falling('40');
    if (!('projection' in up)) throw new Error(up.fault.detail);
    expect(up.projection.scenarios[0]!.reaches).toBeNull();
    // Likewise rising from 30: 35 is past 20, but 20 lies behind the base.
    const rising = projectMetric(share, spec({ method: 'linear', scenarios: [{ name: 'base', rate: '5' }], to: period('2030'), reaches: '20' }), base);
    if (!('projection' in rising)) throw new Error(rising.fault.detail);
    expect(rising.projection.scenarios[0]!.reaches).toBeNull();
  });

  it('a horizon of another length than the base, or not after it, is a fault at "to"', () => {
    const base = { period: period('2025'), value: '56.7', basis: 'actual' as const, date: '2026-01-26' };
    const other = projectMetric(money, spec({ to: period('Q4 2030') }), base);
    expect(other).toEqual({ fault: { kind: 'horizon', detail: expect.stringMatching(/"to" Q4 2030 is a quarter, but the base 2025 is a year/) } });
    const before = projectMetric(money, spec({ to: period('2024') }), base);
    expect(before).toEqual({ fault: { kind: 'horizon', detail: expect.stringMatching(/does not end after the base/) } });
  });
});
