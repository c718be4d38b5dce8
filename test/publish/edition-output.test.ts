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
import { build } from '../../src/build.js';
import { loadContent } from '../../src/content/load.js';
import type { Brief, Content, MetricDef } from '../../src/model.js';
import { builtEditionDir, builtEditionsDir, EDITION_JSON, parseEditionJson, type EditionJson, type EditionMetricJson } from '../../src/render/out-layout.js';

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
    const parsed = parseEditionJson(await readFile(path.join(builtEditionDir(outDir, date), EDITION_JSON), 'utf8'));
    if (!parsed.ok) throw new Error(`${date}/edition.json breaks its schema: ${parsed.issues.join('; ')}`);
    editions.set(date, parsed.value);
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

/** The latest report of `key` in briefs dated before `date`, read straight from the content. */
function lastReport(key: string, date: string): { brief: Brief; value: string; period?: string } | undefined {
  let found: { brief: Brief; value: string; period?: string } | undefined;
  for (const brief of content.briefs) {
    if (brief.date >= date) break;
    const m = brief.metrics.find((x) => x.key === key);
    if (m) found = { brief, value: m.value, ...(m.period !== undefined ? { period: m.period } : {}) };
  }
  return found;
}

function def(key: string): MetricDef {
  const d = content.metrics.find((x) => x.key === key);
  if (!d) throw new Error(`no metric ${key} in the registry`);
  return d;
}

describe('edition.json contract (sample content)', () => {
  it('one edition.json per brief, in date order', () => {
    expect(dates).toEqual(content.briefs.map((b) => b.date));
    expect(dates).toHaveLength(6);
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
    const statuses = new Set(['new', 'changed', 'unchanged', 'not-reported']);
    for (const date of dates) {
      for (const m of edition(date).metrics) {
        const d = def(m.key);
        expect(m, `${date} ${m.key}`).toMatchObject({ key: d.key, label: d.label, kind: d.kind, unit: d.unit });
        for (const field of ['value', 'period', 'source', 'previous', 'delta', 'status']) expect(m, `${date} ${m.key}`).toHaveProperty(field);
        expect(statuses.has(m.status), `${date} ${m.key} status ${m.status}`).toBe(true);
        if (m.previous !== null) expect(Object.keys(m.previous)).toEqual(expect.arrayContaining(['value', 'date', 'period']));
        if (m.delta !== null) {
          expect(Object.keys(m.delta).sort()).toEqual(['abs', 'direction', 'rel', 'sentiment', 'unit']);
          expect(m.delta.unit).toBe(d.kind === 'share' || d.kind === 'rate' ? 'pp' : d.unit);
          if (m.delta.unit === 'pp') expect(m.delta.rel).toBeNull();
        }
      }
    }
  });

  it('metrics are in registry order', () => {
    const order = content.metrics.map((d) => d.key);
    for (const date of dates) {
      const positions = edition(date).metrics.map((m) => order.indexOf(m.key));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect(positions, date).toEqual([...positions].sort((a, b) => a - b));
    }
  });

  it('values, previous values and statuses agree with the briefs', () => {
    dates.forEach((date, i) => {
      const brief = content.briefs[i]!;
      const rows = new Map(edition(date).metrics.map((m) => [m.key, m]));
      // Every metric the brief reports is there with its value and period.
      for (const bm of brief.metrics) {
        const row = rows.get(bm.key)!;
        expect(row, `${date} ${bm.key}`).toBeDefined();
        expect(row.value).toBe(Number(bm.value));
        expect(row.period).toBe(bm.period ?? null);
        expect(row.source).toBe(bm.source ?? def(bm.key).source ?? null);
      }
      for (const row of rows.values()) {
        const reported = brief.metrics.find((bm) => bm.key === row.key);
        const before = lastReport(row.key, date);
        if (!reported) {
          // Not reported this edition: shown only when reported in the edition just before.
          expect(row.status, `${date} ${row.key}`).toBe('not-reported');
          expect(row.value).toBeNull();
          expect(row.delta).toBeNull();
          expect(before?.brief.date).toBe(edition(date).previousDate);
        }
        if (before) {
          expect(row.previous, `${date} ${row.key}`).toEqual({ value: Number(before.value), valueText: before.value, date: before.brief.date, period: before.period ?? null });
        } else {
          expect(row.previous).toBeNull();
          expect(row.status).toBe('new');
          expect(row.delta).toBeNull();
        }
        if (reported && before) {
          const abs = Number((Number(reported.value) - Number(before.value)).toFixed(def(row.key).decimals));
          expect(row.delta?.abs, `${date} ${row.key}`).toBeCloseTo(abs, 9);
          expect(row.delta?.direction).toBe(abs > 0 ? 'up' : abs < 0 ? 'down' : 'flat');
          expect(row.status).toBe(abs === 0 ? 'unchanged' : 'changed');
        }
      }
      // Rows the previous edition reported but this one does not are listed as not-reported.
      const previous = i > 0 ? content.briefs[i - 1]! : undefined;
      for (const pm of previous?.metrics ?? []) {
        if (!brief.metrics.some((bm) => bm.key === pm.key)) expect(rows.get(pm.key)?.status, `${date} ${pm.key}`).toBe('not-reported');
      }
    });
  });

  it('2026-01-26: Alibaba Cloud share 35.8% (H1 2025) -> 38.1% (FY2025) is +2.3 pp, up, good news', () => {
    expect(metric('2026-01-26', 'alibaba_ai_cloud_share')).toMatchObject({
      value: 38.1,
      period: 'FY2025',
      source: 'Omdia',
      previous: { value: 35.8, date: '2026-01-19', period: 'H1 2025' },
      delta: { abs: 2.3, unit: 'pp', rel: null, direction: 'up', sentiment: 'positive' },
      status: 'changed',
    });
  });

  it('2026-01-26: China AI cloud market CNY 51.8 bn -> 56.7 bn is +4.9 bn, +9.4595%', () => {
    expect(metric('2026-01-26', 'china_ai_cloud_market')).toMatchObject({
      value: 56.7,
      period: 'FY2025',
      previous: { value: 51.8, date: '2026-01-19', period: 'FY2025 forecast' },
      delta: { abs: 4.9, unit: 'CNY bn', rel: 0.094595, direction: 'up', sentiment: 'positive' },
      status: 'changed',
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

  it('a metric skipped for several editions is compared with its last report, and that date is named', () => {
    // china_ai_cloud_cagr: reported 2025-09-15, then again only on 2026-01-26.
    expect(metric('2026-01-26', 'china_ai_cloud_cagr')).toMatchObject({
      previous: { value: 26.8, date: '2025-09-15' },
      delta: { abs: 0, unit: 'pp', direction: 'flat', sentiment: 'neutral' },
      status: 'unchanged',
    });
  });

  it('the subject template renders the delta: {{delta "alibaba_ai_cloud_share"}} -> +2.3 pp', () => {
    expect(edition('2026-01-26').subject).toBe("Alibaba Cloud share +2.3 pp in Omdia's full-year count — AI Cloud Weekly");
  });
});
