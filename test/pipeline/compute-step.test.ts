import { beforeAll, expect, test } from 'vitest';
import type { Brief, Content } from '../../src/model.js';
import { loadContent } from '../../src/content/load.js';
import { auditContent } from '../../src/compute/audit.js';
import { computeEditions } from '../../src/compute/editions.js';
import { computeEditionMetrics } from '../../src/compute/edition-metrics.js';
import { computeStep, type ComputeRun } from '../../src/pipeline/compute-step.js';
import { SAMPLE_CONTENT } from '../support/fixtures.js';

let content: Content;
beforeAll(async () => {
  const loaded = await loadContent(SAMPLE_CONTENT, { includeDrafts: true });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  content = loaded.value;
  expect(content.briefs.length).toBeGreaterThanOrEqual(5);
});

/** The sample with brief i replaced by `change(brief)`. */
function withBrief(i: number, change: (b: Brief) => Brief): Content {
  return { ...content, briefs: content.briefs.map((b, j) => (j === i ? change(b) : b)) };
}

/** A copy of one metric value of brief i, multiplied. */
function scaled(i: number, factor: number): Content {
  return withBrief(i, (b) => ({ ...b, metrics: b.metrics.map((m, k) => (k === 0 ? { ...m, value: String(Number(m.value) * factor) } : m)) }));
}

/** What an incremental run must equal: the audit and compute of the content from scratch. */
function expectFresh(run: ComputeRun, of: Content): void {
  expect(run.editions).toEqual(computeEditions(of));
  expect(run.audit).toEqual(auditContent(of));
}

test('with no previous run it is the plain audit and compute', async () => {
  expectFresh(await computeStep(content), content);
});

test('a brief whose prose changed keeps every other edition object, the rows and the audit', async () => {
  const first = await computeStep(content);
  const last = content.briefs.length - 1;
  const retitled = withBrief(last, (b) => ({ ...b, title: 'A new title', body: `${b.body}\nOne more line.\n` }));
  const next = await computeStep(retitled, first);
  expectFresh(next, retitled);
  expect(next.metrics).toBe(first.metrics);
  expect(next.audit).toBe(first.audit);
  next.editions.forEach((e, i) => (i === last ? expect(e).not.toBe(first.editions[i]) : expect(e).toBe(first.editions[i])));
});

test('a changed figure recomputes the editions from that brief on, and keeps the earlier ones', async () => {
  const first = await computeStep(content);
  const k = 2;
  const changed = scaled(k, 3);
  const next = await computeStep(changed, first);
  expectFresh(next, changed);
  expect(next.audit).not.toBe(first.audit);
  for (let i = 0; i < k; i++) expect(next.editions[i]).toBe(first.editions[i]);
  expect(next.editions[k]).not.toBe(first.editions[k]);
  // Changed back: equal to the first run again.
  expectFresh(await computeStep(content, next), content);
});

test('adding and removing a brief at the end gives the last edition its whole history again', async () => {
  const shorter = { ...content, briefs: content.briefs.slice(0, -1) };
  const first = await computeStep(shorter);
  const grown = await computeStep(content, first);
  expectFresh(grown, content);
  expectFresh(await computeStep(shorter, grown), shorter);
});

test('a changed registry recomputes everything', async () => {
  const first = await computeStep(content);
  const registry = content.metrics.map((d, i) => (i === 0 ? { ...d, decimals: d.decimals + 1 } : d));
  const changed = { ...content, metrics: registry };
  const next = await computeStep(changed, first);
  expectFresh(next, changed);
  expect(next.metrics).not.toBe(first.metrics);
});

// The step keeps the rows when no brief's numbersKey changed: that is safe while the rows read nothing else of a brief.
test('the rows read no prose: other titles, subjects, summaries, bodies and slugs give the same rows', () => {
  const reworded = content.briefs.map((b, i) => ({ ...b, title: `Other ${i}`, subject: `S ${i}`, subjectLine: 9, preheader: 'P', summary: 'Other', slug: `o-${i}`, body: '# Other\n', bodyLine: 42 }));
  expect(computeEditionMetrics(content.metrics, reworded)).toEqual(computeEditionMetrics(content.metrics, content.briefs));
});
