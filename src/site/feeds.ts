/**
 * feed.xml (Atom 1.0, written by the `feed` package) and feed.json (JSON
 * Feed 1.1, written here: `feed` v6's json1() still emits JSON Feed 1.0,
 * with the deprecated singular `author` and no `language`).
 *
 * Entry ids are the edition URLs, which never change once an edition is
 * out, so readers do not show an edition twice after a rebuild. Timestamps
 * are the edition dates (local midnight), not the build time, so rebuilding
 * the same content gives byte-identical feeds.
 */
import { Feed } from 'feed';
import { editionTimestamp } from '../render/dates.js';
import { escapeHtmlText } from '../util/escape.js';
import { absoluteUrl, ATOM_FEED, HOME_PAGE, JSON_FEED } from '../render/out-layout.js';
import type { SiteInfo } from './site-model.js';

export interface FeedEntry {
  date: string;
  title: string;
  summary: string | null;
  /** Absolute; also the entry id. */
  url: string;
  contentHtml: string;
}

export interface FeedInput {
  site: SiteInfo;
  timezone: string;
  /** Newest first. */
  entries: readonly FeedEntry[];
}

export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/** An empty archive still needs a fixed `updated`; the epoch keeps the output reproducible. */
function updatedOf(input: FeedInput): string {
  const newest = input.entries[0];
  return newest ? editionTimestamp(newest.date, input.timezone) : '1970-01-01T00:00:00Z';
}

export function atomFeed(input: FeedInput): string {
  const { site } = input;
  const home = absoluteUrl(site.baseUrl, HOME_PAGE);
  const feed = new Feed({
    id: home,
    title: site.name,
    ...(site.description ? { description: site.description } : {}),
    link: home,
    feed: absoluteUrl(site.baseUrl, ATOM_FEED),
    updated: new Date(updatedOf(input)),
    generator: 'briefwire',
    // Atom requires an author; the newsletter's name and site, never a mailbox.
    author: { name: site.name, link: home },
  });
  for (const e of input.entries) {
    const when = new Date(editionTimestamp(e.date, input.timezone));
    feed.addItem({
      // `feed` writes titles and summaries as type="html", so plain text must be escaped once.
      title: escapeHtmlText(e.title),
      id: e.url,
      link: e.url,
      date: when,
      published: when,
      ...(e.summary ? { description: escapeHtmlText(e.summary) } : {}),
      content: e.contentHtml,
    });
  }
  return `${feed.atom1()}\n`;
}

export function jsonFeed(input: FeedInput): string {
  const { site } = input;
  const home = absoluteUrl(site.baseUrl, HOME_PAGE);
  const feed = {
    version: JSON_FEED_VERSION,
    title: site.name,
    home_page_url: home,
    feed_url: absoluteUrl(site.baseUrl, JSON_FEED),
    ...(site.description ? { description: site.description } : {}),
    language: site.language,
    authors: [{ name: site.name, url: home }],
    items: input.entries.map((e) => ({
      id: e.url,
      url: e.url,
      title: e.title,
      ...(e.summary ? { summary: e.summary } : {}),
      content_html: e.contentHtml,
      date_published: editionTimestamp(e.date, input.timezone),
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}
