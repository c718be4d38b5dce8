/**
 * End to end: the deltas reach the reader. Builds the sample content
 * and a small `better: down` fixture, then reads the email HTML and text part
 * the way a reader would see them, cross-checked against edition.json.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/pipeline/build.js';
import { builtEditionDir, EDITION_JSON, editionJsonSchema, type EditionJson } from '../../src/render/out-layout.js';

const GREEN = '#1a7f37';
const RED = '#c62828';
const GREY = '#57606a';
const SENTIMENT_COLOR: Record<string, string> = { positive: GREEN, negative: RED, neutral: GREY };
const ARROW: Record<string, string> = { up: '▲', down: '▼', flat: '▬' };

interface Built {
  html: string;
  doc: HTMLElement;
  text: string;
  json: EditionJson;
}

let tmp: string;

async function buildInto(contentDir: string, name: string): Promise<string> {
  const outDir = path.join(tmp, name);
  const report = await build({ contentDir, templatesDir: 'templates', outDir });
  if (!report.ok) throw new Error(`build of ${contentDir} failed:\n${report.problems.map((p) => `${p.file}:${p.line ?? ''} ${p.message}`).join('\n')}`);
  return outDir;
}

async function readEdition(outDir: string, date: string): Promise<Built> {
  const dir = builtEditionDir(outDir, date);
  const html = await readFile(path.join(dir, 'email.html'), 'utf8');
  return {
    html,
    doc: parse(html),
    text: await readFile(path.join(dir, 'email.txt'), 'utf8'),
    json: editionJsonSchema.parse(JSON.parse(await readFile(path.join(dir, EDITION_JSON), 'utf8'))),
  };
}

/** The metric table row whose label cell names `label` (the innermost row holding the label). */
function metricRow(doc: HTMLElement, label: string): HTMLElement {
  const labels = doc.querySelectorAll('.bw-metric-label').filter((span) => span.text.trim() === label);
  if (labels.length !== 1) throw new Error(`expected one metric row labelled "${label}", found ${labels.length}`);
  const row = labels[0]!.closest('tr');
  if (!row) throw new Error(`the label "${label}" is not in a table row`);
  return row;
}

/** The coloured change of a row: its text and its CSS colour. */
function change(row: HTMLElement): { text: string; color: string | undefined; cellText: string } {
  const cells = row.querySelectorAll('td');
  const cell = cells[cells.length - 1]!;
  const span = cell.querySelector('span[style*="color"]');
  if (!span) throw new Error(`no coloured change in row: ${row.text}`);
  const color = /(?:^|;)\s*color\s*:\s*(#[0-9a-f]{3,6})/i.exec(span.getAttribute('style') ?? '')?.[1]?.toLowerCase();
  // Figures keep their parts together with no-break spaces; the reader sees spaces.
  return { text: span.text.replace(/\u00a0/g, ' ').trim(), color, cellText: cell.text.replace(/\s+/g, ' ').trim() };
}

/** The block of the text part under `heading` (underlined with - or =), up to the next heading. */
function textBlock(text: string, heading: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l, i) => l.trim() === heading && /^[-=]{3,}$/.test(lines[i + 1]?.trim() ?? ''));
  if (start < 0) throw new Error(`no "${heading}" block in the text part`);
  let end = lines.length;
  for (let i = start + 2; i < lines.length - 1; i++) {
    if (lines[i]!.trim() !== '' && /^[-=]{3,}$/.test(lines[i + 1]!.trim()) && lines[i + 1]!.trim().length === lines[i]!.trim().length) {
      end = i;
      break;
    }
    if (lines[i]!.trim() === '--') {
      end = i;
      break;
    }
  }
  return lines.slice(start + 2, end).join('\n');
}

