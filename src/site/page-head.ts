/**
 * What every archive page carries besides its content: <head> metadata
 * (title, description, canonical, Open Graph, feed discovery) and the links
 * of the site header and footer, all resolved for the page's own depth.
 */
import { editionTimestamp } from '../render/dates.js';
import { absoluteUrl, ATOM_FEED, HOME_PAGE, JSON_FEED, METRICS_PAGE, SEARCH_PAGE, STYLESHEET } from '../render/out-layout.js';
import type { Linker } from './paths.js';
import type { SiteFrame, SiteInfo } from './site-model.js';
import { CARD_SIZE } from './card-layout.js';

export type NavSection = 'home' | 'archive' | 'edition' | 'metrics' | 'search' | 'none';

/** A page's share card (share-card.ts): absolute under baseUrl, as Open Graph requires. */
export interface CardImage {
  url: string;
  width: number;
  height: number;
  alt: string;
}

export interface PageHead {
  lang: string;
  title: string;
  description: string;
  canonical: string;
  ogTitle: string;
  ogType: 'website' | 'article';
  /** "en-GB" -> "en_GB", the form Open Graph expects. */
  ogLocale: string;
  siteName: string;
  /** RFC 3339, for article:published_time on editions. */
  publishedTime: string | null;
  noindex: boolean;
  /** The stylesheet itself, for the one page (404) that may be served from any path. */
  inlineCss: string | null;
  /** Its share card, for og:image and twitter:card; null for pages without one. */
  image: CardImage | null;
}

export interface Nav {
  home: string;
  metrics: string;
  atom: string;
  json: string;
  css: string;
  /** The search page, or null when the site has no search. */
  search: string | null;
  current: NavSection;
}

export interface PageFrame {
  page: PageHead;
  nav: Nav;
  site: SiteInfo;
}

export interface FrameOptions {
  title: string;
  description: string;
  current: NavSection;
  ogTitle?: string;
  /** Edition date, for an article page. */
  published?: string;
  noindex?: boolean;
  inlineCss?: string;
  /** The page's share card, by its path in the site. */
  card?: { path: string; alt: string };
}

export function pageFrame(model: SiteFrame, path: string, link: Linker, o: FrameOptions): PageFrame {
  return {
    page: {
      lang: model.site.language,
      title: o.title,
      description: o.description,
      canonical: absoluteUrl(model.site.baseUrl, path),
      ogTitle: o.ogTitle ?? o.title,
      ogType: o.published ? 'article' : 'website',
      ogLocale: model.site.language.replace('-', '_'),
      siteName: model.site.name,
      publishedTime: o.published ? editionTimestamp(o.published, model.newsletter.timezone) : null,
      noindex: o.noindex ?? false,
      inlineCss: o.inlineCss ?? null,
      image: o.card ? { url: absoluteUrl(model.site.baseUrl, o.card.path), width: CARD_SIZE.width, height: CARD_SIZE.height, alt: o.card.alt } : null,
    },
    nav: {
      home: link(HOME_PAGE),
      metrics: link(METRICS_PAGE),
      atom: link(ATOM_FEED),
      json: link(JSON_FEED),
      css: link(STYLESHEET),
      search: model.features.search ? link(SEARCH_PAGE) : null,
      current: o.current,
    },
    site: model.site,
  };
}
