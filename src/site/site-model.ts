/**
 * Everything the archive pages are built from, computed once per build so
 * that no page has to scan the whole list of editions again.
 */
import type { Content, Edition, MetricDef, Newsletter } from '../model.js';
import type { EditionSummary } from './edition-summary.js';
import { formatDate } from '../render/dates.js';
import { metricHistories, type MetricHistory } from './metric-history.js';
import type { MetricProjection } from './metric-projection.js';

/**
 * The newsletter as the public site may show it. Picked field by field so
 * that sender-only settings (From, Reply-To, postal address) cannot reach a
 * template, not even through a later addition to Newsletter.
 */
export interface SiteInfo {
  name: string;
  description: string | null;
  baseUrl: string;
  language: string;
  /** Where the subscribe form posts, or null for no form. */
  subscribeUrl: string | null;
}

export interface YearGroup {
  year: string;
  /** Newest first. */
  editions: EditionSummary[];
}

/**
 * The parts of the site beyond its pages that a build may leave out (a quick
 * local build, the benchmark's baseline): without cards no page names an
 * og:image, without search no page has the search box.
 */
export interface SiteFeatures {
  /** A share card per edition and metric page (share-card.ts). */
  cards: boolean;
  /** The search page, its script and the search index (search-index.ts). */
  search: boolean;
}

export const ALL_FEATURES: SiteFeatures = { cards: true, search: true };
export const NO_FEATURES: SiteFeatures = { cards: false, search: false };

/** What every page needs before any edition is rendered: the newsletter, its public face, and which metrics have a page. */
export interface SiteFrame {
  features: SiteFeatures;
  /** For formatting only (language, time zone); templates get `site`. */
  newsletter: Newsletter;
  site: SiteInfo;
  /** Metrics with a history page: those some edition reported. */
  hasPage: ReadonlySet<string>;
  /** Every edition as a link to it shows it, by date: an edition page names its neighbours before they are rendered. */
  linkable: ReadonlyMap<string, Linkable>;
}

export type Linkable = Pick<EditionSummary, 'title' | 'date' | 'dateShort' | 'number'>;

export interface SiteModel extends SiteFrame {
  /** Newest first, the order every list on the site uses. */
  editions: EditionSummary[];
  /** Newest year first. */
  years: YearGroup[];
  metrics: MetricHistory[];
  /** Date of the newest edition, or null for an empty archive. */
  updated: string | null;
}

export function siteInfo(n: Newsletter): SiteInfo {
  return { name: n.name, description: n.description ?? null, baseUrl: n.baseUrl, language: n.language, subscribeUrl: subscribeUrl(n) };
}

/** The form's action: the configured URL, a path joined to the archive's origin, or /subscribe there by default. */
function subscribeUrl(n: Newsletter): string | null {
  if (!n.subscribe) return null;
  const url = n.subscribe.url ?? `${n.baseUrl}/subscribe`;
  return url.startsWith('/') ? new URL(url, `${n.baseUrl}/`).href : url;
}

/** The frame, from the computed editions (date order, oldest first): the newest carries every metric's whole history. */
export function siteFrame(content: Pick<Content, 'newsletter' | 'metrics'>, editions: readonly Pick<Edition, 'history' | 'title' | 'date' | 'number'>[], features: SiteFeatures = NO_FEATURES): SiteFrame {
  const n = content.newsletter;
  const history = editions.at(-1)?.history ?? {};
  const hasPage = new Set(content.metrics.filter((d) => (history[d.key]?.length ?? 0) > 0).map((d) => d.key));
  // The date as the edition's view writes it (view-model.ts), so a neighbour link reads as the page it links to.
  const linkable = new Map(editions.map((e) => [e.date, { title: e.title, date: e.date, number: e.number, dateShort: formatDate(e.date, 'short', n.language, n.timezone) }]));
  return { features, newsletter: n, site: siteInfo(n), hasPage, linkable };
}

/** `summaries` are in date order, oldest first, as the compute stage numbers editions; `history` is the newest edition's. */
export function siteModel(
  frame: SiteFrame,
  registry: readonly MetricDef[],
  summaries: readonly EditionSummary[],
  history: Edition['history'],
  projections: ReadonlyMap<string, MetricProjection> = new Map(),
): SiteModel {
  const editions = [...summaries].reverse();
  const years: YearGroup[] = [];
  for (const r of editions) {
    const year = r.date.slice(0, 4);
    const group = years.at(-1);
    if (group?.year === year) group.editions.push(r);
    else years.push({ year, editions: [r] });
  }
  return { ...frame, editions, years, metrics: metricHistories(registry, summaries, history, projections), updated: editions[0]?.date ?? null };
}

/**
 * The model once every page that lists editions is made: the metric pages,
 * the largest over a long archive, need only the metric histories and the
 * frame, and the editions' summaries (titles, movers, dates) can go first.
 */
export function withoutEditions(model: SiteModel): SiteModel {
  return { ...model, editions: [], years: [] };
}
