import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { buildSample, checkLinks, listFiles, readSite, type BuiltSite, type LinkReport } from '../support/site.js';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../../src/render/placeholders.js';
import { builtEditionDir, EDITION_JSON, editionJsonSchema, SITE_DIR } from '../../src/render/out-layout.js';
import { build, renderAll } from '../../src/pipeline/build.js';
import { copySample } from '../support/fixtures.js';

const BASE = 'https://aicloudweekly.example';
const FROM_ADDRESS = 'brief@aicloudweekly.example';
const DATES = ['2025-09-01', '2025-09-15', '2025-10-13', '2025-12-01', '2026-01-19', '2026-01-26', '2026-02-02', '2026-02-09'];

let site: BuiltSite;
let files: string[];
let pages: string[];
let links: LinkReport;

beforeAll(async () => {
  site = await buildSample();
  files = await listFiles(site.siteDir);
  pages = files.filter((f) => f.endsWith('.html'));
  links = await checkLinks(site.siteDir);
});

afterAll(async () => {
  await site?.cleanup();
});

describe('archive layout', () => {
  it('writes the home page, an archive page per year, a page per edition and per metric, feeds, sitemap, 404 and one stylesheet', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'index.html',
        '404.html',
        'assets/site.css',
        'feed.xml',
        'feed.json',
        'sitemap.xml',
        'archive/2025/index.html',
        'archive/2026/index.html',
        'metrics/index.html',
        'metrics/alibaba_ai_cloud_share/index.html',
        ...DATES.map((d) => `editions/${d}/index.html`),
      ]),
    );
    // Pagefind's index comes with no stylesheet of its own either: the search page is styled by the site's.
    expect(files.filter((f) => f.endsWith('.css'))).toEqual(['assets/site.css']);
    // One page per metric ever reported or computed: the sample registry has 17 (one derived) and uses them all.
    expect(files.filter((f) => /^metrics\/[a-z0-9_]+\/index\.html$/.test(f))).toHaveLength(17);
    expect(files).toContain('metrics/volcano_huawei_tencent_share/index.html');
  });

  it('leaves the email files of each edition where they were, outside the site', async () => {
    // out/editions/<date>/ is what `briefwire send` reads; the site is built next to it, not over it.
    const out = await listFiles(site.outDir);
    for (const date of DATES) {
      expect(out).toEqual(expect.arrayContaining([`editions/${date}/email.html`, `editions/${date}/email.txt`, `editions/${date}/edition.json`]));
      const edition = JSON.parse(await readFile(path.join(site.outDir, 'editions', date, 'edition.json'), 'utf8')) as { date: string; title: string };
      expect(edition.date).toBe(date);
      const html = await readFile(path.join(site.outDir, 'editions', date, 'email.html'), 'utf8');
      expect(html).toMatch(/^<!doctype html>/i);
      expect(parse(html).text).toContain(edition.title);
      expect(html).toContain(UNSUBSCRIBE_URL_PLACEHOLDER);
    }
    expect(files.filter((f) => /(^|\/)(email\.html|email\.txt|edition\.json)$/.test(f))).toEqual([]);
  });
});

describe('links', () => {
  it('follows a useful number of relative links', () => {
    expect(links.checked.length).toBeGreaterThan(300);
  });

  it('every relative href and src names an existing file, and every fragment an existing id', () => {
    expect(links.broken).toEqual([]);
  });

  it('no link is root-absolute', () => {
    expect(links.rootAbsolute).toEqual([]);
  });

  it('internal links are relative: the only absolute baseUrl links are canonical links and the 404 page', () => {
    const internal = links.absolute.filter((l) => l.href.startsWith(BASE) && l.page !== '404.html' && l.rel !== 'canonical');
    expect(internal).toEqual([]);
  });

  it('links name a file (dir/index.html), never a bare directory that file:// could not open', () => {
    const paths = links.checked.map((l) => l.split(' -> ')[1]!.split('#')[0]!).filter((p) => p !== '');
    expect(paths.filter((p) => !/\.(html|css|xml|json|csv|js|png)$/.test(p))).toEqual([]);
  });

  it('the 404 page links home absolutely, so its links work at any depth', async () => {
    const html = parse(await readSite(site.siteDir, '404.html'));
    const hrefs = html.querySelectorAll('main a').map((a) => a.getAttribute('href'));
    expect(hrefs).toContain(`${BASE}/`);
    expect(hrefs.every((h) => h!.startsWith(`${BASE}/`))).toBe(true);
    // Served at arbitrary paths, it cannot rely on a relative stylesheet.
    expect(html.querySelector('link[rel="stylesheet"]')).toBeNull();
    expect(html.querySelector('style')?.textContent).toContain('.site-header');
  });
});

