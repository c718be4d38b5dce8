import { describe, expect, it } from 'vitest';
import { computeEditions } from '../../src/compute/editions.js';
import { editionView } from '../../src/render/view-model.js';
import type { Brief, Edition, MetricDef, Newsletter } from '../../src/model.js';
import { changedViews } from '../../src/preview/rerender.js';

const REVENUE: MetricDef = { key: 'revenue', label: 'Revenue', kind: 'money', unit: 'USD bn', decimals: 1, better: 'up', measure: 'flow' };
const NEWSLETTER: Newsletter = { name: 'Test Weekly', from: 'Test <t@example.com>', baseUrl: 'https://example.com', timezone: 'UTC', language: 'en-GB' };

/** One brief a week from 2025-01-06; `values[i]` undefined means the brief reports nothing. */
function briefs(values: readonly (number | undefined)[], drafts: readonly number[] = []): Brief[] {
  return values.map((v, i) => {
    const date = new Date(Date.UTC(2025, 0, 6 + 7 * i)).toISOString().slice(0, 10);
    return {
      file: `editions/${date}.md`,
      date,
      title: `Week ${i + 1}`,
      ...(drafts.includes(i) ? { draft: true } : {}),
      metrics: v === undefined ? [] : [{ key: 'revenue', value: String(v), basis: 'actual' as const }],
      body: `Body ${i + 1}.`,
      bodyLine: 5,
      placeholders: [],
    };
  });
}

function compute(b: Brief[]): Edition[] {
  return computeEditions({ metrics: [REVENUE], briefs: b });
}

/** The reference answer, by building every view: slow, but what "the rendered view changed" means. */
function changedByViews(previous: readonly Edition[], next: readonly Edition[]): string[] {
  const before = new Map(previous.map((e) => [e.date, JSON.stringify(editionView(e, NEWSLETTER))]));
  return next.filter((e) => before.get(e.date) !== JSON.stringify(editionView(e, NEWSLETTER))).map((e) => e.date);
}

function dates(set: Set<string>): string[] {
  return [...set].sort();
}

describe('changedViews', () => {
  it('is empty when nothing changed, also for separately computed equal editions', () => {
    const values = [30, 31, 32, 33];
    expect(dates(changedViews(compute(briefs(values)), compute(briefs(values))))).toEqual([]);
  });

  it('lists every edition at start and every new one', () => {
    const before = compute(briefs([30, 31]));
    const after = compute(briefs([30, 31, 32]));
    expect(dates(changedViews([], before))).toEqual(before.map((e) => e.date));
    expect(dates(changedViews(before, after))).toEqual([after[1]!.date, after[2]!.date]); // week 2 links to week 3 now
  });

  it('finds the editions whose trend window shows an edited value, and only those', () => {
    const values = Array.from({ length: 12 }, (_, i) => 30 + i);
    const before = compute(briefs(values));
    const after = compute(briefs([12, ...values.slice(1)]));
    const changed = dates(changedViews(before, after));
    expect(changed).toEqual(changedByViews(before, after));
    // Week 1 itself, and every edition whose last eight points reach back to it; not the four after.
    expect(changed).toHaveLength(8);
  });

  it('with a draft among the briefs: an edited value reaches every later trend that shows it', () => {
    // Week 2 is a draft: later editions never compare against it, but it must not hide their history either.
    const values = [30, 31, 32, 33, 34, 35];
    const before = compute(briefs(values, [1]));
    const after = compute(briefs([30, 31, 99, 33, 34, 35], [1]));
    const changed = dates(changedViews(before, after));
    expect(changed).toEqual(changedByViews(before, after));
    expect(changed).toEqual(after.slice(2).map((e) => e.date));
  });

  it("with a draft: editing the draft changes the draft only; publishing it changes what follows", () => {
    const values = [30, 31, 32, 33];
    const before = compute(briefs(values, [1]));
    const edited = compute(briefs([30, 77, 32, 33], [1]));
    expect(dates(changedViews(before, edited))).toEqual([before[1]!.date]);
    expect(dates(changedViews(before, edited))).toEqual(changedByViews(before, edited));

    // Week 1 now links to week 2, and weeks 3 and 4 compare against it. Week 2's email looks the same,
    // but its data changed (draft: false), so it is re-rendered too: a superset is safe, a subset is the stale-email bug.
    const published = compute(briefs(values));
    const changed = dates(changedViews(before, published));
    expect(changedByViews(before, published)).toEqual([published[0]!.date, published[2]!.date, published[3]!.date]);
    expect(changed).toEqual(published.map((e) => e.date));
  });

  it('a dropped figure changes the next edition ("not reported") and the trends after it', () => {
    const before = compute(briefs([30, 31, 32, 33]));
    const after = compute(briefs([30, undefined, 32, 33]));
    const changed = dates(changedViews(before, after));
    expect(changed).toEqual(changedByViews(before, after));
    expect(changed).toEqual(after.slice(1).map((e) => e.date));
  });
});