/** The part of the HTML from the h2 `heading` to the next h2 (or the end), parsed. */
function htmlBlock(html: string, heading: string): HTMLElement {
  const at = html.indexOf(`>${heading}</h2>`);
  if (at < 0) throw new Error(`no "${heading}" heading in the HTML`);
  const start = html.lastIndexOf('<h2', at);
  const next = html.indexOf('<h2', at);
  return parse(html.slice(start, next < 0 ? undefined : next));
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'briefwire-email-deltas-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('sample content, 2026-01-26: the deltas in the email', () => {
  let e: Built;
  let outDir: string;
  beforeAll(async () => {
    outDir = await buildInto('content', 'sample');
    e = await readEdition(outDir, '2026-01-26');
  });

  it('Alibaba Cloud share: ▲ +2.3 pp vs H1 2025 in green, from 35.8% on 19 Jan 2026, source', () => {
    const row = metricRow(e.doc, 'Alibaba Cloud share of China AI cloud market');
    const c = change(row);
    expect(c.text).toBe('▲ +2.3 pp vs H1 2025');
    expect(c.color).toBe(GREEN);
    expect(c.cellText).toContain('from 35.8% on 19 Jan 2026 (H1 2025)');
    const cells = row.querySelectorAll('td');
    expect(cells[1]!.text.trim()).toBe('38.1%');
    expect(cells[0]!.text).toContain('Source: Omdia');
    expect(cells[0]!.text).toContain('(2025)');
  });

  it('China AI cloud market: a beat of the forecast, in words and green, never growth', () => {
    const row = metricRow(e.doc, 'China AI cloud services market');
    const c = change(row);
    expect(c.text).toBe('CNY 4.9 bn above the forecast of CNY 51.8 bn');
    expect(c.color).toBe(GREEN);
    expect(c.cellText).not.toMatch(/[▲▼]|\(\+9\.5%\)|from CNY/);
    expect(row.querySelectorAll('td')[1]!.text.replace(/\u00a0/g, ' ').trim()).toBe('CNY 56.7 bn');
  });

  it('a repeated figure reads "no new data since", never "±0"', () => {
    const c = change(metricRow(e.doc, 'China AI cloud market growth forecast, compound annual'));
    expect(c.text).toBe('no new data since 15 Sept 2025 (2025-2030 forecast)');
    expect(e.html).not.toContain('±');
    expect(e.text).not.toContain('±');
  });

  it('every row of every edition carries the arrow of its direction and the colour of its sentiment', async () => {
    let changed = 0;
    for (const date of await readdir(path.join(outDir, 'editions'))) {
      const ed = await readEdition(outDir, date);
      for (const m of ed.json.metrics) {
        const c = change(metricRow(ed.doc, m.label));
        if (m.delta) expect(c.color, `${date} ${m.key}`).toBe(SENTIMENT_COLOR[m.delta.sentiment]);
        // Arrows only on like-for-like changes; every other comparison says what it is in words.
        if (m.status === 'changed') {
          expect(c.text.startsWith(`${ARROW[m.delta!.direction]} `), `${date} ${m.key}: ${c.text}`).toBe(true);
          changed++;
        } else {
          expect(c.text, `${date} ${m.key}`).not.toMatch(/^[▲▼]/);
          const words: Record<string, RegExp> = {
            'not-reported': /^not reported$/,
            new: date === '2025-09-01' ? /^first edition$/ : /^new$/,
            'no-new-data': /^no new data since \d+ \w+ \d{4}/,
            revised: /^revised (up|down) from /,
            'vs-forecast': / (above|below) the forecast of |^in line with the forecast of /,
            'not-comparable': /^no comparable period \(last reported .+: .+\)$/,
            unchanged: /^▬ unch\. (YoY|vs .+|since .+)$/,
          };
          expect(c.text, `${date} ${m.key}`).toMatch(words[m.status]!);
        }
      }
    }
    expect(changed).toBeGreaterThanOrEqual(2);
  });

  it('the text part carries the same numbers, comparisons, previous values and sources', () => {
    const table = textBlock(e.text, 'Key metrics');
    // The change sits on the value's line, right-aligned beside it.
    expect(table).toMatch(/38\.1% +▲ \+2\.3 pp vs H1 2025\n/);
    // A long change wraps inside its column, right-aligned, starting on the value's line.
    expect(table).toMatch(/CNY 56\.7 bn +CNY 4\.9 bn above the\n +forecast of CNY 51\.8 bn\n/);
    for (const l of table.split('\n')) expect([...l].length).toBeLessThanOrEqual(78);
    expect(table).toContain('from 35.8% on 19 Jan 2026 (H1 2025)');
    expect(table).toContain('Source: Omdia');
    expect(table).toMatch(/ +not reported\n/);
  });

  it('has a Biggest movers block with like-for-like changes only (the beat of a forecast is not one), in HTML and text', () => {
    const items = htmlBlock(e.html, 'Biggest movers').querySelectorAll('li').map((li) => li.text.replace(/\s+/g, ' ').trim());
    expect(items).toEqual(['Alibaba Cloud share of China AI cloud market: ▲ +2.3 pp vs H1 2025 to 38.1% (good news)']);
    const movers = htmlBlock(e.html, 'Biggest movers').querySelectorAll('li').map((li) => li.querySelector('span')!);
    expect(movers.map((s) => s.getAttribute('style'))).toEqual([expect.stringContaining(GREEN)]);
    // The text part wraps long mover lines at 78 columns.
    const text = textBlock(e.text, 'Biggest movers').replace(/\s+/g, ' ');
    expect(text).toContain('Alibaba Cloud share of China AI cloud market: ▲ +2.3 pp vs H1 2025 to 38.1% (good news)');
    expect(text).not.toContain('China AI cloud services market');
  });

  it('has a History block with each reported metric from its first report to this edition', () => {
    const html = htmlBlock(e.html, 'History').text.replace(/\s+/g, ' ');
    expect(html).toContain('Alibaba Cloud share of China AI cloud market');
    expect(html).toContain('35.8% (H1 2025) → 38.1% (2025)');
    expect(html).toContain('CNY 20.83 bn (2024) → CNY 56.7 bn (2025)');
    // The text part wraps long history lines at 78 columns.
    const text = textBlock(e.text, 'History').replace(/\s+/g, ' ');
    // One entry per observation (period and basis), however often it was repeated.
    expect(text).toContain('Alibaba Cloud share of China AI cloud market: 35.8% (H1 2025), 38.1% (2025)');
    expect(text).toContain('China AI cloud services market: CNY 20.83 bn (2024), CNY 51.8 bn (2025 forecast), CNY 56.7 bn (2025)');
  });

  it('the first edition has nothing to compare with: every row is new, no movers', async () => {
    const first = await readEdition(outDir, '2025-09-01');
    expect(first.json.metrics.every((m) => m.status === 'new')).toBe(true);
    expect(change(metricRow(first.doc, 'Alibaba Cloud Intelligence Group quarterly revenue')).text).toBe('first edition');
    expect(first.doc.querySelectorAll('h2').map((h) => h.text.trim())).not.toContain('Biggest movers');
  });
});

