import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jsonDigest } from '../../src/util/json-digest.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

class Point {
  constructor(
    readonly x: number,
    readonly label: string,
  ) {}
}

describe('jsonDigest', () => {
  it.each([
    ['null', null],
    ['a number', 38.1],
    ['a string with quotes, a newline and non-Latin text', 'He said "收入" —\n38.10%'],
    ['an empty array and object', [[], {}]],
    ['undefined members, which JSON leaves out', { a: 1, b: undefined, c: () => 1, d: 'x' }],
    ['undefined and function elements, which JSON writes as null', [1, undefined, () => 2, 'y']],
    ['a Date, a Map and a class instance, written as JSON writes them', { when: new Date(Date.UTC(2025, 8, 30)), map: new Map([['k', 1]]), point: new Point(3, 'p') }],
    ['nested plain data', { template: 'site/metric', context: { rows: [{ value: '38.10%', note: null, revised: [] }], charts: { wide: '<svg/>' }, flags: [true, false] } }],
  ])('is the SHA-256 of JSON.stringify for %s', (_, value) => {
    expect(jsonDigest(value)).toBe(sha256(JSON.stringify(value)));
  });

  it('is the SHA-256 of the JSON when the text runs to many chunks', () => {
    const points = Array.from({ length: 20_000 }, (_, i) => ({ date: `2025-01-${String((i % 28) + 1).padStart(2, '0')}`, value: i / 7, label: `Week ${i}`, svg: i % 1000 === 0 ? 'x'.repeat(100_000) : undefined }));
    const value = { template: 'site/metric', context: { points, total: points.length } };
    expect(jsonDigest(value)).toBe(sha256(JSON.stringify(value)));
  });

  it('tells apart values whose JSON differs', () => {
    expect(jsonDigest({ a: [1, 2] })).not.toBe(jsonDigest({ a: [1, 2, 3] }));
    expect(jsonDigest({ a: '1' })).not.toBe(jsonDigest({ a: 1 }));
  });
});
