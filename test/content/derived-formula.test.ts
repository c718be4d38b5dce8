import { describe, expect, it } from 'vitest';
import { loadingProblems } from '../support/audit.js';
import { METRICS_YML, brief } from '../support/fixtures.js';

/** A derived money metric of metrics.yml whose `derived:` line is the sixth of its entry, its formula from column 13. */
function derived(key: string, formula: string): string {
  return `${key}:\n  label: ${key}\n  kind: money\n  unit: CNY bn\n  decimals: 1\n  derived: "${formula}"\n  better: up\n`;
}

/** The problems loading a content folder with this metrics.yml gives, as file:line:col severity[code] message. */
function problems(metrics: string): Promise<string[]> {
  return loadingProblems({ '2025-01-06.md': brief('First', '  market: { value: 56.7, period: 2025, source: Omdia }') }, metrics);
}

// METRICS_YML holds share_a, market and price_index in 19 lines; the derived metrics follow from line 20, so the first one's `derived:` is line 25, its formula from column 13.
describe('derived formulas in metrics.yml', () => {
  it('a sound formula over defined keys loads', async () => {
    expect(await problems(`${METRICS_YML}${derived('market_a', 'market * share_a / 100')}`)).toEqual([]);
  });

  it('an unknown key: an error at the derived line and the key\'s column, suggesting the nearest key', async () => {
    expect(await problems(`${METRICS_YML}${derived('market_a', 'market * shar_a / 100')}`)).toEqual([
      'metrics.yml:25:22 error[BW_DERIVED_UNKNOWN_KEY] metric "market_a": derived formula names "shar_a", which metrics.yml does not define (did you mean "share_a"?)',
    ]);
  });

  it('a cycle: an error at the derived line of the first metric in it, naming the cycle', async () => {
    expect(await problems(`${METRICS_YML}${derived('x', 'y + market')}${derived('y', '2 * x')}`)).toEqual([
      'metrics.yml:25:12 error[BW_DERIVED_CYCLE] metric "x": derived formulas depend on each other in a cycle: x -> y -> x (One of them must be a reported metric, not derived.)',
    ]);
  });

  it('a division by a constant zero: an error at the derived line; a division by an input is not', async () => {
    expect(await problems(`${METRICS_YML}${derived('market_a', 'market / (2 - 2)')}${derived('market_b', 'market / (share_a - share_a)')}`)).toEqual([
      'metrics.yml:25:12 error[BW_DERIVED_DIVISION_BY_ZERO] metric "market_a": derived formula divides by a constant zero',
    ]);
  });

  it('a formula that does not parse: an error at the column where it goes wrong', async () => {
    expect(await problems(`${METRICS_YML}${derived('market_a', 'market * (share_a / 100')}`)).toEqual([
      'metrics.yml:25:36 error[BW_DERIVED_SYNTAX] metric "market_a": derived formula: expected ")", found the end of the formula (Write it like "alibaba_cloud_revenue * ai_share_of_cloud_revenue / 100".)',
    ]);
  });
});
