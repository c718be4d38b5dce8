import { describe, expect, it } from 'vitest';
import type { BriefMetric, BriefProjection, MetricDef } from '../../src/model.js';
import { parsePeriod } from '../../src/content/period.js';
import { parseFormula } from '../../src/content/derived-expression.js';
import { computeEditionMetrics } from '../../src/compute/edition-metrics.js';

const p = (t: string) => parsePeriod(t).parsed!.period;
const def = (key: string, over: Partial<MetricDef> = {}): MetricDef => ({ key, label: key, kind: 'money', unit: 'CNY bn', decimals: 1, better: 'up', measure: 'flow', ...over });
const obs = (key: string, value: string, period: string, basis: 'actual' | 'forecast' = 'actual'): BriefMetric => ({ key, value, period: p(period), periodText: period, basis });
const derived = def('ai', { derived: 'rev * share / 100', formula: (parseFormula('rev * share / 100') as { formula: NonNullable<MetricDef['formula']> }).formula });
const registry = [def('rev'), def('share', { kind: 'rate', unit: '%', measure: 'ratio', decimals: 0 }), derived];

describe('derived metrics', () => {
  it('inputs from two editions; a mismatched period gives no value and a warning; a zero divisor likewise', () => {
    const r = computeEditionMetrics(registry, [
      { file: 'a.md', date: '2025-01-06', metrics: [obs('rev', '33.4', 'Q1 2025')] },
      { file: 'b.md', date: '2025-01-13', metrics: [obs('share', '30', 'Q1 2025')] },
      { file: 'c.md', date: '2025-01-20', metrics: [obs('share', '31', 'Q2 2025')] },
    ]);
    expect(r[0]!.metrics.find((m) => m.key === 'ai')).toBeUndefined();
    expect(r[0]!.problems.map((x) => x.code)).toEqual(['BW_DERIVED_NO_VALUE']);
    const ai = r[1]!.metrics.find((m) => m.key === 'ai')!;
    expect(ai).toMatchObject({ valueText: '10.02', derived: 'rev * share / 100', source: 'our calculation: rev × share ÷ 100' });
    expect(ai.inputs!.map((i) => [i.key, i.value, i.period!.label])).toEqual([['rev', 33.4, 'Q1 2025'], ['share', 30, 'Q1 2025']]);
    expect(r[2]!.problems[0]!.message).toMatch(/share for Q2 2025, actual is reported, but rev has no observation/);
  });
});

describe('vs-projection', () => {
  const projection: BriefProjection = { key: 'rev', method: 'growth', scenarios: [{ name: 'base', rate: '10' }], to: p('2027'), assumption: 'a', line: 1, column: 1, toLine: 1, toColumn: 1 };
  it('a later actual for a projected period is set against the base scenario; a sourced forecast wins', () => {
    const r = computeEditionMetrics([def('rev')], [
      { file: 'a.md', date: '2025-01-06', metrics: [obs('rev', '100', '2025')], projections: [projection] },
      { file: 'b.md', date: '2026-01-05', metrics: [obs('rev', '115', '2026')] },
      { file: 'c.md', date: '2026-02-02', metrics: [obs('rev', '120', '2027E', 'forecast')] },
      { file: 'd.md', date: '2027-01-04', metrics: [obs('rev', '125', '2027')] },
    ]);
    const b = r[1]!.metrics[0]!;
    expect(b.status).toBe('vs-projection');
    expect(b.previous).toMatchObject({ basis: 'projection', valueText: '110.0000000000', date: '2025-01-06' });
    expect(b.delta).toMatchObject({ abs: 5, direction: 'up' });
    expect(r[3]!.metrics[0]!.status).toBe('vs-forecast');
  });
});
