import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { artifactPath, chromiumAvailable, launchChromium } from '../support/browser.js';
import { buildSample, listFiles, serveSite, type BuiltSite, type Served } from '../support/site.js';

describe.skipIf(!chromiumAvailable)('archive in a browser', () => {
  let site: BuiltSite;
  let server: Served;
  let browser: Browser;

  beforeAll(async () => {
    site = await buildSample();
    server = await serveSite(site.siteDir, '/newsletter/');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await site?.cleanup();
  });

  it.each([
    ['desktop', { width: 1280, height: 900 }],
    ['mobile', { width: 375, height: 740 }],
  ] as const)('index -> edition -> metric chart (%s)', async (name, viewport) => {
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(`${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    try {
      await page.goto(server.url);
      await expect(page.title()).resolves.toBe('AI Cloud Weekly');
      // The stylesheet applied: the header is the brand colour, not a default white block.
      const headerBg = await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(headerBg).toBe('rgb(11, 37, 69)');
      await page.screenshot({ path: artifactPath(`site-index-${name}.png`), fullPage: true });

      await page.getByRole('link', { name: /Omdia full-year 2025/ }).first().click();
      await page.waitForURL(/editions\/2026-01-26\/index\.html$/);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('38.1%');
      const shareRow = page.locator('#metric_alibaba_ai_cloud_share');
      await expect(shareRow.locator('td.value').innerText()).resolves.toBe('38.1%');
      expect(await shareRow.isVisible()).toBe(true);
      // Nothing overflows the viewport sideways (tables stack on phones).
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: artifactPath(`site-edition-${name}.png`), fullPage: true });

      await shareRow.getByRole('link', { name: 'Alibaba Cloud share of China AI cloud market' }).click();
      await page.waitForURL(/metrics\/alibaba_ai_cloud_share\/index\.html$/);
      const chart = page.getByRole('img', { name: /Alibaba Cloud share of China AI cloud market, 15 Sept 2025 to 26 Jan 2026/ });
      expect(await chart.isVisible()).toBe(true);
      const box = (await chart.boundingBox())!;
      expect(box.width).toBeGreaterThan(300);
      expect(box.height).toBeGreaterThan(150);
      // One chart per screen size; the other is display:none.
      // One point per observation: H1 2025 and 2025, however many editions repeated them.
      await expect(chart.locator('circle').count()).resolves.toBe(2);
      await expect(page.getByRole('img', { name: /Alibaba Cloud share of China AI cloud market, 15 Sept/ }).count()).resolves.toBe(1);
      await expect(chart.getAttribute('class')).resolves.toContain(name === 'mobile' ? 'chart-compact' : 'chart-wide');
      // The latest value is drawn inside the visible chart, not cut off.
      const label = chart.locator('text', { hasText: '38.1%' });
      const labelBox = (await label.boundingBox())!;
      expect(labelBox.x + labelBox.width).toBeLessThanOrEqual(viewport.width);
      await expect(page.locator('.page-header .value').innerText()).resolves.toBe('38.1%');
      await page.screenshot({ path: artifactPath(`site-metric-${name}.png`), fullPage: true });

      await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Metrics' }).click();
      await page.waitForURL(/metrics\/index\.html$/);
      await expect(page.locator('svg.sparkline').count()).resolves.toBe(17);
      await page.screenshot({ path: artifactPath(`site-metrics-${name}.png`), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('no page is wider than a 375 px phone screen', async () => {
    const pages = (await listFiles(site.siteDir)).filter((f) => f.endsWith('.html'));
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
    try {
      const wide: string[] = [];
      for (const rel of pages) {
        await page.goto(`${server.url}${rel}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) wide.push(`${rel} (+${overflow}px)`);
      }
      expect(pages.length).toBeGreaterThan(20);
      expect(wide).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("the projections edition on a phone: each projection table fits without scrolling inside its box, the base case bold, and leads to the metric's band", async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
    try {
      await page.goto(`${server.url}editions/2026-02-09/index.html`);
      const tables = await page.locator('table.projection-table').evaluateAll((els) =>
        els.map((t) => ({
          overflow: t.scrollWidth - t.parentElement!.clientWidth,
          right: t.getBoundingClientRect().right,
          weights: [...(t as HTMLTableElement).rows].map((r) => [...r.cells].slice(1).map((c) => getComputedStyle(c).fontWeight)),
          oneLine: [...t.querySelectorAll('tbody td')].every((c) => c.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(c).fontSize) + 20),
        })),
      );
      await page.locator('section.projections').screenshot({ path: artifactPath('site-projections-mobile.png') });
      expect(tables).toHaveLength(2);
      for (const t of tables) {
        expect(t.overflow).toBeLessThanOrEqual(0);
        expect(t.right).toBeLessThanOrEqual(375);
        for (const row of t.weights) expect(row).toEqual(['400', '700', '400']);
        expect(t.oneLine).toBe(true);
      }
      await page.getByRole('link', { name: 'The chart and every projected period' }).first().click();
      await page.waitForURL(/metrics\/china_ai_cloud_market\/index\.html$/);
      expect(await page.locator('svg.chart-compact path.projection-band').isVisible()).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('works from disk over file:// too', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`file://${site.siteDir}/index.html`);
      await page.getByRole('link', { name: 'Metrics', exact: true }).first().click();
      await page.waitForURL(/metrics\/index\.html$/);
      await page.getByRole('link', { name: 'China AI cloud services market' }).click();
      await page.waitForURL(/metrics\/china_ai_cloud_market\/index\.html$/);
      expect(await page.locator('svg.chart-wide').isVisible()).toBe(true);
      const headerBg = await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(headerBg).toBe('rgb(11, 37, 69)');
    } finally {
      await page.close();
    }
  });
});
