import { describe, expect, test } from 'vitest';
import { ISO_DATE_PATTERN, isIsoDate, isoDateText } from '../../src/util/iso-date.js';
import { BRIEF_FILE_NAME } from '../../src/content/brief.js';

describe('ISO dates', () => {
  test.each([
    ['2026-02-02', true],
    ['2024-02-29', true],
    ['2025-02-29', false], // not a leap year
    ['2025-13-01', false],
    ['2025-1-06', false],
    ['2025-01-06 ', false],
    ['x2025-01-06', false],
    ['20250106', false],
    ['', false],
  ])('isIsoDate(%j) is %s', (text, valid) => {
    expect(isIsoDate(text)).toBe(valid);
  });

  test('the pattern embeds in larger patterns without anchors or groups of its own', () => {
    const m = new RegExp(`^<(${ISO_DATE_PATTERN})\\.`).exec('<2026-02-02.abc@example');
    expect(m?.[1]).toBe('2026-02-02');
    expect(BRIEF_FILE_NAME.exec('2026-02-02-alibaba.md')?.slice(1)).toEqual(['2026-02-02', 'alibaba']);
    expect(BRIEF_FILE_NAME.test('2026-2-02.md')).toBe(false);
  });

  test('a date YAML handed over as a Date reads back as the day written', () => {
    expect(isoDateText(new Date(Date.UTC(2025, 8, 30)))).toBe('2025-09-30');
    expect(isoDateText('2025-09-30')).toBe('2025-09-30');
    expect(isoDateText(2025)).toBe('2025');
  });
});
