/**
 * Every sample email as inboxes show it: with every <style> removed (the
 * Gmail app for non-Google accounts, Gmail when it rejects a block) at phone
 * and desktop widths, and in dark mode. Real Chromium; screenshots go to
 * test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, chromiumAvailable, launchChromium } from '../support/browser.js';
import { renderSample } from '../support/fixtures.js';
import { backgroundColourOf, brokenWords, coloursOf, luminance, stripStyles, withContrast, type ContrastSample } from '../support/email-page.js';

const AA = 4.5;

describe.skipIf(!chromiumAvailable)('sample emails in a real browser', () => {
  let browser: Browser;
  let emails: { date: string; html: string }[];

  beforeAll(async () => {
    const r = await renderSample();
    emails = r.rendered.map((e) => ({ date: e.edition.date, html: e.email.html }));
    expect(emails.length).toBeGreaterThanOrEqual(6);
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  async function open(html: string, width: number, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
    await page.setContent(html, { waitUntil: 'load' });
    return page;
  }

  // Six emails, each loaded and measured in turn, on a shared 2-core machine.
  const SLOW = 240_000;

  for (const width of [375, 600]) {
    test(`with <style> stripped, every email fits ${width} px, labels keep >= 100 px and no word breaks mid-word`, async () => {
      for (const { date, html } of emails) {
        const stripped = stripStyles(html);
        expect(stripped).not.toMatch(/<style/i);
        const page = await open(stripped, width);
        const m = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          labelWidths: [...document.querySelectorAll('.bw-cell-label')].map((e) => e.getBoundingClientRect().width),
          headerWidths: [...document.querySelectorAll('.bw-metrics th')].map((e) => e.getBoundingClientRect().width),
        }));
        const broken = await page.evaluate(brokenWords);
        await page.screenshot({ path: artifactPath(`email-nostyle-${date}-${width}.png`), fullPage: true });
        await page.close();
        expect(m.scrollWidth, `${date} at ${width} px`).toBeLessThanOrEqual(width);
        expect(m.labelWidths.length, date).toBeGreaterThan(0);
        expect(Math.min(...m.labelWidths), `${date} at ${width} px: narrowest metric label`).toBeGreaterThanOrEqual(100);
        expect(broken, `${date} at ${width} px: words broken across lines`).toEqual([]);
      }
    }, SLOW);

    test(`with styles, every email fits ${width} px with no word broken mid-word`, async () => {
      for (const { date, html } of emails) {
        const page = await open(html, width);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        const broken = await page.evaluate(brokenWords);
        await page.screenshot({ path: artifactPath(`email-${date}-${width}.png`), fullPage: true });
        await page.close();
        expect(scrollWidth, `${date} at ${width} px`).toBeLessThanOrEqual(width);
        expect(broken, `${date} at ${width} px`).toEqual([]);
      }
    }, SLOW);
  }

  const TEXT = '.bw-text p, .bw-text li, .bw-text h1, .bw-text h2, .bw-text td, .bw-text span, .bw-text a, .bw-text strong, .bw-text > div';
  const CHANGES = '.bw-positive, .bw-negative, .bw-neutral';
  const failing = (samples: ContrastSample[]) => samples.filter((s) => s.ratio < AA);

  for (const scheme of ['light', 'dark'] as const) {
    test(`${scheme} scheme: page and card backgrounds, AA contrast for body text and change colours`, async () => {
      for (const { date, html } of emails) {
        const page = await open(html, 600, scheme);
        const card = luminance((await page.evaluate(backgroundColourOf, '.bw-card > table')) ?? 'no card');
        const text = withContrast(await page.evaluate(coloursOf, TEXT));
        const changes = withContrast(await page.evaluate(coloursOf, CHANGES));
        await page.screenshot({ path: artifactPath(`email-${scheme}-${date}.png`), fullPage: true });
        await page.close();
        if (scheme === 'dark') expect(card, `${date}: card background luminance`).toBeLessThan(0.05);
        else expect(card).toBeGreaterThan(0.9);
        expect(text.length, date).toBeGreaterThan(20);
        expect(changes.length, date).toBeGreaterThan(0);
        expect(failing(text), `${date}: body text under ${AA}:1`).toEqual([]);
        expect(failing(changes), `${date}: change colours under ${AA}:1`).toEqual([]);
      }
    }, SLOW);
  }
});
