/**
 * End to end: build the sample content and hold every
 * out/editions/<date>/edition.json to the contract (read through its schema),
 * checking the numbers against the briefs themselves rather than against the
 * delta engine.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/pipeline/build.js';
import { loadContent } from '../../src/content/load.js';
import type { Content, MetricDef } from '../../src/model.js';
import { biggestMovers } from '../../src/compute/movers.js';
import { computeEditions } from '../../src/compute/editions.js';
import { builtEditionDir, builtEditionsDir, EDITION_JSON, editionJsonSchema, type EditionJson, type EditionMetricJson } from '../../src/render/out-layout.js';

let outDir: string;
let content: Content;
let dates: string[];
const editions = new Map<string, EditionJson>();

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'briefwire-edition-json-'));
  const report = await build({ contentDir: 'content', templatesDir: 'templates', outDir });
  if (!report.ok) throw new Error(`sample build failed:\n${report.problems.map((p) => `${p.file}:${p.line ?? ''} ${p.message}`).join('\n')}`);
  const loaded = await loadContent('content');
  if (!loaded.ok) throw new Error('sample content does not load');
  content = loaded.value;
  dates = (await readdir(builtEditionsDir(outDir))).sort();
  for (const date of dates) {
    // Read through the current contract's schema: a file that breaks it fails here.
    editions.set(date, editionJsonSchema.parse(JSON.parse(await readFile(path.join(builtEditionDir(outDir, date), EDITION_JSON), 'utf8'))));
  }
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

function edition(date: string): EditionJson {
  const e = editions.get(date);
  if (!e) throw new Error(`no edition.json for ${date}`);
  return e;
}

function metric(date: string, key: string): EditionMetricJson {
  const m = edition(date).metrics.find((x) => x.key === key);
  if (!m) throw new Error(`${date} has no metric ${key}`);
  return m;
}

function def(key: string): MetricDef {
  const d = content.metrics.find((x) => x.key === key);
  if (!d) throw new Error(`no metric ${key} in the registry`);
  return d;
}

describe('edition.json contract (sample content)', () => {
  it('one edition.json per brief, in date order', () => {
    expect(dates).toEqual(content.briefs.map((b) => b.date));
    expect(dates).toHaveLength(8);
  });

  it('date, number 1..n in date order, title and previousDate', () => {
    dates.forEach((date, i) => {
      const e = edition(date);
      expect(e.date).toBe(date);
      expect(e.number).toBe(i + 1);
      expect(e.title).toBe(content.briefs[i]!.title);
      expect(e.previousDate).toBe(i === 0 ? null : dates[i - 1]);
    });
  });

  it('every metric row has the contract fields with the right types', () => {
    const statuses = new Set(['new', 'no-new-data', 'revised', 'vs-forecast', 'not-comparable', 'changed', 'unchanged', 'not-reported']);
    for (const date of dates) {
      for (const m of edition(date).metrics) {
        const d = def(m.key);
        expect(m, `${date} ${m.key}`).toMatchObject({ key: d.key, label: d.label, kind: d.kind, unit: d.unit });
        for (const field of ['value', 'period', 'basis', 'source', 'previous', 'delta', 'status']) expect(m, `${date} ${m.key}`).toHaveProperty(field);
        expect(statuses.has(m.status), `${date} ${m.key} status ${m.status}`).toBe(true);
        if (m.period !== null) expect(Object.keys(m.period).sort()).toEqual(['end', 'label', 'length', 'start']);
        expect(m.basis === null).toBe(m.status === 'not-reported');
        if (m.previous !== null) expect(Object.keys(m.previous)).toEqual(expect.arrayContaining(['value', 'date', 'period', 'basis']));
        // No delta where nothing like-for-like is compared.
        if (['new', 'no-new-data', 'not-comparable', 'not-reported'].includes(m.status)) expect(m.delta, `${date} ${m.key}`).toBeNull();
        else expect(m.delta, `${date} ${m.key}`).not.toBeNull();
        if (m.delta !== null) {
          expect(Object.keys(m.delta).sort()).toEqual(['abs', 'comparison', 'direction', 'rel', 'sentiment', 'unit']);
          expect(m.delta.unit).toBe(d.kind === 'share' || d.kind === 'rate' ? 'pp' : d.unit);
          if (m.delta.unit === 'pp') expect(m.delta.rel).toBeNull();
        }
      }
    }
  });

  it('no comparison across a gap: a change is year on year or against the period just before, and says which', () => {
    let compared = 0;
    for (const date of dates) {
      for (const m of edition(date).metrics) {
        const d = def(m.key);
        if (m.status !== 'changed' && m.status !== 'unchanged') continue;
        compared++;
        const now = m.period!;
        const before = m.previous!.period!;
        expect(m.delta?.comparison, `${date} ${m.key}`).toMatch(/^(year-on-year|previous-period|since)$/);
        if (d.measure !== 'flow') continue;
        // A flow's change is against the same length of time, a year before or just before: never "since" across a gap.
        expect(before.length, `${date} ${m.key}`).toBe(now.length);
        const dayBefore = new Date(Date.parse(`${now.start}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
        if (m.delta!.comparison === 'year-on-year') expect(Number(now.start.slice(0, 4)) - Number(before.start.slice(0, 4))).toBe(1);
        else expect([m.delta!.comparison, before.end]).toEqual(['previous-period', dayBefore]);
      }
    }
    expect(compared).toBeGreaterThanOrEqual(2);
  });

  it('metrics are in registry order', () => {
    const order = content.metrics.map((d) => d.key);
    for (const date of dates) {
      const positions = edition(date).metrics.map((m) => order.indexOf(m.key));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect(positions, date).toEqual([...positions].sort((a, b) => a - b));
    }
  });

  it('version 3, and movers are the like-for-like changes ranked as in the email', () => {
    const computed = computeEditions(content);
    for (const [i, date] of dates.entries()) {
      const e = edition(date);
      expect(e.version).toBe(3);
      expect(e.movers, date).toEqual(biggestMovers(computed[i]!.metrics).map((m) => m.key));
      for (const key of e.movers) expect(metric(date, key).status).toBe('changed');
    }
    expect(edition('2026-01-26').movers).toEqual(['alibaba_ai_cloud_share']);
  });

  it('values, periods and sources agree with the briefs; not-reported rows follow the edition before', () => {
    dates.forEach((date, i) => {
      const brief = content.briefs[i]!;
      const rows = new Map(edition(date).metrics.map((m) => [m.key, m]));
      for (const bm of brief.metrics) {
        const row = rows.get(bm.key)!;
        expect(row, `${date} ${bm.key}`).toBeDefined();
        expect(row.value).toBe(Number(bm.value));
        expect(row.period).toEqual(bm.period ?? null);
        expect(row.basis).toBe(bm.basis);
        expect(row.source).toBe(bm.source ?? def(bm.key).source ?? null);
      }
      const previous = i > 0 ? content.briefs[i - 1]! : undefined;
      // A derived row counts as reported where the edition computed it.
      const computedBefore = i > 0 ? edition(dates[i - 1]!).metrics.filter((m) => m.derived !== undefined && m.status !== 'not-reported').map((m) => m.key) : [];
      for (const row of rows.values()) {
        const reported = brief.metrics.some((bm) => bm.key === row.key);
        if (row.derived !== undefined && row.status !== 'not-reported') {
          // Computed only where the brief reports one of its inputs, and said to be our calculation.
          expect(row.inputs!.some((input) => brief.metrics.some((bm) => bm.key === input.key)), `${date} ${row.key}`).toBe(true);
          expect(row.source).toMatch(/^our calculation: /);
        } else if (!reported) {
          expect(row.status, `${date} ${row.key}`).toBe('not-reported');
          expect(previous?.metrics.some((pm) => pm.key === row.key) || computedBefore.includes(row.key), `${date} ${row.key}`).toBe(true);
        }
      }
    });
  });

  it('2025-09-15: the 2025 market forecast after the 2024 actual is new, not a +148.7% move', () => {
    expect(metric('2025-09-15', 'china_ai_cloud_market')).toMatchObject({
      value: 51.8,
      period: { label: '2025 forecast', start: '2025-01-01', end: '2025-12-31', length: 'year' },
      basis: 'forecast',
      previous: null,
      delta: null,
      status: 'new',
    });
  });

  it('2025-10-13: the H1 2025 share repeated is no new data since the edition that first reported it', () => {
    for (const date of ['2025-10-13', '2025-12-01', '2026-01-19']) {
      expect(metric(date, 'alibaba_ai_cloud_share'), date).toMatchObject({
        value: 35.8,
        status: 'no-new-data',
        delta: null,
        previous: { value: 35.8, date: '2025-09-15', basis: 'actual', period: { label: 'H1 2025', start: '2025-01-01', end: '2025-06-30', length: 'half' } },
      });
    }
  });

  it('2026-01-19: Omdia\'s own growth forecast revises our calculation up from 148.7%', () => {
    expect(metric('2026-01-19', 'china_ai_cloud_growth')).toMatchObject({
      value: 149,
      status: 'revised',
      previous: { value: 148.7, date: '2025-09-15', basis: 'forecast' },
      delta: { abs: 0.3, unit: 'pp', rel: null, direction: 'up', sentiment: 'neutral' },
    });
  });

  it('2026-02-02: a yearly average of a three-year plan is not comparable with the plan', () => {
    expect(metric('2026-02-02', 'alibaba_ai_capex_commitment')).toMatchObject({
      value: 126.7,
      status: 'not-comparable',
      delta: null,
      period: { start: '2025-01-01', end: '2025-12-31', length: 'year' },
      previous: { value: 380, date: '2025-12-01', basis: 'forecast', period: { start: '2025-01-01', end: '2027-12-31', length: 'span' } },
    });
  });

  it('2026-01-26: Alibaba Cloud share 35.8% (H1 2025) -> 38.1% (2025) is +2.3 pp, up, good news', () => {
    expect(metric('2026-01-26', 'alibaba_ai_cloud_share')).toMatchObject({
      value: 38.1,
      period: { label: '2025', length: 'year' },
      source: 'Omdia',
      previous: { value: 35.8, date: '2026-01-19', period: { label: 'H1 2025' } },
      delta: { abs: 2.3, unit: 'pp', rel: null, direction: 'up', sentiment: 'positive' },
      status: 'changed',
    });
  });

  it('2026-01-26: China AI cloud market CNY 56.7 bn beats the forecast of 51.8 bn by 4.9 bn (+9.4595%)', () => {
    expect(metric('2026-01-26', 'china_ai_cloud_market')).toMatchObject({
      value: 56.7,
      period: { label: '2025' },
      basis: 'actual',
      previous: { value: 51.8, date: '2026-01-19', period: { label: '2025 forecast' }, basis: 'forecast' },
      delta: { abs: 4.9, unit: 'CNY bn', rel: 0.094595, direction: 'up', sentiment: 'positive' },
      status: 'vs-forecast',
    });
  });

  it('2026-01-26: Qwen downloads, reported the week before and not now, is a not-reported row', () => {
    expect(metric('2026-01-26', 'qwen_downloads')).toMatchObject({
      value: null,
      delta: null,
      status: 'not-reported',
      previous: { value: 700, date: '2026-01-19' },
    });
  });

  it('a metric skipped for several editions and repeated is no new data since its first report, and that date is named', () => {
    // china_ai_cloud_cagr: reported 2025-09-15, then again only on 2026-01-26.
    expect(metric('2026-01-26', 'china_ai_cloud_cagr')).toMatchObject({
      previous: { value: 26.8, date: '2025-09-15', basis: 'forecast' },
      delta: null,
      status: 'no-new-data',
    });
  });

  it('the subject template renders the delta: {{delta "alibaba_ai_cloud_share"}} -> +2.3 pp', () => {
    expect(edition('2026-01-26').subject).toBe("Omdia's full-year count: Alibaba Cloud share +2.3 pp vs H1 2025 — AI Cloud Weekly");
  });
});
