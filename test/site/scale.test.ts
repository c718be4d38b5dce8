import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'node-html-parser';
import { loadContent } from '../../src/content/load.js';
import { loadTemplates } from '../../src/render/templates.js';
import { computeEditions } from '../../src/compute/editions.js';
import { editionView } from '../../src/render/view-model.js';
import type { RenderedEdition } from '../../src/render/render-edition.js';
import type { Brief, Content } from '../../src/model.js';
import { addSiteFiles, FEED_ENTRIES, FULL_CONTENT_IN_FEED } from '../../src/site/site-files.js';
import { LATEST_ON_HOME } from '../../src/site/site-pages.js';

/**
 * Ten years of weekly editions, built in memory without MJML (the site reads
 * only the view model). Checks what keeps a big archive usable: a short home
 * page, complete year pages and feeds. Speed itself is measured by
 * `npm run bench`, not asserted here; the time is printed for reference.
 */
const EDITIONS = 520;
let files: Map<string, string>;
let content: Content;

function weeklyBriefs(registry: Content['metrics']): Brief[] {
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const level = new Map(registry.map((m) => [m.key, m.kind === 'share' || m.kind === 'rate' ? 30 : 500]));
  const start = Date.UTC(2016, 0, 4);
  return Array.from({ length: EDITIONS }, (_, i) => {
    const date = new Date(start + i * 7 * 86_400_000).toISOString().slice(0, 10);
    // Some metrics every week, some now and then, so histories differ in length.
    const metrics = registry
      .filter((_, k) => k < 6 || (i + k) % 4 === 0)
      .map((m) => {
        const next = Math.max(0.1, level.get(m.key)! * (1 + (random() - 0.5) / 10));
        level.set(m.key, next);
        return { key: m.key, value: next.toFixed(1), basis: 'actual' as const };
      });
    return { file: `gen/${date}.md`, date, title: `Week ${i + 1} in AI cloud`, summary: `Summary of week ${i + 1}.`, metrics, body: `Intro ${i + 1}.\n\n## Market\n\nText.\n`, bodyLine: 1, placeholders: [] };
  });
}

beforeAll(async () => {
  const loaded = await loadContent('content');
  if (!loaded.ok) throw new Error('sample content does not load');
  content = { ...loaded.value, briefs: weeklyBriefs(loaded.value.metrics) };
  const templates = await loadTemplates('templates', content.newsletter);
  if (!templates.ok) throw new Error('templates do not compile');
  const rendered: RenderedEdition[] = computeEditions(content).map((edition) => ({
    edition,
    view: editionView(edition, content.newsletter),
    email: { mjml: '', html: '', text: '', htmlBytes: 0 },
  }));
  files = new Map();
  const started = performance.now();
  const problems = await addSiteFiles(files, { content, rendered, templates: templates.value });
  const ms = performance.now() - started;
  const bytes = [...files.values()].reduce((n, f) => n + Buffer.byteLength(f), 0);
  const byDir = new Map<string, number>();
  for (const [f, text] of files) byDir.set(f.split('/')[1]!, (byDir.get(f.split('/')[1]!) ?? 0) + Buffer.byteLength(text));
  console.log(`site for ${EDITIONS} editions: ${Math.round(ms)} ms, ${files.size} files, ${(bytes / 1024 / 1024).toFixed(1)} MB`, Object.fromEntries([...byDir].map(([k, v]) => [k, `${Math.round(v / 1024)} KB`])));
  expect(problems).toEqual([]);
}, 120_000);

describe(`an archive of ${EDITIONS} editions`, () => {
  it('has a page per edition, per year and per metric', () => {
    const editionPages = [...files.keys()].filter((f) => /^site\/editions\/\d{4}-\d{2}-\d{2}\/index\.html$/.test(f));
    expect(editionPages).toHaveLength(EDITIONS);
    const years = [...files.keys()].filter((f) => /^site\/archive\/\d{4}\/index\.html$/.test(f));
    expect(years).toHaveLength(10);
    expect([...files.keys()].filter((f) => /^site\/metrics\/[a-z0-9_]+\/index\.html$/.test(f))).toHaveLength(content.metrics.length);
  });

  it(`keeps the home page short: the latest ${LATEST_ON_HOME} editions and a link per year`, () => {
    const home = files.get('site/index.html')!;
    expect(Buffer.byteLength(home)).toBeLessThan(60 * 1024);
    const doc = parse(home);
    const items = doc.querySelectorAll('.edition-item h2 a').map((a) => a.getAttribute('href'));
    expect(items).toHaveLength(LATEST_ON_HOME);
    expect(items[0]).toBe('editions/2025-12-15/index.html');
    expect(doc.querySelectorAll('.year-nav a').map((a) => a.textContent)).toEqual(['2025', '2024', '2023', '2022', '2021', '2020', '2019', '2018', '2017', '2016']);
  });

  it('lists every edition exactly once across the year pages, each under its own year', () => {
    const seen: string[] = [];
    for (const [file, html] of files) {
      const year = /^site\/archive\/(\d{4})\/index\.html$/.exec(file)?.[1];
      if (!year) continue;
      const dates = parse(html).querySelectorAll('.edition-item time').map((t) => t.getAttribute('datetime')!);
      expect(dates.every((d) => d.startsWith(year)), year).toBe(true);
      expect(dates).toEqual([...dates].sort().reverse());
      seen.push(...dates);
    }
    expect(seen).toHaveLength(EDITIONS);
    expect(new Set(seen).size).toBe(EDITIONS);
  });

  it('charts and tabulates a weekly metric over all ten years', () => {
    const doc = parse(files.get('site/metrics/alibaba_ai_cloud_share/index.html')!);
    expect(doc.querySelectorAll('.history-table tbody tr')).toHaveLength(EDITIONS);
    expect(doc.querySelectorAll('svg.chart-wide circle')).toHaveLength(EDITIONS);
    // A ten-year span is labelled by year, not by hundreds of months.
    const ticks = doc.querySelectorAll('svg.chart-wide text').map((t) => t.textContent);
    expect(ticks).toEqual(expect.arrayContaining(['2017', '2025']));
    expect(ticks.filter((t) => /^\d{4}$/.test(t)).length).toBeLessThanOrEqual(7);
  });

  it('feeds carry the newest 50 editions, the full text only for the newest 20', () => {
    const atom = files.get('site/feed.xml')!;
    expect(atom.split('<entry>')).toHaveLength(FEED_ENTRIES + 1);
    expect(atom.split('class="metrics-table"')).toHaveLength(FULL_CONTENT_IN_FEED + 1);
    const json = JSON.parse(files.get('site/feed.json')!) as { items: { id: string; content_html: string }[] };
    expect(json.items).toHaveLength(FEED_ENTRIES);
    expect(json.items[0]!.id).toBe('https://aicloudweekly.example/editions/2025-12-15/');
    // Fifty weeks back from the newest, inclusive.
    expect(json.items.at(-1)!.id).toBe('https://aicloudweekly.example/editions/2025-01-06/');
    expect(json.items.filter((i) => i.content_html.includes('class="metrics-table"'))).toHaveLength(FULL_CONTENT_IN_FEED);
    expect(Buffer.byteLength(atom)).toBeLessThan(300 * 1024);
  });
});
