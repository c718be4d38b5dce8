import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { artifactPath, chromiumAvailable, launchChromium } from '../support/browser.js';
import { renderSample } from '../support/fixtures.js';

describe.skipIf(!chromiumAvailable)('the email in a real browser', () => {
  let browser: Browser;
  let html: string;

  beforeAll(async () => {
    const r = await renderSample();
    // The full-year edition: a full metrics table and a headline figure.
    html = r.rendered.find((x) => x.edition.date === '2026-01-26')!.email.html;
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  for (const width of [600, 375]) {
    test(`fits ${width} px without sideways scrolling, with the key parts visible`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.setContent(html, { waitUntil: 'load' });
      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        title: document.querySelector('h1')?.textContent,
        firstRowLabel: document.querySelector('.bw-cell-label')?.getBoundingClientRect().width ?? 0,
        firstRowValue: document.querySelector('.bw-cell-value')?.getBoundingClientRect().width ?? 0,
        footer: document.body.innerText.includes('Unsubscribe'),
      }));
      expect(layout.scrollWidth).toBeLessThanOrEqual(width);
      expect(layout.title).toContain('38.1%');
      expect(layout.footer).toBe(true);
      // On a phone the label gets the full width instead of being squeezed beside the figures.
      if (width === 375) expect(layout.firstRowLabel).toBeGreaterThan(300);
      else expect(layout.firstRowLabel).toBeGreaterThan(layout.firstRowValue);
      await page.screenshot({ path: artifactPath(`email-${width}.png`), fullPage: true });
      await page.close();
    });
  }
});
