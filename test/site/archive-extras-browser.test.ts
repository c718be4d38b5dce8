/**
 * Search, share cards and the dark scheme, in Chromium: a copy of the sample
 * with a draft brief, built twice (the second build in place, over an out/
 * where a stray page was left), served under a sub-path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'node-html-parser';
import { artifactPath, chromiumAvailable, launchChromium } from '../support/browser.js';
import { checkLinks, listFiles, serveSite, type Served } from '../support/site.js';
import { copySample, SAMPLE_CONTENT } from '../support/fixtures.js';
import { DateTime } from 'luxon';
import { axeViolations, htmlErrors } from '../support/page-checks.js';
import { build } from '../../src/pipeline/build.js';

const BASE = 'https://aicloudweekly.example';
/** In the body of the 26 January 2026 edition only ("Ernie Bot"). */
const ONLY_IN_ONE_EDITION = 'Ernie';
const ONLY_IN_A_DRAFT = 'Quokkanomics';
const ONLY_IN_A_STRAY_FILE = 'Wombatology';
const SCHEMES = ['light', 'dark'] as const;
/** axe on seven pages: about 50 s on a loaded 2-core machine. */
const AXE_TIMEOUT = 180_000;
/** Alibaba Cloud and Tongyi Qianwen (Qwen) in Chinese; the model's name has no space before its last two characters. */
const CJK = { company: '阿里云', model: '通义千问', tail: '千问' };

let siteDir: string;
let pages: string[];
/** The sample's editions (the draft added here has none) and every metric page the build made. */
let pagesWithCards: number;
let server: Served;
let browser: Browser;

async function buildOk(s: Awaited<ReturnType<typeof copySample>>): Promise<void> {
  const r = await build({ contentDir: s.content, templatesDir: s.templates, outDir: s.out });
  expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
}

