import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../../src/util/bounded-memo.js';

describe('boundedMemo', () => {
  it('computes each key once, and again only after it was emptied at the limit', () => {
    const memo = boundedMemo<string>(3);
    const computed: string[] = [];
    const get = (key: string) => memo(key, () => (computed.push(key), key.toUpperCase()));
    expect([get('a'), get('b'), get('a'), get('c'), get('b')]).toEqual(['A', 'B', 'A', 'C', 'B']);
    expect(computed).toEqual(['a', 'b', 'c']);
    // A fourth key empties it: every key is computed afresh from then on.
    expect(get('d')).toBe('D');
    expect(get('a')).toBe('A');
    expect(computed).toEqual(['a', 'b', 'c', 'd', 'a']);
  });
});
