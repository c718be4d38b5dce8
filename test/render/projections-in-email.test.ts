import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'node-html-parser';
import { renderAll, type RenderedSite } from '../../src/pipeline/build.js';
import { makeContent, renderSample, SAMPLE_TEMPLATES } from '../support/fixtures.js';

const squash = (s: string) => s.replace(/[\s\u00a0]+/g, ' ').trim();

describe('the Projections block of the text part', () => {
  let html: string;
  let text: string;
  beforeAll(async () => {
    const e = (await renderSample()).rendered.find((x) => x.edition.date === '2026-02-09')!;
    html = e.email.html;
    text = e.email.text;
  });

  it('carries the same table as the HTML: each period with every scenario, the base case marked *like this*', () => {
    const tables = parse(html).querySelectorAll('table.bw-projection');
    expect(tables).toHaveLength(2);
    const lines = text.split('\n');
    for (const table of tables) {
      const [header, ...rows] = table.querySelectorAll('tr').map((tr) => tr.querySelectorAll('th, td').map((c) => squash(c.textContent)));
      const baseColumn = header!.findIndex((h) => h.startsWith('base'));
      expect(baseColumn).toBe(2);
      for (const row of rows) {
        const want = row.map((cell, i) => (i === baseColumn ? `*${cell}*` : cell));
        const line = lines.find((l) => l.startsWith(`${row[0]} `));
        expect(line, row[0]).toBeDefined();
        expect(line!.trim().split(/ {2,}/), row[0]).toEqual(want);
      }
    }
  });

  it('says the range, the assumption, the method and when each scenario reaches the value, as the HTML does', () => {
    const flat = squash(text);
    const doc = parse(html);
    const said = [...doc.querySelectorAll('table.bw-projection')].flatMap((t) => {
      const out: string[] = [];
      for (let el = t.nextElementSibling; el && el.tagName === 'P'; el = el.nextElementSibling) out.push(squash(el.textContent));
      const range = t.previousElementSibling!;
      return [squash(range.textContent).replace(/base case (\S+ \S+ \S+|\S+)\./, (_, v: string) => `base case *${v}*.`), ...out];
    });
    expect(said).toHaveLength(2 * 3 + 1);
    for (const s of said) expect(flat).toContain(s.replace(/&#x27;/g, "'"));
    expect(flat).toContain('At 8 pp a year, AI-related share of Alibaba Cloud revenue would reach 100% by Q2 2034; at 5 pp, not by Q4 2035; at 12 pp, by Q3 2031.');
  });
});

describe('{{projection}} and {{reaches}} in the body and the subject', () => {
  const METRICS = `share_a:\n  label: Share A\n  kind: share\n  unit: "%"\n  decimals: 1\n  better: up\n  source: Omdia\n`;
  const projected = (subject: string, body: string, rate = '{ low: 5, base: 10 }', reaches = 60) => `---
title: Projected
subject: "${subject}"
metrics:
  share_a: { value: 30, period: 2025 }
projections:
  share_a:
    method: linear
    rate: ${rate}
    to: 2030
    cap: 100
    reaches: ${reaches}
    assumption: "As stated"
---
Intro.

## Section

${body}
`;
  async function render(subject: string, body: string, rate?: string, reaches?: number): Promise<RenderedSite | { problems: { code: string; line?: number; message: string }[] }> {
    const dir = await makeContent({ '2026-01-05.md': projected(subject, body, rate, reaches) }, { metrics: METRICS });
    return renderAll({ contentDir: dir, templatesDir: SAMPLE_TEMPLATES });
  }

  it('print a scenario\'s value at a period as the table does, and the period it reaches the value, or "not by" the horizon', async () => {
    const r = await render(
      'Share A at 60% by {{reaches \\"share_a\\" \\"base\\"}}',
      'Base case: {{projection "share_a" "base" "2030"}} in 2030 and {{projection "share_a" "low" "2027"}} on the low case in 2027. Sixty per cent by {{reaches "share_a" "base"}} on the base case; on the low case {{reaches "share_a" "low"}}.',
    );
    if (!('files' in r)) throw new Error(JSON.stringify(r.problems));
    const e = r.rendered[0]!;
    // 30 + 10 a year: 60 in 2028, 80 in 2030; 30 + 5 a year: 40 in 2027, 55 in 2030.
    expect(e.view.subject).toBe('Share A at 60% by 2028');
    expect(e.email.html).toContain('<title>Share A at 60% by 2028</title>');
    expect(squash(e.email.text)).toContain('Base case: 80.0% in 2030 and 40.0% on the low case in 2027. Sixty per cent by 2028 on the base case; on the low case not by 2030.');
    expect(r.files.get('site/editions/2026-01-05/index.html')).toContain('Base case: 80.0% in 2030');
  });

  it('a scenario that never gets there says so instead of "not by" the horizon: flat, moving away, or already at the value', async () => {
    const away = await render('Away', 'Flat: {{reaches "share_a" "flat"}}. Falling: {{reaches "share_a" "falling"}}. Rising: {{reaches "share_a" "base"}}.', '{ base: 5, flat: 0, falling: -2 }');
    if (!('files' in away)) throw new Error(JSON.stringify(away.problems));
    const text = squash(away.rendered[0]!.email.text);
    expect(text).toContain('Flat: never at that rate. Falling: never at that rate. Rising: not by 2030.');
    expect(text).toContain('At 5 pp a year, Share A would not reach 60.0% by 2030; at ±0 pp, never at that rate; at −2 pp, never at that rate.');
    const there = await render('There', 'At 30: {{reaches "share_a" "base"}}.', '{ base: 5 }', 30);
    if (!('files' in there)) throw new Error(JSON.stringify(there.problems));
    const thereText = squash(there.rendered[0]!.email.text);
    expect(thereText).toContain('At 30: already there.');
    expect(thereText).toContain('At 5 pp a year, Share A is already at 30.0%.');
  });

  it('a period the projection does not reach is an error at its line in the brief; an unknown scenario in the subject, at the subject', async () => {
    const r = await render('Share A by {{reaches \\"share_a\\" \\"middle\\"}}', 'Later: {{projection "share_a" "base" "2031"}}.');
    const body = r.problems.filter((p) => p.code === 'BW_BODY_TEMPLATE');
    expect(body.map((p) => p.line)).toEqual([19]);
    expect(body[0]!.message).toContain('its projection has no point for "2031" (its points run from 2026 to 2030)');
    const subject = r.problems.filter((p) => p.code === 'BW_SUBJECT_TEMPLATE');
    expect(subject.map((p) => p.line)).toEqual([3]);
    expect(subject[0]!.message).toContain('its projection has no scenario "middle" (it has low, base)');
  });
});

describe('a later actual set against our projection, in the email', () => {
  const METRICS = `market:\n  label: Market size\n  kind: money\n  unit: CNY bn\n  decimals: 1\n  better: up\n  source: Omdia\n`;
  const projecting = `---
title: Projecting
metrics:
  market: { value: 100, period: 2024 }
projections:
  market:
    method: growth
    rate: { low: 5, base: 10, high: 20 }
    to: 2026
    assumption: "As stated"
---
Intro.

## Section

Text.
`;
  const reporting = (value: string) => `---\ntitle: Reporting\nmetrics:\n  market: { value: ${value}, period: 2025 }\n---\nIntro.\n\n## Section\n\nText.\n`;

  it('says how far above or below the base case it came, in the table, the text part and the site, and is no mover', async () => {
    const dir = await makeContent({ '2025-01-06.md': projecting, '2026-01-05.md': reporting('115') }, { metrics: METRICS });
    const r = await renderAll({ contentDir: dir, templatesDir: SAMPLE_TEMPLATES });
    if (!('files' in r)) throw new Error(JSON.stringify(r.problems));
    const later = r.rendered[1]!;
    const row = later.view.metrics.find((m) => m.key === 'market')!;
    // The base case: 100 x 1.1 = 110 for 2025; 115 is 5 above it. The low and high cases do not enter.
    expect(row.change).toBe('CNY 5.0 bn above our projection of CNY 110.0 bn');
    expect(later.edition.metrics.find((m) => m.key === 'market')).toMatchObject({ status: 'vs-projection', previous: { basis: 'projection', date: '2025-01-06' } });
    expect(later.view.movers).toEqual([]);
    expect(squash(parse(later.email.html).querySelector('.bw-metrics')!.textContent)).toContain('CNY 5.0 bn above our projection of CNY 110.0 bn');
    expect(squash(later.email.text)).toContain('CNY 5.0 bn above our projection of');
    expect(squash(parse(r.files.get('site/editions/2026-01-05/index.html')!).querySelector('#metric_market')!.textContent)).toContain('CNY 5.0 bn above our projection of CNY 110.0 bn');
  });

  it('below, and in line', async () => {
    for (const [value, words] of [['104.5', 'CNY 5.5 bn below our projection of CNY 110.0 bn'], ['110', 'in line with our projection of CNY 110.0 bn']] as const) {
      const dir = await makeContent({ '2025-01-06.md': projecting, '2026-01-05.md': reporting(value) }, { metrics: METRICS });
      const r = await renderAll({ contentDir: dir, templatesDir: SAMPLE_TEMPLATES });
      if (!('files' in r)) throw new Error(JSON.stringify(r.problems));
      expect(r.rendered[1]!.view.metrics.find((m) => m.key === 'market')!.change).toBe(words);
    }
  });
});
