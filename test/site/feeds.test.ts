import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Parser from 'rss-parser';
import { atomFeed, jsonFeed, JSON_FEED_VERSION } from '../../src/site/feeds.js';
import { buildSample, readSite, type BuiltSite } from '../support/site.js';

const BASE = 'https://aicloudweekly.example';
const NEWEST_FIRST = ['2026-02-09', '2026-02-02', '2026-01-26', '2026-01-19', '2025-12-01', '2025-10-13', '2025-09-15', '2025-09-01'];
const editionUrl = (d: string) => `${BASE}/editions/${d}/`;

let site: BuiltSite;
beforeAll(async () => {
  site = await buildSample();
});
afterAll(async () => {
  await site?.cleanup();
});

describe('feed.xml (Atom 1.0)', () => {
  it('parses and lists every edition newest first, id = link = edition URL', async () => {
    const xml = await readSite(site.siteDir, 'feed.xml');
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    const feed = await new Parser().parseString(xml);
    expect(feed.title).toBe('AI Cloud Weekly');
    expect(feed.link).toBe(`${BASE}/`);
    expect(feed.feedUrl).toBe(`${BASE}/feed.xml`);
    expect(feed.items.map((i) => i.link)).toEqual(NEWEST_FIRST.map(editionUrl));
    expect(feed.items.map((i) => (i as { id?: string }).id)).toEqual(NEWEST_FIRST.map(editionUrl));
    const times = feed.items.map((i) => Date.parse(i.isoDate!));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('carries titles as readable text and the full edition with absolute links', async () => {
    const feed = await new Parser().parseString(await readSite(site.siteDir, 'feed.xml'));
    const newest = feed.items[0]!;
    expect(newest.title).toBe('What if every cloud becomes AI-only?');
    // Its prose quotes our projections; the entry carries their tables and assumptions beside it.
    expect(newest.content).toContain('<table class="projection-table">');
    expect(newest.content).toContain("Assumption: The market grows at Omdia&#x27;s forecast 26.8% a year");
    expect(newest.content).toContain(`href="${BASE}/metrics/china_ai_cloud_market/"`);
    expect(feed.items[1]!.title).toBe("Alibaba's RMB 380bn build-out, one year in");
    const fullYear = feed.items[2]!;
    expect(fullYear.title).toBe("Omdia full-year 2025: Alibaba Cloud's share rises to 38.1% in a RMB 56.7bn market");
    expect(fullYear.content).toContain('38.1%');
    expect(fullYear.content).toContain('▲ +2.3 pp');
    expect(fullYear.content).toContain(`href="${BASE}/metrics/alibaba_ai_cloud_share/"`);
    const hrefs = [...fullYear.content!.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(5);
    expect(hrefs.filter((h) => !/^https?:\/\//.test(h))).toEqual([]);
  });

  it('has the elements Atom requires: feed id, title, updated, author; entry id, title, updated', async () => {
    const xml = await readSite(site.siteDir, 'feed.xml');
    const head = xml.slice(0, xml.indexOf('<entry>'));
    for (const tag of ['<id>', '<title>', '<updated>', '<author>']) expect(head).toContain(tag);
    expect(head).toContain(`<link rel="self" href="${BASE}/feed.xml"/>`);
    const entries = xml.split('<entry>').slice(1);
    expect(entries).toHaveLength(8);
    for (const e of entries) for (const tag of ['<id>', '<title', '<updated>', '<link']) expect(e).toContain(tag);
    // Timestamps come from edition dates, so a rebuild does not change the feed.
    expect(head).toContain('<updated>2026-02-08T16:00:00.000Z</updated>');
  });
});

describe('feed.json (JSON Feed 1.1)', () => {
  it('has the 1.1 shape and lists every edition newest first', async () => {
    const feed = JSON.parse(await readSite(site.siteDir, 'feed.json')) as Record<string, unknown> & { items: Record<string, unknown>[] };
    expect(feed.version).toBe(JSON_FEED_VERSION);
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.title).toBe('AI Cloud Weekly');
    expect(feed.home_page_url).toBe(`${BASE}/`);
    expect(feed.feed_url).toBe(`${BASE}/feed.json`);
    expect(feed.language).toBe('en-GB');
    expect(feed.authors).toEqual([{ name: 'AI Cloud Weekly', url: `${BASE}/` }]);
    expect(feed).not.toHaveProperty('author');
    expect(feed.items.map((i) => i.id)).toEqual(NEWEST_FIRST.map(editionUrl));
    for (const item of feed.items) {
      expect(typeof item.id).toBe('string');
      expect(item.url).toBe(item.id);
      expect(typeof item.title).toBe('string');
      expect(typeof item.content_html).toBe('string');
      expect(item.date_published).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    }
    expect(feed.items[0]!.date_published).toBe('2026-02-09T00:00:00+08:00');
  });
});

describe('feed builders', () => {
  const site = { name: 'R&D <Weekly>', description: null, baseUrl: 'https://example.com/news', language: 'de-DE', subscribeUrl: null };
  const entry = { date: '2025-03-03', title: 'Q&A: <b> is not bold', summary: 'A & B', url: 'https://example.com/news/editions/2025-03-03/', contentHtml: '<p>x</p>' };

  it('escapes titles once for Atom and keeps them plain in JSON', async () => {
    const input = { site, timezone: 'Europe/Berlin', entries: [entry] };
    const parsed = await new Parser().parseString(atomFeed(input));
    expect(parsed.items[0]!.title).toBe('Q&amp;A: &lt;b&gt; is not bold');
    const json = JSON.parse(jsonFeed(input)) as { title: string; items: { title: string; summary: string }[] };
    expect(json.title).toBe('R&D <Weekly>');
    expect(json.items[0]!.title).toBe('Q&A: <b> is not bold');
    expect(json.items[0]!.summary).toBe('A & B');
  });

  it('an empty archive still gives valid, reproducible feeds', async () => {
    const input = { site, timezone: 'UTC', entries: [] };
    expect(atomFeed(input)).toBe(atomFeed(input));
    expect(atomFeed(input)).toContain('<updated>1970-01-01T00:00:00.000Z</updated>');
    expect(JSON.parse(jsonFeed(input)).items).toEqual([]);
    expect(JSON.parse(jsonFeed(input)).feed_url).toBe('https://example.com/news/feed.json');
  });
});
