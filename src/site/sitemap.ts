/**
 * sitemap.xml (sitemaps.org 0.9). Search engines take only absolute URLs
 * here, so every <loc> is built from baseUrl; a site deployed under a
 * sub-path must have that sub-path in baseUrl.
 */
import { escapeXml } from '../util/escape.js';

export interface SitemapEntry {
  loc: string;
  /** ISO date, or null when the page has no meaningful date. */
  lastmod: string | null;
}

export function sitemapXml(entries: readonly SitemapEntry[]): string {
  const urls = entries.map(
    (e) => `  <url><loc>${escapeXml(e.loc)}</loc>${e.lastmod ? `<lastmod>${e.lastmod}</lastmod>` : ''}</url>`,
  );
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', ...urls, '</urlset>', ''].join('\n');
}