describe('every page', () => {
  it.each(['index.html', 'archive/2025/index.html', 'editions/2026-01-26/index.html', 'metrics/index.html', 'metrics/qwen_downloads/index.html', '404.html'])(
    '%s has lang, title, description, canonical, Open Graph and feed links',
    async (page) => {
      const root = parse(await readSite(site.siteDir, page));
      expect(root.querySelector('html')?.getAttribute('lang')).toBe('en-GB');
      expect(root.querySelector('title')?.textContent.trim()).toMatch(/AI Cloud Weekly/);
      expect(root.querySelector('meta[name="description"]')?.getAttribute('content')?.length).toBeGreaterThan(20);
      const canonical = root.querySelector('link[rel="canonical"]')?.getAttribute('href');
      expect(canonical).toMatch(new RegExp(`^${BASE}/`));
      expect(canonical).not.toMatch(/index\.html$/);
      for (const property of ['og:title', 'og:description', 'og:url', 'og:type', 'og:site_name']) {
        expect(root.querySelector(`meta[property="${property}"]`)?.getAttribute('content'), property).toBeTruthy();
      }
      expect(root.querySelector('meta[property="og:url"]')?.getAttribute('content')).toBe(canonical);
      expect(root.querySelector('link[rel="alternate"][type="application/atom+xml"]')).not.toBeNull();
      expect(root.querySelector('link[rel="alternate"][type="application/feed+json"]')).not.toBeNull();
    },
  );

  it('checks the head of all pages, not just a sample', async () => {
    for (const page of pages) {
      const root = parse(await readSite(site.siteDir, page));
      expect(root.querySelectorAll('link[rel="canonical"]'), page).toHaveLength(1);
      expect(root.querySelectorAll('h1'), page).toHaveLength(1);
      const ids = root.querySelectorAll('[id]').map((e) => e.getAttribute('id'));
      expect(ids.filter((id, i) => ids.indexOf(id) !== i), `duplicate ids in ${page}`).toEqual([]);
    }
  });

  it("an edition's canonical URL is the email's View in browser link", async () => {
    for (const date of DATES) {
      const json = editionJsonSchema.parse(JSON.parse(await readFile(path.join(builtEditionDir(site.outDir, date), EDITION_JSON), 'utf8')));
      const root = parse(await readSite(site.siteDir, `editions/${date}/index.html`));
      expect(root.querySelector('link[rel="canonical"]')?.getAttribute('href')).toBe(json.url);
      expect(root.querySelector('meta[property="og:type"]')?.getAttribute('content')).toBe('article');
    }
  });
});

describe('no subscriber data', () => {
  const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;

  it('no page or feed contains the unsubscribe placeholder, a token URL or an e-mail address other than From', async () => {
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const text = await readSite(site.siteDir, f);
      expect(text, f).not.toContain(UNSUBSCRIBE_URL_PLACEHOLDER);
      expect(text, f).not.toContain('BRIEFWIRE_UNSUBSCRIBE');
      expect(text.toLowerCase(), f).not.toContain('unsubscribe?token');
      const addresses = (text.match(EMAIL) ?? []).filter((a) => a.toLowerCase() !== FROM_ADDRESS);
      expect(addresses, f).toEqual([]);
    }
  });

  it('the site does not show the reply-to or postal address either', async () => {
    for (const f of files) {
      const text = await readSite(site.siteDir, f);
      expect(text, f).not.toContain('desk@aicloudweekly.example');
      expect(text, f).not.toContain('Harbour View Road');
    }
  });
});

describe('sitemap', () => {
  it('lists every page except 404 and the search page by canonical URL, with lastmod dates', async () => {
    const xml = await readSite(site.siteDir, 'sitemap.xml');
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);
    // The search page shows nothing of its own until asked (it is noindex too).
    const expected = pages
      .filter((p) => p !== '404.html' && p !== 'search/index.html')
      .map((p) => `${BASE}/${p.replace(/index\.html$/, '')}`)
      .sort();
    expect([...locs].sort()).toEqual(expected);
    expect(xml).toContain(`<url><loc>${BASE}/editions/2025-09-01/</loc><lastmod>2025-09-01</lastmod></url>`);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });
});

/**
 * A build writes each edition's page as soon as the edition is rendered and
 * keeps only a summary of it for the rest of the site; the in-memory path
 * renders the site from every rendered edition at the end. Both must make
 * the same site, byte for byte.
 */
describe('the site written edition by edition', () => {
  it('is the site made in memory from every rendered edition, file for file', async () => {
    const s = await copySample();
    // The site in memory has no share cards and no search index (bytes, made only into out/).
    const built = await build({ contentDir: s.content, templatesDir: s.templates, outDir: s.out, cache: false, cards: false, search: false });
    expect(built.ok).toBe(true);
    const inMemory = await renderAll({ contentDir: s.content, templatesDir: s.templates });
    if (!('files' in inMemory)) throw new Error(JSON.stringify(inMemory.problems));
    const site = [...inMemory.files].filter(([rel]) => rel.startsWith(`${SITE_DIR}/`));
    const written = (await readdir(path.join(s.out, SITE_DIR), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(written.map((e) => path.relative(s.out, path.join(e.parentPath, e.name))).sort()).toEqual(site.map(([rel]) => rel).sort());
    expect(site.length).toBeGreaterThan(20);
    for (const [rel, text] of site) expect(await readFile(path.join(s.out, rel), 'utf8'), rel).toBe(text);
  });
});