describe('a better: down metric that falls is good news', () => {
  let e: Built;
  beforeAll(async () => {
    const content = path.join(tmp, 'fixture-content');
    await mkdir(path.join(content, 'editions'), { recursive: true });
    await writeFile(
      path.join(content, 'newsletter.yml'),
      ['name: Price Watch', 'from: Price Watch <desk@pricewatch.example>', 'baseUrl: https://pricewatch.example', 'timezone: Europe/London', 'language: en-GB', ''].join('\n'),
    );
    await writeFile(
      path.join(content, 'metrics.yml'),
      [
        'gpu_rental_price_index:',
        '  label: GPU rental price index',
        '  kind: number',
        '  unit: pts',
        '  decimals: 1',
        '  better: down',
        '  source: Compute Index',
        'outage_rate:',
        '  label: Service outage rate',
        '  kind: rate',
        '  unit: "%"',
        '  decimals: 1',
        '  better: down',
        '',
      ].join('\n'),
    );
    await writeFile(
      path.join(content, 'editions', '2026-03-02.md'),
      ['---', 'title: Prices hold', 'metrics:', '  gpu_rental_price_index: { value: 104.2, period: 2026-02, label: February 2026 }', '  outage_rate: 1.5', '---', '', 'Intro.', '', '## Prices', '', 'Text.', ''].join('\n'),
    );
    await writeFile(
      path.join(content, 'editions', '2026-03-09-prices-fall.md'),
      [
        '---',
        'title: GPU rental prices fall',
        'subject: "GPU rental prices {{delta \\"gpu_rental_price_index\\"}}"',
        'metrics:',
        '  gpu_rental_price_index: { value: 101.7, period: 2026-03, label: March 2026 }',
        '  outage_rate: 1.9',
        '---',
        '',
        'Intro.',
        '',
        '## Prices',
        '',
        'Text.',
        '',
      ].join('\n'),
    );
    e = await readEdition(await buildInto(content, 'fixture'), '2026-03-09');
  });

  it('edition.json: down, positive; the rise of a better: down rate is negative', () => {
    expect(e.json.metrics.find((m) => m.key === 'gpu_rental_price_index')?.delta).toMatchObject({ abs: -2.5, direction: 'down', sentiment: 'positive' });
    expect(e.json.metrics.find((m) => m.key === 'outage_rate')?.delta).toMatchObject({ abs: 0.4, unit: 'pp', direction: 'up', sentiment: 'negative' });
  });

  it('HTML: ▼ with the positive colour for the fall, ▲ with the negative colour for the rise', () => {
    const fall = change(metricRow(e.doc, 'GPU rental price index'));
    expect(fall.text).toBe('▼ \u22122.5 pts (\u22122.4% vs February 2026)');
    expect(fall.color).toBe(GREEN);
    expect(fall.cellText).toContain('from 104.2 pts on 2 Mar 2026 (February 2026)');
    const rise = change(metricRow(e.doc, 'Service outage rate'));
    // Bare figures are points in time: a week apart, the change is "since" the last one.
    expect(rise.text).toBe('▲ +0.4 pp since 2 Mar 2026');
    expect(rise.color).toBe(RED);
    const movers = htmlBlock(e.html, 'Biggest movers').querySelectorAll('li');
    const priceMover = movers.find((li) => li.text.includes('GPU rental price index'));
    expect(priceMover?.querySelector('span[style*="color"]')?.getAttribute('style')).toContain(GREEN);
    expect(priceMover?.text.replace(/\u00a0/g, ' ')).toContain('▼ \u22122.5 pts (\u22122.4% vs February 2026) to 101.7 pts');
  });

  it('text part: the fall is shown with ▼ and the same numbers', () => {
    const table = textBlock(e.text, 'Key metrics');
    expect(table).toMatch(/101\.7 pts +▼ \u22122\.5 pts \(\u22122\.4% vs\n +February 2026\)\n/);
    expect(table).toMatch(/1\.9% +▲ \+0\.4 pp since 2 Mar 2026\n/);
    expect(table).toContain('from 104.2 pts on 2 Mar 2026 (February 2026)');
    expect(textBlock(e.text, 'Biggest movers').replace(/\s+/g, ' ')).toContain('GPU rental price index: ▼ \u22122.5 pts (\u22122.4% vs February 2026) to 101.7 pts');
  });

  it('the {{delta}} subject template renders into edition.json', () => {
    expect(e.json.subject).toBe('GPU rental prices \u22122.5 pts vs February 2026');
  });
});
