/**
 * Where each archive page lives and how pages point at each other.
 *
 * Pages are named by their file path relative to the site root
 * (`editions/2025-09-01/index.html`). Links between pages are relative and
 * name the file itself, never a bare directory or a root-absolute path: the
 * site must work unchanged from a domain root, from a sub-path and from
 * file:// (where no server turns `dir/` into `dir/index.html`).
 *
 * Canonical and feed URLs go the other way: absolute from baseUrl, with the
 * trailing `index.html` dropped, so an edition's canonical URL is exactly the
 * email's "View in browser" link (`<baseUrl>/editions/<date>/`).
 */

/** Output folder of the site inside out/. */
export const SITE_DIR = 'site';

export const HOME_PAGE = 'index.html';
export const METRICS_PAGE = 'metrics/index.html';
export const NOT_FOUND_PAGE = '404.html';
export const STYLESHEET = 'assets/site.css';
export const ATOM_FEED = 'feed.xml';
export const JSON_FEED = 'feed.json';
export const SITEMAP = 'sitemap.xml';

export function editionPagePath(date: string): string {
  return `editions/${date}/index.html`;
}

export function archiveYearPagePath(year: string): string {
  return `archive/${year}/index.html`;
}

/** Metric keys are validated to [a-z0-9_], so they are safe as path segments. */
export function metricPagePath(key: string): string {
  return `metrics/${key}/index.html`;
}

/** A file beside a metric's page (its data downloads). */
export function metricFilePath(key: string, name: string): string {
  return `metrics/${key}/${name}`;
}

/** Turns a page path and an optional fragment into an href. */
export type Linker = (page: string, fragment?: string) => string;

/** `../` once per folder the page sits in. */
export function rootPrefix(fromPage: string): string {
  const depth = fromPage.split('/').length - 1;
  return '../'.repeat(depth);
}

/**
 * Links from one page. Every target is spelled from the root
 * (`../../metrics/x/index.html`) rather than the shortest relative path,
 * which costs a few bytes but no path arithmetic per link.
 */
export function relativeLinker(fromPage: string): Linker {
  const prefix = rootPrefix(fromPage);
  return (page, fragment) => {
    const hash = fragment ? `#${fragment}` : '';
    return page === fromPage && hash ? hash : `${prefix}${page}${hash}`;
  };
}

/** Absolute URL of a page or file; `dir/index.html` becomes `dir/`. */
export function absoluteUrl(baseUrl: string, page: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const pretty = page === HOME_PAGE ? '' : page.replace(/(^|\/)index\.html$/, '$1');
  return `${base}/${pretty}`;
}

/** Links for content read away from the site: feeds and the 404 page, which is served at arbitrary paths. */
export function absoluteLinker(baseUrl: string): Linker {
  return (page, fragment) => `${absoluteUrl(baseUrl, page)}${fragment ? `#${fragment}` : ''}`;
}
