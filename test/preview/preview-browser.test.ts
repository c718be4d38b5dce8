/**
 * End to end: a real preview server (in-process, port 0) over a temporary
 * copy of content/ and templates/, driven by headless Chromium. Files are
 * edited on disk with writeFile, as an editor would.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, chromiumAvailable, launchChromium } from '../support/browser.js';
import { startPreview, type PreviewServer } from '../../src/preview/server.js';
import { silentLogger } from '../../src/preview/reporter.js';

const DATE = '2025-10-13';
const BRIEF = '2025-10-13-qwen-open-source-and-price-cuts.md';

describe.skipIf(!chromiumAvailable)('briefwire preview in Chromium', () => {
  let tmp: string;
  let briefPath: string;
  let original: string;
  let server: PreviewServer;
  let browser: Browser;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'briefwire-preview-'));
    await cp('content', path.join(tmp, 'content'), { recursive: true });
    await cp('templates', path.join(tmp, 'templates'), { recursive: true });
    briefPath = path.join(tmp, 'content', 'editions', BRIEF);
    original = await readFile(briefPath, 'utf8');
    server = await startPreview({ contentDir: path.join(tmp, 'content'), templatesDir: path.join(tmp, 'templates'), port: 0, logger: silentLogger });
    const first = await server.ready;
    expect(first.ok).toBe(true);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /**
   * Saves `text` as the shared brief, runs `check`, and puts the brief back
   * whatever happens: the later tests share it, so one failure must not leave
   * them a changed brief.
   */
  async function withBriefSaved(text: string, check: () => Promise<void>): Promise<void> {
    await writeFile(briefPath, text);
    try {
      await check();
    } finally {
      await writeFile(briefPath, original);
    }
  }

  const scriptErrors = new Map<Page, string[]>();

  async function open(pathname: string, width = 1280): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    scriptErrors.set(page, errors);
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL(pathname, server.url).href);
    return page;
  }

  /** Closes pages, failing the test if any of them had a script error. */
  async function done(...pages: Page[]): Promise<void> {
    for (const page of pages) {
      expect(scriptErrors.get(page)).toEqual([]);
      await page.close();
    }
  }

  /** The email iframe's document has loaded (it is same-origin, so the page can look inside). */
  /** Marks a page's window; the mark survives live updates and is lost on a reload. */
  const markWindow = (page: Page) => page.evaluate(() => ((window as unknown as { marker: string }).marker = 'still here'));
  const stillMarked = async (page: Page) => (await page.evaluate(() => (window as unknown as { marker?: string }).marker)) === 'still here';

  /** The edition page (email loaded) and the index, both marked. */
  async function openEditionAndIndex(): Promise<{ page: Page; index: Page }> {
    const page = await open(`/editions/${DATE}/`);
    const index = await open('/');
    await frameLoaded(page);
    await markWindow(page);
    await markWindow(index);
    return { page, index };
  }

  async function frameLoaded(page: Page): Promise<void> {
    await page.waitForFunction(() => {
      const f = document.getElementById('email-frame') as HTMLIFrameElement | null;
      return !!f?.contentDocument?.querySelector('h1');
    });
  }

  it('lists every edition on the index, newest first, each linking to its preview', async () => {
    const page = await open('/');
    const rows = await page.$$eval('#editions tbody tr', (trs) =>
      trs.map((tr) => ({ date: tr.getAttribute('data-date'), href: tr.querySelector('a.edition-link')?.getAttribute('href'), title: tr.querySelector('a')?.textContent })),
    );
    expect(rows.map((r) => r.date)).toEqual(['2026-02-09', '2026-02-02', '2026-01-26', '2026-01-19', '2025-12-01', '2025-10-13', '2025-09-15', '2025-09-01']);
    expect(rows[0]!.href).toBe('/editions/2026-02-09/');
    expect(rows[0]!.title).toContain('every cloud becomes AI-only');
    expect(rows[1]!.title).toContain('build-out, one year in');
    // Headline moves from the edition's view.
    expect(await page.textContent('tr[data-date="2026-01-26"] .movers')).toMatch(/Alibaba Cloud share of China AI cloud market\s*▲ \+2\.3 pp/);
    await page.click('tr[data-date="2025-09-15"] a.edition-link');
    await page.waitForURL(/\/editions\/2025-09-15\/$/);
    await frameLoaded(page);
    await done(page);
  });

  it('switches between desktop (600 px), mobile (375 px), plain text, HTML source and data', async () => {
    const page = await open(`/editions/${DATE}/`);
    await frameLoaded(page);
    const frameWidth = () => page.$eval('#email-frame', (f) => f.clientWidth);
    expect(await frameWidth()).toBe(600);
    expect(await page.isVisible('#email-text')).toBe(false);

    await page.click('#view-mobile');
    await page.waitForFunction(() => document.getElementById('email-frame')!.clientWidth === 375);
    expect(await page.getAttribute('#view-mobile', 'aria-pressed')).toBe('true');
    // The email really lays out at phone width: its body is no wider than the frame.
    expect(await page.$eval('#email-frame', (f) => (f as HTMLIFrameElement).contentDocument!.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: artifactPath('preview-edition-mobile.png') });

    await page.click('#view-text');
    expect(await page.isVisible('#email-frame')).toBe(false);
    expect(await page.isVisible('#email-text')).toBe(true);
    const text = await (await fetch(new URL(`/editions/${DATE}/email.txt`, server.url))).text();
    expect((await page.textContent('#email-text'))!.trim()).toBe(text.trim());
    expect(text).toContain("Qwen's open-source reach");
    expect(text).not.toContain('%%BRIEFWIRE_UNSUBSCRIBE_URL%%');

    await page.click('#view-source');
    expect(await page.textContent('#email-source')).toMatch(/^<!doctype html>/i);

    await page.click('#view-data');
    const row = await page.$$eval('#metrics-table tr[data-key="ai_model_price_cut"] td', (tds) => tds.map((td) => td.textContent!.trim()));
    expect(row[0]).toContain('price cut');
    expect(row[6]).toBe('new');
    expect(await page.$$eval('#metrics-table thead th', (ths) => ths.map((th) => th.textContent))).toEqual(['Metric', 'Value', 'Change', 'Previous', 'Period', 'Source', 'Status']);

    // Size against Gmail's clipping limit.
    expect(await page.textContent('#email-size')).toMatch(/HTML \d+\.\d KB of Gmail's 102 KB clip limit/);

    // The view is kept in the URL, so a reload comes back to it.
    expect(new URL(page.url()).hash).toBe('#data');
    await page.reload();
    expect(await page.isVisible('#metrics-table')).toBe(true);
    await done(page);
  });

  it('points the unsubscribe link at #preview-unsubscribe', async () => {
    const page = await open(`/editions/${DATE}/`);
    await frameLoaded(page);
    const hrefs = await page.$eval('#email-frame', (f) =>
      [...(f as HTMLIFrameElement).contentDocument!.querySelectorAll('a')].filter((a) => a.textContent === 'Unsubscribe').map((a) => a.getAttribute('href')),
    );
    expect(hrefs).toEqual(['#preview-unsubscribe']);
    await done(page);
  });

  it('shows a new title in the open page without reloading it', async () => {
    const { page, index } = await openEditionAndIndex();

    const title = 'Qwen goes everywhere: a retitled edition';
    await withBriefSaved(original.replace(/^title: .*$/m, `title: "${title}"`), async () => {
      await page.waitForFunction(
        (t) => {
          const frame = document.getElementById('email-frame') as HTMLIFrameElement;
          return document.getElementById('edition-title')?.textContent === t && frame.contentDocument?.querySelector('h1')?.textContent?.includes(t);
        },
        title,
        { timeout: 5000 },
      );
      await index.waitForFunction((t) => document.querySelector(`tr[data-date="2025-10-13"] a`)?.textContent === t, title, { timeout: 5000 });
      expect(await stillMarked(page)).toBe(true);
      expect(await stillMarked(index)).toBe(true);
      expect(await page.title()).toContain(title);
    });
    // Present and restored: a missing element would pass "does not include" while the page updates.
    await page.waitForFunction(() => document.getElementById('edition-title')?.textContent?.includes('retitled') === false, undefined, { timeout: 5000 });
    await done(page, index);
  });

  it('shows every problem in an overlay on every open page while a brief is broken, and clears it when fixed', async () => {
    const { page, index } = await openEditionAndIndex();
    expect(await page.isVisible('#overlay')).toBe(false);

    await withBriefSaved(original.replace(/^title: (.*)$/m, 'title: [$1'), async () => {
      for (const p of [page, index]) {
        await p.waitForSelector('#overlay:not([hidden])', { timeout: 5000 });
        const problems = await p.$$eval('#overlay #problems li', (lis) => lis.map((li) => ({ file: li.getAttribute('data-file'), text: li.textContent })));
        expect(problems.length).toBeGreaterThan(0);
        expect(problems[0]!.file).toBe(briefPath);
        expect(problems[0]!.text).toContain(`${BRIEF}`);
        expect(problems[0]!.text).toMatch(/error\[BW_YAML_INVALID\]: invalid YAML/);
      }
      // The last good render stays under the overlay.
      expect(await page.$eval('#email-frame', (f) => (f as HTMLIFrameElement).contentDocument!.querySelector('h1')!.textContent)).toContain("Qwen's open-source reach");
      await page.screenshot({ path: artifactPath('preview-overlay.png') });

      // Hide collapses it to a bar; the problems are still a click away.
      await page.click('#overlay-toggle');
      expect(await page.isVisible('#problems')).toBe(false);
      await page.click('#overlay-toggle');
      expect(await page.isVisible('#problems')).toBe(true);
    });
    for (const p of [page, index]) await p.waitForSelector('#overlay[hidden]', { state: 'attached', timeout: 5000 });
    expect(await page.isVisible('#overlay')).toBe(false);
    expect(await stillMarked(page)).toBe(true);
    await done(page, index);
  });

  it('lists the edition\'s email client compatibility in a pane, and names what a template change adds', async () => {
    const page = await open(`/editions/${DATE}/#clients`);
    await frameLoaded(page);
    // The page is served without waiting for the report; a `report` event brings it in when it is ready.
    await page.waitForSelector('#clients-table', { timeout: 30_000 });
    expect(await page.isVisible('#clients-table')).toBe(true);
    expect(await page.getAttribute('#view-clients', 'aria-pressed')).toBe('true');
    const rows = () =>
      page.$$eval('#clients-table tbody tr', (trs) =>
        trs.map((tr) => ({ client: tr.getAttribute('data-client'), added: tr.querySelector('td.added')!.textContent, mjml: tr.querySelector('td.mjml')!.textContent })),
      );
    const before = await rows();
    expect(before.map((r) => r.client)).toEqual(['Gmail', 'Outlook for Windows', 'Outlook.com', 'Apple Mail', 'Yahoo Mail', 'Samsung Email']);
    for (const r of before) expect(r.added, r.client!).toBe('none');
    expect(before[0]!.mjml).toMatch(/@media.*Class selector.*\(only mobile-webmail\)/);
    expect(await page.textContent('#clients-status')).toBe('Our templates add nothing that Gmail, Outlook or Apple Mail lacks.');
    await markWindow(page);

    const partial = path.join(tmp, 'templates', 'partials', 'metrics-table.mjml.hbs');
    const template = await readFile(partial, 'utf8');
    await writeFile(partial, template.replace('Key metrics</h2>', 'Key metrics <time datetime="{{date}}" style="white-space:nowrap">{{date}}</time></h2>'));
    try {
      // The row must be there: while the report is pending the table has none, and a missing row is not a changed one.
      await page.waitForFunction(() => !['0', null, undefined].includes(document.querySelector('#clients-table tr[data-client="Outlook for Windows"]')?.getAttribute('data-added')), undefined, { timeout: 30_000 });
      const after = await rows();
      expect(after.find((r) => r.client === 'Outlook for Windows')!.added).toBe('HTML5 semantics, white-space');
      expect(after.find((r) => r.client === 'Samsung Email')!.added).toBe('white-space');
      expect(after.find((r) => r.client === 'Apple Mail')!.added).toBe('none');
      expect(await page.textContent('#clients-status')).toContain('Outlook for Windows lacks');
      // The warnings are listed with the edition's other problems.
      expect(await page.textContent('#warnings')).toMatch(/warning\[BW_EMAIL_CLIENT_UNSUPPORTED\]: the email uses "white-space"/);
      await page.screenshot({ path: artifactPath('preview-clients.png') });
      // Updated in place, still on the same view.
      expect(await stillMarked(page)).toBe(true);
      expect(new URL(page.url()).hash).toBe('#clients');
    } finally {
      await writeFile(partial, template);
    }
    await page.waitForFunction(() => document.querySelector('#clients-table tr[data-client="Outlook for Windows"]')?.getAttribute('data-added') === '0', undefined, { timeout: 30_000 });
    await done(page);
  });

  it('shows the email in dark mode with the toggle, kept in the URL and across a live update, whatever the system prefers', async () => {
    const page = await open(`/editions/${DATE}/`);
    await frameLoaded(page);
    const card = () => page.$eval('#email-frame', (f) => getComputedStyle((f as HTMLIFrameElement).contentDocument!.querySelector('.bw-card > table')!).backgroundColor);
    const heading = () => page.$eval('#email-frame', (f) => getComputedStyle((f as HTMLIFrameElement).contentDocument!.querySelector('h1')!).color);
    const LIGHT_CARD = 'rgb(255, 255, 255)';
    const DARK_CARD = 'rgb(22, 27, 34)';
    expect(await card()).toBe(LIGHT_CARD);
    const lightHeading = await heading();
    expect(await page.getAttribute('#scheme-dark', 'aria-pressed')).toBe('false');

    await page.click('#scheme-dark');
    expect(await page.getAttribute('#scheme-dark', 'aria-pressed')).toBe('true');
    expect(await card()).toBe(DARK_CARD);
    expect(await heading()).not.toBe(lightHeading);
    expect(new URL(page.url()).hash).toBe('#dark');
    await page.click('#view-mobile');
    expect(new URL(page.url()).hash).toBe('#mobile+dark');
    expect(await card()).toBe(DARK_CARD);
    await page.screenshot({ path: artifactPath('preview-dark-mobile.png') });

    // A save swaps in a new frame: it is shown dark too.
    await markWindow(page);
    const title = 'A retitled edition, seen in dark mode';
    await withBriefSaved(original.replace(/^title: .*$/m, `title: "${title}"`), async () => {
      await page.waitForFunction((t) => (document.getElementById('email-frame') as HTMLIFrameElement).contentDocument?.querySelector('h1')?.textContent?.includes(t), title, { timeout: 10_000 });
      expect(await card()).toBe(DARK_CARD);
      expect(await stillMarked(page)).toBe(true);
    });
    await page.waitForFunction(() => (document.getElementById('email-frame') as HTMLIFrameElement).contentDocument?.querySelector('h1')?.textContent?.includes('retitled') === false, undefined, { timeout: 10_000 });

    // A reload comes back dark, at phone width.
    await page.reload();
    await frameLoaded(page);
    expect(await page.getAttribute('#scheme-dark', 'aria-pressed')).toBe('true');
    expect(await page.$eval('#email-frame', (f) => f.clientWidth)).toBe(375);
    expect(await card()).toBe(DARK_CARD);
    await page.click('#scheme-dark');
    expect(await card()).toBe(LIGHT_CARD);
    expect(new URL(page.url()).hash).toBe('#mobile');
    await done(page);

    // The toggle decides, not the system: a browser set to dark shows the email light until asked.
    const system = await browser.newPage({ colorScheme: 'dark' });
    const errors: string[] = [];
    system.on('pageerror', (e) => errors.push(e.message));
    await system.goto(new URL(`/editions/${DATE}/`, server.url).href);
    await frameLoaded(system);
    const systemCard = () => system.$eval('#email-frame', (f) => getComputedStyle((f as HTMLIFrameElement).contentDocument!.querySelector('.bw-card > table')!).backgroundColor);
    expect(await systemCard()).toBe(LIGHT_CARD);
    await system.click('#scheme-dark');
    expect(await systemCard()).toBe(DARK_CARD);
    expect(errors).toEqual([]);
    await system.close();
  });

  it('shows a full edition whole: header, pager, the email laid out at 600 px with every metric of the data pane (screenshots kept)', async () => {
    const page = await open('/editions/2026-01-26/');
    await frameLoaded(page);
    const seen = await page.evaluate(() => {
      const frame = document.getElementById('email-frame') as HTMLIFrameElement;
      const email = frame.contentDocument!;
      const text = (sel: string) => document.querySelector(sel)?.textContent?.trim() ?? null;
      return {
        title: text('#edition-title'),
        h1: email.querySelector('h1')?.textContent?.trim() ?? null,
        status: text('#status'),
        previous: document.getElementById('prev-edition')?.getAttribute('href') ?? null,
        next: document.getElementById('next-edition')?.getAttribute('href') ?? null,
        frameWidth: frame.clientWidth,
        emailWidth: email.documentElement.scrollWidth,
        emailText: email.body.innerText,
        // Label and value of every metric row in the data pane.
        metrics: [...document.querySelectorAll('#metrics-table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.firstChild?.textContent?.trim() ?? '')),
        pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };
    });
    expect(seen.title).toContain('Omdia full-year 2025');
    expect(seen.h1).toBe(seen.title);
    expect(seen.status).toBe('edition 6 of 8');
    expect(seen.previous).toBe('/editions/2026-01-19/');
    expect(seen.next).toBe('/editions/2026-02-02/');
    expect(seen.frameWidth).toBe(600);
    expect(seen.emailWidth).toBeLessThanOrEqual(600);
    expect(seen.pageOverflow).toBe(0);
    expect(seen.metrics.length).toBeGreaterThan(3);
    // The email keeps figures together with no-break spaces; the data pane uses plain ones.
    const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
    for (const [label, value] of seen.metrics) {
      expect(spaces(seen.emailText), label).toContain(spaces(label!));
      if (value !== '—') expect(spaces(seen.emailText), label).toContain(spaces(value!));
    }
    await page.screenshot({ path: artifactPath('preview-edition.png') });

    const index = await open('/');
    // Every edition has rendered, so every row shows its headline moves.
    expect(await index.$$eval('#editions tbody td.movers', (tds) => tds.filter((td) => td.textContent!.includes('rendering')).length)).toBe(0);
    await index.screenshot({ path: artifactPath('preview-index.png'), fullPage: true });
    await done(index, page);
  });
});