beforeAll(async () => {
  const s = await copySample();
  const editions = path.join(s.content, 'editions');
  const last = (await readdir(editions)).sort().at(-1)!;
  const draft = (await readFile(path.join(editions, last), 'utf8')).replace(/^---\n/, '---\ndraft: true\n').replace(/\n---\n/, `\n---\n\nA draft paragraph about ${ONLY_IN_A_DRAFT}.\n`);
  // A week after the newest edition, so it is the next one and collides with none.
  const draftDate = DateTime.fromISO(last.slice(0, 10), { zone: 'utc' }).plus({ days: 7 }).toISODate();
  await writeFile(path.join(editions, `${draftDate}-a-draft.md`), draft);
  // Chinese names as a brief writes them beside the English (docs/site.md, "Search": what Pagefind makes of them).
  const first = (await readdir(editions)).sort()[0]!;
  await writeFile(path.join(editions, first), `${await readFile(path.join(editions, first), 'utf8')}\nAlibaba Cloud (${CJK.company}) sells the ${CJK.model} models.\n`);
  await buildOk(s);
  // A page nobody built, left in out/ by hand: an in-place rebuild leaves it there, and the index must not take it in.
  await mkdir(path.join(s.out, 'site', 'stray'), { recursive: true });
  await writeFile(path.join(s.out, 'site', 'stray', 'index.html'), `<!doctype html><html lang="en"><head><title>Stray</title></head><body><main data-pagefind-body><h1>Stray</h1><p>${ONLY_IN_A_STRAY_FILE}</p></main></body></html>`);
  await buildOk(s);
  siteDir = path.join(s.out, 'site');
  pages = (await listFiles(siteDir)).filter((f) => f.endsWith('.html') && !f.startsWith('stray/'));
  const metricPages = (await readdir(path.join(siteDir, 'metrics'), { withFileTypes: true })).filter((d) => d.isDirectory());
  pagesWithCards = (await readdir(path.join(SAMPLE_CONTENT, 'editions'))).filter((f) => f.endsWith('.md')).length + metricPages.length;
  server = await serveSite(siteDir, '/newsletter/');
  if (chromiumAvailable) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A page in a fresh context of the given scheme that records every failed request. */
async function openPage(scheme: (typeof SCHEMES)[number], failures: string[]): Promise<Page> {
  const page = await browser.newPage({ colorScheme: scheme, viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (e) => failures.push(e.message));
  page.on('requestfailed', (r) => failures.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
  });
  return page;
}

async function search(page: Page, terms: string): Promise<void> {
  await page.goto(`${server.url}search/index.html?q=${encodeURIComponent(terms)}`);
  await page.waitForFunction(() => !/Searching|Type a few words/.test(document.getElementById('search_status')?.textContent ?? 'Searching'));
}

describe('the archive pages as files', () => {
  it('pass html-validate\'s standard preset with no error, the search page included', async () => {
    expect(pages).toContain('search/index.html');
    const errors: string[] = [];
    for (const rel of pages) errors.push(...(await htmlErrors(await readFile(path.join(siteDir, rel), 'utf8'), rel)));
    expect(errors).toEqual([]);
  });

  it('link every card image and search script that exists, and nothing broken', async () => {
    const links = await checkLinks(siteDir);
    expect(links.checked.some((l) => l.endsWith('assets/search.js'))).toBe(true);
    expect(links.broken).toEqual([]);
  });

  it('each edition and metric page names its own 1200x630 card, absolute under baseUrl, and the file exists', async () => {
    const withCards = pages.filter((p) => /^(editions|metrics)\/[^/]+\/index\.html$/.test(p));
    expect(withCards.length).toBe(pagesWithCards);
    for (const rel of withCards) {
      const head = parse(await readFile(path.join(siteDir, rel), 'utf8')).querySelector('head')!;
      const meta = (key: string) => head.querySelector(`meta[property="${key}"], meta[name="${key}"]`)?.getAttribute('content');
      const image = meta('og:image')!;
      expect(image, rel).toBe(`${BASE}/${path.dirname(rel)}/card.png`);
      expect((await stat(path.join(siteDir, image.slice(BASE.length + 1)))).isFile()).toBe(true);
      expect([meta('og:image:width'), meta('og:image:height'), meta('og:type'), meta('twitter:card')], rel).toEqual(['1200', '630', rel.startsWith('editions') ? 'article' : 'website', 'summary_large_image']);
      expect(meta('twitter:image')).toBe(image);
      for (const key of ['og:title', 'og:description', 'og:image:alt']) expect(meta(key)?.length, `${rel} ${key}`).toBeGreaterThan(10);
    }
    // Pages that are about no one edition or metric name no card rather than a missing one.
    expect(await readFile(path.join(siteDir, 'index.html'), 'utf8')).not.toContain('og:image');
  });
});

describe.skipIf(!chromiumAvailable)('the archive in Chromium', () => {
  it('a search link lists the one edition whose body has the word, first, with its date, title and an excerpt', async () => {
    const holders = [];
    for (const rel of pages) if (new RegExp(`\\b${ONLY_IN_ONE_EDITION}\\b`).test(parse(await readFile(path.join(siteDir, rel), 'utf8')).querySelector('main')!.textContent)) holders.push(rel);
    expect(holders).toEqual(['editions/2026-01-26/index.html']);
    const failures: string[] = [];
    const page = await openPage('light', failures);
    try {
      await search(page, ONLY_IN_ONE_EDITION);
      const first = page.locator('#search_results li').first();
      await expect(first.locator('h2 a').getAttribute('href')).resolves.toBe(`${server.url}editions/2026-01-26/index.html`);
      await expect(first.locator('h2').innerText()).resolves.toContain('Omdia full-year 2025');
      await expect(first.locator('.meta').innerText()).resolves.toContain('26 January 2026');
      await expect(first.locator('.search-excerpt mark').first().innerText()).resolves.toBe(ONLY_IN_ONE_EDITION);
      // The header's box shows what was searched for.
      await expect(page.locator('#site_search_q').inputValue()).resolves.toBe(ONLY_IN_ONE_EDITION);
      await first.locator('h2 a').click();
      await page.waitForURL(/editions\/2026-01-26\/index\.html$/);
      expect(failures).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the header box of any page searches; a word only in a draft, or only in a stray file in out/, finds nothing', async () => {
    const failures: string[] = [];
    const page = await openPage('light', failures);
    try {
      await page.goto(`${server.url}metrics/index.html`);
      await page.locator('#site_search_q').fill(ONLY_IN_A_DRAFT);
      await page.locator('#site_search_q').press('Enter');
      await page.waitForURL(/search\/index\.html\?q=/);
      await page.waitForFunction(() => /Nothing found|result/.test(document.getElementById('search_status')?.textContent ?? ''));
      await expect(page.locator('#search_status').innerText()).resolves.toBe(`Nothing found for “${ONLY_IN_A_DRAFT}”.`);
      await search(page, ONLY_IN_A_STRAY_FILE);
      await expect(page.locator('#search_status').innerText()).resolves.toBe(`Nothing found for “${ONLY_IN_A_STRAY_FILE}”.`);
      await expect(page.locator('#search_results li').count()).resolves.toBe(0);
      expect(failures).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a Chinese word is found from the start of its run of characters, not from inside it', async () => {
    const page = await openPage('light', []);
    try {
      for (const [terms, found] of [[CJK.company, true], [CJK.model, true], [CJK.tail, false]] as const) {
        await search(page, terms);
        const hrefs = await page.locator('#search_results li h2 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        expect(hrefs, terms).toEqual(found ? [`${server.url}editions/2025-09-01/index.html`] : []);
      }
    } finally {
      await page.close();
    }
  });

  it('without JavaScript the search page says so and links the archive by year', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}search/index.html?q=${ONLY_IN_ONE_EDITION}`);
      await expect(page.locator('.search-note').innerText()).resolves.toContain('Search needs JavaScript');
      const years = page.getByRole('navigation', { name: 'Archive by year' }).getByRole('link');
      await expect(years.allInnerTexts()).resolves.toEqual(['2026', '2025']);
    } finally {
      await context.close();
    }
  });

  it('every card decodes as a 1200x630 PNG', async () => {
    const cards = (await listFiles(siteDir)).filter((f) => f.endsWith('card.png'));
    expect(cards.length).toBe(pagesWithCards);
    const page = await browser.newPage();
    try {
      await page.goto(server.url);
      for (const rel of cards) {
        const bytes = await readFile(path.join(siteDir, rel));
        expect(bytes.subarray(1, 4).toString('latin1'), rel).toBe('PNG');
        const size = await page.evaluate(async (url) => {
          const blob = await (await fetch(url)).blob();
          const bitmap = await createImageBitmap(blob);
          return [blob.type, bitmap.width, bitmap.height];
        }, `${server.url}${rel}`);
        expect(size, rel).toEqual(['image/png', 1200, 630]);
      }
    } finally {
      await page.close();
    }
  });

  it.each(SCHEMES)('axe finds no violation on any kind of page, the search page with results shown (%s)', async (scheme) => {
    const failures: string[] = [];
    const page = await openPage(scheme, failures);
    const violations: string[] = [];
    try {
      for (const rel of ['index.html', 'archive/2025/index.html', 'editions/2026-01-26/index.html', 'metrics/index.html', 'metrics/china_ai_cloud_market/index.html', '404.html']) {
        await page.goto(`${server.url}${rel}`);
        violations.push(...(await axeViolations(page)));
      }
      await search(page, 'Alibaba');
      await expect(page.locator('#search_results li').count()).resolves.toBeGreaterThan(3);
      violations.push(...(await axeViolations(page)));
      // The results are markup too: html-validate on the page as the script left it.
      expect(await htmlErrors(await page.content(), `search (${scheme})`)).toEqual([]);
      await page.screenshot({ path: artifactPath(`site-search-${scheme}.png`), fullPage: true });
      expect(violations).toEqual([]);
      expect(failures).toEqual([]);
    } finally {
      await page.close();
    }
  }, AXE_TIMEOUT);

  it.each(SCHEMES)('the index, an edition and a metric page in the %s scheme: screenshots, and charts drawn in the scheme\'s colours, projections apart from actuals and forecasts', async (scheme) => {
    const page = await openPage(scheme, []);
    try {
      for (const [name, rel] of [['index', 'index.html'], ['edition', 'editions/2026-01-26/index.html'], ['metric', 'metrics/china_ai_cloud_market/index.html']] as const) {
        await page.goto(`${server.url}${rel}`);
        await page.screenshot({ path: artifactPath(`site-${name}-${scheme}.png`), fullPage: true });
      }
      const colours = await page.evaluate(() => {
        const css = (sel: string, prop: string) => getComputedStyle(document.querySelector(sel)!).getPropertyValue(prop);
        return {
          paper: css('main', 'background-color'),
          actual: css('.chart-wide .point:not(.forecast)', 'fill'),
          forecastFill: css('.chart-wide .point.forecast', 'fill'),
          forecastStroke: css('.chart-wide .point.forecast', 'stroke'),
          axis: css('.chart-wide .axis', 'stroke'),
          text: css('.chart-wide text', 'fill'),
          actualLine: css('.chart-wide .actual-line', 'stroke'),
          forecastLine: css('.chart-wide .forecast-line', 'stroke'),
          lastLabel: css('.chart-wide .last-label', 'fill'),
          // The metric page's band: our projection (the last page opened has one).
          projection: ['.projection-band', '.projection-base', '.projection-hatch'].map((c) => css(`.chart-wide ${c}`, 'stroke')),
          projectionLabel: css('.chart-wide .projection-label', 'fill'),
          projectionLabelStroke: css('.chart-wide .projection-label', 'stroke'),
        };
      });
      // One colour for everything of the projection, its label filled with it and not outlined; text at AA, lines at 3:1.
      expect(new Set([...colours.projection, colours.projectionLabel]).size).toBe(1);
      expect(colours.projectionLabelStroke).toBe('none');
      for (const c of [colours.projectionLabel, colours.lastLabel]) expect(contrast(c, colours.paper), `${c} on ${colours.paper}`).toBeGreaterThanOrEqual(4.5);
      for (const c of [colours.actualLine, colours.forecastLine]) expect(contrast(c, colours.paper), `${c} on ${colours.paper}`).toBeGreaterThanOrEqual(3);
      // The projection's hue stands apart from the actuals' and forecasts' (which differ by dashes and hollow dots, not hue).
      for (const c of [colours.actualLine, colours.forecastLine, colours.actual]) expect(hueApart(colours.projectionLabel, c), `${colours.projectionLabel} vs ${c}`).toBeGreaterThanOrEqual(40);
      // Actual points are filled, forecasts hollow (filled with the page's own colour), and each mark stands out from the page.
      expect(colours.forecastFill).toBe(colours.paper);
      for (const c of [colours.actual, colours.forecastStroke, colours.text]) expect(contrast(c, colours.paper), `${c} on ${colours.paper}`).toBeGreaterThanOrEqual(4.5);
      expect(contrast(colours.axis, colours.paper)).toBeGreaterThanOrEqual(3);
      expect(colours.paper).toBe(scheme === 'dark' ? 'rgb(22, 27, 34)' : 'rgb(255, 255, 255)');
    } finally {
      await page.close();
    }
  });
});

/** How far apart two CSS rgb() colours' hues are, in degrees (0 to 180). */
function hueApart(a: string, b: string): number {
  const hue = (c: string) => {
    const [r, g, bl] = c.match(/\d+(\.\d+)?/g)!.slice(0, 3).map((v) => Number(v) / 255) as [number, number, number];
    const max = Math.max(r, g, bl);
    const d = max - Math.min(r, g, bl);
    if (d === 0) return 0;
    const h = max === r ? ((g - bl) / d) % 6 : max === g ? (bl - r) / d + 2 : (r - g) / d + 4;
    return (h * 60 + 360) % 360;
  };
  const diff = Math.abs(hue(a) - hue(b));
  return Math.min(diff, 360 - diff);
}

/** WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = c.match(/\d+(\.\d+)?/g)!.slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
