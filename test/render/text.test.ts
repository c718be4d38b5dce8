import { describe, expect, it } from 'vitest';
import { wrapWords } from '../../src/render/text.js';

const columns = (line: string) => [...line].length;

describe('wrapWords', () => {
  it('fills each line up to the width, counting columns as code points', () => {
    const words = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? '𝟙𝟚𝟛' : 'word'));
    const lines = wrapWords(words.join(' '), 20);
    expect(lines.join(' ')).toBe(words.join(' '));
    for (const line of lines) expect(columns(line)).toBeLessThanOrEqual(20);
    // Greedy: no line could have taken the next line's first word.
    for (let i = 0; i < lines.length - 1; i++) expect(columns(lines[i]!) + 1 + columns(lines[i + 1]!.split(' ')[0]!)).toBeGreaterThan(20);
    // Astral characters count once each (UTF-16 would count them twice and wrap early).
    expect(wrapWords('𝟙𝟚𝟛𝟜𝟝 ab', 8)).toEqual(['𝟙𝟚𝟛𝟜𝟝 ab']);
  });

  it('keeps a word longer than the width whole, on a line of its own', () => {
    const url = 'https://example.com/a/very/long/path/that/must/not/break';
    expect(wrapWords(`See ${url} for more`, 20)).toEqual(['See', url, 'for more']);
  });
});
