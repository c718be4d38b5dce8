import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadContent } from '../../src/content/load.js';
import { formatProblem } from '../../src/problems.js';
import { brief, makeContent, METRICS_YML, NEWSLETTER_YML } from '../support/fixtures.js';
import { P } from '../support/observations.js';

async function load(briefs: Record<string, string>, files: { newsletter?: string; metrics?: string } = {}) {
  const dir = await makeContent(briefs, files);
  return { dir, result: await loadContent(dir) };
}

describe('observations in a brief', () => {
  it('reads value, period, basis, label, source and note; the E suffix makes a forecast', async () => {
    const { result } = await load({
      '2025-01-06.md': brief(
        'T',
        [
          '  share_a: { value: 35.8, period: H1 2025, label: first half of 2025, source: Omdia }',
          '  market: { value: 51.8, period: FY2025E }',
          '  price_index: { value: 104, period: 2025-09, basis: forecast, note: guidance }',
        ].join('\n'),
      ),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [share, market, price] = result.value.briefs[0]!.metrics;
    expect(share).toMatchObject({ basis: 'actual', periodText: 'H1 2025', period: { ...P('H1 2025'), label: 'first half of 2025' }, source: 'Omdia' });
    expect(market).toMatchObject({ basis: 'forecast', period: P('FY2025E') });
    expect(price).toMatchObject({ basis: 'forecast', period: P('2025-09'), note: 'guidance' });
  });

  it('a decimal comma gets its own answer at the value, in the long form and the short one; a quarter Q5 gets "quarters are Q1 to Q4"', async () => {
    const { dir, result } = await load({
      '2025-01-06.md': brief('T', ['  market: { value: 12,5, period: Q1 2025 }', '  share_a: 35,8', '  price_index: { value: 104, period: Q5 2025 }'].join('\n')),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.problems.map((p) => formatProblem({ ...p, file: path.relative(dir, p.file) }).split('\n')[0]);
    expect(lines).toEqual([
      'editions/2025-01-06.md:4:20: error[BW_DECIMAL_COMMA]: 12,5: write a decimal point, 12.5',
      'editions/2025-01-06.md:5:12: error[BW_DECIMAL_COMMA]: 35,8: write a decimal point, 35.8',
      expect.stringContaining('period "Q5 2025" has no quarter Q5 (quarters are Q1 to Q4)'),
    ]);
    expect(lines.join('\n')).not.toMatch(/did you mean "2025"|unknown field/);
  });

  it('a bare number is an actual at the edition date', async () => {
    const { result } = await load({ '2025-01-06.md': brief('T', '  market: 51.8') });
    expect(result.ok && result.value.briefs[0]!.metrics[0]).toEqual({ key: 'market', value: '51.8', basis: 'actual', line: 4, column: 11 });
  });

  it('fiscal years end at newsletter.yml fiscalYearEnd, or the metric\'s own', async () => {
    const metrics = `${METRICS_YML}  fiscalYearEnd: "06-30"\n`; // appended to price_index
    const { result } = await load(
      { '2025-01-06.md': brief('T', '  market: { value: 1, period: Q3 FY2026 }\n  price_index: { value: 2, period: FY2025 }') },
      { newsletter: `${NEWSLETTER_YML}fiscalYearEnd: "03-31"\n`, metrics },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [market, price] = result.value.briefs[0]!.metrics;
    expect(market!.period).toMatchObject({ start: '2025-10-01', end: '2025-12-31', length: 'quarter' });
    expect(price!.period).toMatchObject({ start: '2024-07-01', end: '2025-06-30', length: 'year' });
  });

  it('measure comes from metrics.yml, else from the kind', async () => {
    const metrics = METRICS_YML.replace('price_index:\n', 'price_index:\n  measure: stock\n');
    const { result } = await load({ '2025-01-06.md': brief('T', '  market: 1') }, { metrics });
    expect(result.ok && result.value.metrics.map((m) => [m.key, m.measure])).toEqual([
      ['share_a', 'ratio'],
      ['market', 'flow'],
      ['price_index', 'stock'],
    ]);
  });

  it('reports every bad period, basis and label at once, with file, line and a suggestion', async () => {
    const { dir, result } = await load({
      '2025-01-06.md': brief(
        'T',
        [
          '  share_a: { value: 35.8, period: Quarter to June 2025 }',
          '  market: { value: 51.8, period: FY2025E, basis: actual }',
          '  price_index: { value: 3, label: this year }',
        ].join('\n'),
      ),
      '2025-01-13.md': brief('U', '  market: { value: 1, period: 2025, basis: guess }'),
    }, { newsletter: `${NEWSLETTER_YML}fiscalYearEnd: "02-30"\n` });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const found = result.problems.map((p) => ({ code: p.code, file: path.relative(dir, p.file), line: p.line, hint: p.hint }));
    expect(found).toEqual([
      { code: 'BW_PERIOD_INVALID', file: 'editions/2025-01-06.md', line: 4, hint: 'did you mean "Q2 2025"? Free wording belongs in "label".' },
      { code: 'BW_PERIOD_BASIS_CONFLICT', file: 'editions/2025-01-06.md', line: 5, hint: expect.any(String) },
      { code: 'BW_PERIOD_LABEL_ALONE', file: 'editions/2025-01-06.md', line: 6, hint: expect.any(String) },
      { code: 'BW_FIELD_INVALID', file: 'editions/2025-01-13.md', line: 4, hint: undefined },
      { code: 'BW_FIELD_INVALID', file: 'newsletter.yml', line: 10, hint: undefined },
    ]);
    // The message names the grammar, so the analyst sees every form at once.
    expect(formatProblem(result.problems[0]!)).toContain('period "Quarter to June 2025" is not in the period grammar: 2025, FY2025, H1 2025, H2 FY2025, Q3 2025');
  });
});
