import { describe, expect, it } from 'vitest';
import { isFiscalYearEnd } from '../../src/content-contract.js';
import { parsePeriod, suggestPeriod } from '../../src/content/period.js';

describe('parsePeriod: every form of the grammar', () => {
  it.each([
    ['2025', undefined, '2025-01-01', '2025-12-31', 'year', false],
    ['FY2025', undefined, '2025-01-01', '2025-12-31', 'year', false],
    ['FY2026', '03-31', '2025-04-01', '2026-03-31', 'year', false],
    ['FY2025', '06-30', '2024-07-01', '2025-06-30', 'year', false],
    // A calendar year ignores the fiscal year end.
    ['2026', '03-31', '2026-01-01', '2026-12-31', 'year', false],
    ['H1 2025', undefined, '2025-01-01', '2025-06-30', 'half', false],
    ['H2 2025', undefined, '2025-07-01', '2025-12-31', 'half', false],
    ['H2 FY2025', '03-31', '2024-10-01', '2025-03-31', 'half', false],
    ['Q3 2025', undefined, '2025-07-01', '2025-09-30', 'quarter', false],
    ['Q3 FY2026', '03-31', '2025-10-01', '2025-12-31', 'quarter', false],
    ['Q1 FY2026', '03-31', '2025-04-01', '2025-06-30', 'quarter', false],
    ['2025-09', undefined, '2025-09-01', '2025-09-30', 'month', false],
    ['2024-02', undefined, '2024-02-01', '2024-02-29', 'month', false],
    ['2025-09-30', undefined, '2025-09-30', '2025-09-30', 'day', false],
    ['2025-2030', undefined, '2025-01-01', '2030-12-31', 'span', false],
    // The E suffix: a forecast.
    ['2025E', undefined, '2025-01-01', '2025-12-31', 'year', true],
    ['FY2025E', '03-31', '2024-04-01', '2025-03-31', 'year', true],
    ['2025-2030E', undefined, '2025-01-01', '2030-12-31', 'span', true],
    ['H2 2026E', undefined, '2026-07-01', '2026-12-31', 'half', true],
    ['Q4 FY2026E', '03-31', '2026-01-01', '2026-03-31', 'quarter', true],
    // Extra spaces are tolerated and normalised.
    ['  Q3   2025 ', undefined, '2025-07-01', '2025-09-30', 'quarter', false],
  ])('%s (year end %s) -> %s..%s %s, estimate %s', (text, fye, start, end, length, estimate) => {
    const r = parsePeriod(text, fye);
    expect(r.error).toBeUndefined();
    const written = text.trim().replace(/\s+/g, ' ');
    const label = estimate ? `${written.slice(0, -1)} forecast` : written;
    expect(r.parsed).toEqual({ period: { label, start, end, length }, estimate });
  });
});

describe('parsePeriod: errors name the grammar and suggest a form', () => {
  it.each([
    ['Quarter to June 2025', 'Q2 2025'],
    ['FY2025 forecast', 'FY2025E'],
    ['2026 projection', '2026E'],
    ['2025-2030 forecast', '2025-2030E'],
    ['1H 2025', 'H1 2025'],
    ['first half of 2025', 'H1 2025'],
    ['3Q 2025', 'Q3 2025'],
    ['September 2025', '2025-09'],
    ['FY 2026', 'FY2026'],
    ['Mid-January 2026', '2026-01'],
  ])('"%s" -> suggests "%s"', (text, suggestion) => {
    const r = parsePeriod(text);
    expect(r.parsed).toBeUndefined();
    expect(r.error).toContain(`period "${text}" is not in the period grammar: 2025, FY2025, H1 2025`);
    expect(r.suggestion).toBe(suggestion);
  });

  it('no suggestion when there is no year to go on', () => {
    const r = parsePeriod('Three-year plan');
    expect(r.error).toContain('is not in the period grammar');
    expect(r.suggestion).toBeUndefined();
  });

  it.each([
    ['Q5 2025', 'period "Q5 2025" has no quarter Q5 (quarters are Q1 to Q4)'],
    ['Q0 FY2026', 'quarters are Q1 to Q4'],
    ['H3 2025', 'period "H3 2025" has no half H3 (halves are H1 and H2)'],
    ['2025-13', 'has no month 13'],
    ['2025-02-30', 'is not a real calendar date'],
    ['2030-2025', 'must run forward'],
    ['2025-2025', 'must run forward'],
  ])('%s: %s', (text, message) => {
    expect(parsePeriod(text).error).toContain(message);
    // An impossible quarter is never "corrected" into a year.
    expect(parsePeriod(text).suggestion).toBeUndefined();
  });
});

describe('fiscal year end', () => {
  it.each([['12-31', true], ['03-31', true], ['06-30', true], ['02-29', false], ['13-01', false], ['3-31', false], ['04-31', false]])('%s valid: %s', (text, valid) => {
    expect(isFiscalYearEnd(text)).toBe(valid);
  });
});

describe('parsePeriod: parsed once per text', () => {
  it('hands every caller its own period, so changing one changes no later parse', () => {
    const first = parsePeriod('Q3 2025').parsed!;
    first.period.label = 'changed by a caller';
    first.period.end = '1999-01-01';
    expect(parsePeriod('Q3 2025').parsed!.period).toEqual({ label: 'Q3 2025', start: '2025-07-01', end: '2025-09-30', length: 'quarter' });
  });

  it('keys on the fiscal-year end as well as the text', () => {
    expect(parsePeriod('FY2025', '03-31').parsed!.period.end).toBe('2025-03-31');
    expect(parsePeriod('FY2025', '12-31').parsed!.period.end).toBe('2025-12-31');
  });
});

describe('suggestPeriod', () => {
  it('keeps FY with a two-digit year', () => {
    expect(suggestPeriod("Q3 FY'26")).toBe('Q3 FY2026');
  });
});
