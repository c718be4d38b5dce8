import { describe, expect, it } from 'vitest';
import { loadingProblems } from '../support/audit.js';
import { METRICS_YML } from '../support/fixtures.js';

/** A brief projecting with `fields` (lines of the projection's entry, from line 6). */
function projecting(key: string, fields: string[]): string {
  return `---\ntitle: T\nmetrics:\n  market: { value: 56.7, period: 2025, source: Omdia }\nprojections:\n  ${key}:\n${fields.map((f) => `    ${f}`).join('\n')}\n---\nIntro.\n\n## Section\n\nText.\n`;
}

/** The problems loading one such brief gives, as file:line:col severity[code] message (hint). */
function problems(key: string, fields: string[]): Promise<string[]> {
  return loadingProblems({ '2026-02-09.md': projecting(key, fields) }, METRICS_YML);
}

describe("a brief's projections: what the loader rejects, at its line", () => {
  it('a complete projection loads', async () => {
    expect(await problems('market', ['method: growth', 'rate: { low: 10, base: 26.8 }', 'to: 2030', 'assumption: "Omdia\'s rate"'])).toEqual([]);
  });

  it('a projection without its assumption', async () => {
    const found = await problems('market', ['method: growth', 'rate: 26.8', 'to: 2030']);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^editions\/2026-02-09\.md:7:\d+ error\[\w+\] .*assumption/);
  });

  it('figures that do not fit the method, or several scenarios with none named base', async () => {
    expect(await problems('market', ['method: target', 'rate: 10', 'to: 2030', 'assumption: a'])).toEqual([
      expect.stringMatching(/^editions\/2026-02-09\.md:8:\d+ error\[BW_PROJECTION_SCENARIOS\] projection of "market": method "target" takes "value", not "rate"/),
    ]);
    expect(await problems('market', ['method: growth', 'rate: { low: 10, high: 40 }', 'to: 2030', 'assumption: a'])).toEqual([
      expect.stringMatching(/^editions\/2026-02-09\.md:8:\d+ error\[BW_PROJECTION_SCENARIOS\] projection of "market": several scenarios need one named "base" .*got low, high/),
    ]);
  });

  it('a metric metrics.yml does not define, with the nearest key; a horizon written as an estimate', async () => {
    expect(await problems('markt', ['method: growth', 'rate: 10', 'to: 2030', 'assumption: a'])).toEqual([
      expect.stringMatching(/^editions\/2026-02-09\.md:6:3 error\[BW_PROJECTION_UNKNOWN_METRIC\] projection of unknown metric "markt" \(did you mean "market"\?\)/),
    ]);
    expect(await problems('market', ['method: growth', 'rate: 10', 'to: 2030E', 'assumption: a'])).toEqual([
      expect.stringMatching(/^editions\/2026-02-09\.md:9:\d+ error\[BW_PROJECTION_PERIOD\] projection of "market": "to" takes a plain period: write 2030, not 2030E \(the E marks a source's forecast; a projection is our own\)/),
    ]);
  });
});
