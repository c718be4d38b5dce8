/**
 * The "Projections" block of the sample's projections edition as inboxes
 * show it: with every <style> removed at phone and desktop widths, and in
 * dark mode. Real Chromium; screenshots go to test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, chromiumAvailable, launchChromium } from '../support/browser.js';
import { renderSample } from '../support/fixtures.js';
import { backgroundColourOf, brokenWords, coloursOf, luminance, stripStyles, withContrast } from '../support/email-page.js';

const AA = 4.5;
const EDITION = '2026-02-09';

/** What a reader sees of each projection table: each cell's text, weight and number of lines, and the table's box. */
function projectionTables() {
  const lines = (el: Element) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0).map((r) => Math.round(r.top))).size;
  };
  return [...document.querySelectorAll('table.bw-projection')].map((t) => {
    const box = t.getBoundingClientRect();
    const rows = [...(t as HTMLTableElement).rows].map((row) =>
      [...row.cells].map((c) => ({ text: (c as HTMLElement).innerText.replace(/\s+/g, ' ').trim(), weight: getComputedStyle(c).fontWeight, lines: lines(c), fontSize: parseFloat(getComputedStyle(c).fontSize) })),
    );
    const heading = t.previousElementSibling?.previousElementSibling?.textContent ?? '';
    const after = [t.nextElementSibling, t.nextElementSibling?.nextElementSibling, t.nextElementSibling?.nextElementSibling?.nextElementSibling].map((e) => ({
      text: (e as HTMLElement | null)?.innerText ?? '',
      height: e?.getBoundingClientRect().height ?? 0,
    }));
    return { left: box.left, right: box.right, heading, rows, after };
  });
}

describe.skipIf(!chromiumAvailable)('the Projections block in a real browser', () => {
  let browser: Browser;
  let html: string;

  beforeAll(async () => {
    const r = await renderSample();
    const edition = r.rendered.find((x) => x.edition.date === EDITION)!;
    expect(edition.edition.projections.map((p) => p.key)).toEqual(['china_ai_cloud_market', 'ai_share_of_cloud_revenue']);
    html = edition.email.html;
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  async function open(page: string, width: number, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const p = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
    await p.setContent(page, { waitUntil: 'load' });
    return p;
  }

  for (const width of [375, 600]) {
    test(`without <style> at ${width} px: both tables fit, the base case is bold, every figure on one line, the assumption, method and reaches beside them`, async () => {
      const page = await open(stripStyles(html), width);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      const tables = await page.evaluate(projectionTables);
      const broken = await page.evaluate(brokenWords);
      const heading = await page.evaluate(() => [...document.querySelectorAll('h2')].some((h) => h.textContent === 'Projections' && h.getBoundingClientRect().height > 0));
      await page.screenshot({ path: artifactPath(`email-projections-nostyle-${width}.png`), fullPage: true });
      await page.close();

      expect(scrollWidth).toBeLessThanOrEqual(width);
      expect(broken).toEqual([]);
      expect(heading).toBe(true);
      expect(tables.map((t) => t.heading)).toEqual(['China AI cloud services market: our projection to 2030', 'AI-related share of Alibaba Cloud revenue: our projection to Q4 2035']);
      for (const t of tables) {
        expect(t.left).toBeGreaterThanOrEqual(0);
        expect(t.right).toBeLessThanOrEqual(width);
        const [header, ...rows] = t.rows;
        // The scenarios by name, lowest first; the base case bold in the header and in every row.
        expect(header!.map((c) => c.text.split(' ')[0])).toEqual(['Period', 'low', 'base', 'high']);
        // At most three points between the base and the horizon, then the horizon, in bold.
        expect(rows.length).toBeGreaterThanOrEqual(2);
        expect(rows.length).toBeLessThanOrEqual(4);
        expect(rows.at(-1)![0]!.weight).toBe('700');
        for (const row of [header!, ...rows]) expect(row.slice(1).map((c) => c.weight)).toEqual(['400', '700', '400']);
        for (const row of rows) {
          for (const cell of row) {
            expect(cell.lines, `${t.heading}: "${cell.text}" at ${width} px`).toBe(1);
            expect(cell.fontSize).toBeGreaterThanOrEqual(12);
          }
        }
        // The assumption and the method follow the table, and are shown.
        expect(t.after[0]!.text).toMatch(/^Assumption: /);
        expect(t.after[1]!.text).toMatch(/^Method: /);
        expect(t.after[0]!.height).toBeGreaterThan(0);
        expect(t.after[1]!.height).toBeGreaterThan(0);
      }
      const [market, share] = tables;
      expect(market!.rows.at(-1)!.map((c) => c.text)).toEqual(['2030', 'CNY 91.3 bn', 'CNY 185.9 bn', 'CNY 304.9 bn']);
      expect(share!.rows.at(-1)!.map((c) => c.text)).toEqual(['Q4 2035', '81%', '100%', '100%']);
      expect(share!.after[2]!.text).toBe('At 8 pp a year, AI-related share of Alibaba Cloud revenue would reach 100% by Q2 2034; at 5 pp, not by Q4 2035; at 12 pp, by Q3 2031.');
    }, 120_000);
  }

  for (const width of [375, 600]) {
    test(`dark mode at ${width} px: a dark card, the tables' figures, headers and notes at AA contrast, the base case still bold`, async () => {
      const page = await open(html, width, 'dark');
      const card = luminance((await page.evaluate(backgroundColourOf, '.bw-card > table')) ?? 'no card');
      const cells = withContrast(await page.evaluate(coloursOf, 'table.bw-projection th, table.bw-projection td'));
      const notes = withContrast(await page.evaluate(coloursOf, '.bw-text h2, .bw-text h3, .bw-text p, .bw-text p strong'));
      const tables = await page.evaluate(projectionTables);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      await page.screenshot({ path: artifactPath(`email-projections-dark-${width}.png`), fullPage: true });
      await page.close();

      expect(card).toBeLessThan(0.05);
      expect(scrollWidth).toBeLessThanOrEqual(width);
      // Two tables: 4 header cells and up to 4 rows of 4 cells each.
      expect(cells.length).toBeGreaterThanOrEqual(2 * (4 + 2 * 4));
      expect(cells.filter((c) => c.ratio < AA)).toEqual([]);
      expect(notes.some((n) => n.text.startsWith('Assumption: The market grows'))).toBe(true);
      expect(notes.filter((n) => n.ratio < AA)).toEqual([]);
      // The text is light on the dark card, not dark text left on a dark background.
      expect(cells.every((c) => luminance(c.color) > luminance(c.background))).toBe(true);
      for (const t of tables) for (const row of t.rows) expect(row.slice(1).map((c) => c.weight)).toEqual(['400', '700', '400']);
    }, 120_000);
  }
});
