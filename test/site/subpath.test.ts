import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'node-html-parser';
import { buildSample, serveSite, type BuiltSite, type Served } from '../support/site.js';

// The archive must work unchanged when a host serves it below the domain root.
let site: BuiltSite;
let server: Served;

beforeAll(async () => {
  site = await buildSample();
  server = await serveSite(site.siteDir, '/newsletter/');
});
afterAll(async () => {
  await server?.close();
  await site?.cleanup();
});

async function get(url: string): Promise<{ status: number; body: string; type: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
}

/** Resolves an href the way a browser does, against the page it was found on. */
const follow = (from: string, href: string) => new URL(href, from).href;

describe('served from /newsletter/', () => {
  it('follows links from the index to an edition, on to a metric page, and back home', async () => {
    const index = await get(server.url);
    expect(index.status).toBe(200);
    const home = parse(index.body);
    expect(home.querySelector('link[rel="stylesheet"]')?.getAttribute('href')).toBe('assets/site.css');
    const css = await get(follow(server.url, 'assets/site.css'));
    expect(css.status).toBe(200);
    expect(css.type).toContain('text/css');

    // The second newest: the newest (a projections edition) reports no share to follow to its metric page.
    const editionUrl = follow(server.url, home.querySelectorAll('.edition-item h2 a')[1]!.getAttribute('href')!);
    expect(editionUrl).toBe(`${server.url}editions/2026-02-02/index.html`);
    const edition = await get(editionUrl);
    expect(edition.status).toBe(200);
    const editionDoc = parse(edition.body);
    expect(editionDoc.querySelector('h1')?.textContent).toContain('RMB 380bn build-out');

    const metricHref = editionDoc.querySelector('#metric_alibaba_ai_cloud_share th a')!.getAttribute('href')!;
    const metricUrl = follow(editionUrl, metricHref);
    expect(metricUrl).toBe(`${server.url}metrics/alibaba_ai_cloud_share/index.html`);
    const metric = await get(metricUrl);
    expect(metric.status).toBe(200);
    const metricDoc = parse(metric.body);
    expect(metricDoc.querySelector('svg.chart')).not.toBeNull();
    expect(metricDoc.querySelector('td.value')?.textContent).toBe('38.1%');

    // The site name in the header leads back to the same index under the sub-path.
    expect(follow(metricUrl, metricDoc.querySelector('.brand')!.getAttribute('href')!)).toBe(`${server.url}index.html`);
    expect((await get(follow(metricUrl, '../../feed.xml'))).status).toBe(200);
  });

  it('every page it reaches uses no root-absolute link that would escape the sub-path', async () => {
    const seen = new Set<string>();
    const queue = [`${server.url}index.html`];
    while (queue.length > 0) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const res = await get(url);
      expect(res.status, url).toBe(200);
      if (!url.endsWith('.html')) continue;
      for (const el of parse(res.body).querySelectorAll('[href], [src]')) {
        const ref = el.getAttribute('href') ?? el.getAttribute('src')!;
        expect(ref.startsWith('/'), `${url} -> ${ref}`).toBe(false);
        const next = new URL(ref, url);
        next.hash = '';
        if (next.href.startsWith(server.url)) queue.push(next.href);
      }
    }
    // Home, 2 years, 8 editions, metrics index, 17 metrics, css, 2 feeds.
    expect(seen.size).toBeGreaterThanOrEqual(32);
  });

  it('answers an unknown path with the 404 page, whose links are absolute', async () => {
    const res = await get(`${server.url}editions/1999-01-01/deep/nope.html`);
    expect(res.status).toBe(404);
    const doc = parse(res.body);
    expect(doc.querySelector('h1')?.textContent).toBe('Page not found');
    expect(doc.querySelector('main a')?.getAttribute('href')).toBe('https://aicloudweekly.example/');
  });
});
