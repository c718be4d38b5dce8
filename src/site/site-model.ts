/**
 * Everything the archive pages are built from, computed once per build so
 * that no page has to scan the whole list of editions again.
 */
import type { Content, Newsletter } from '../model.js';
import type { RenderedEdition } from '../render/render-edition.js';
import { metricHistories, type MetricHistory } from './metric-history.js';

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
  editions: RenderedEdition[];
}

export interface SiteModel {
  /** For formatting only (language, time zone); templates get `site`. */
  newsletter: Newsletter;
  site: SiteInfo;
  /** Newest first, the order every list on the site uses. */
  editions: RenderedEdition[];
  byDate: Map<string, RenderedEdition>;
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

/** `rendered` is in date order, oldest first, as the compute stage numbers editions. */
export function siteModel(content: Pick<Content, 'newsletter' | 'metrics'>, rendered: readonly RenderedEdition[]): SiteModel {
  const editions = [...rendered].reverse();
  const years: YearGroup[] = [];
  for (const r of editions) {
    const year = r.edition.date.slice(0, 4);
    const group = years.at(-1);
    if (group?.year === year) group.editions.push(r);
    else years.push({ year, editions: [r] });
  }
  return {
    newsletter: content.newsletter,
    site: siteInfo(content.newsletter),
    editions,
    byDate: new Map(editions.map((r) => [r.edition.date, r])),
    years,
    metrics: metricHistories(content.metrics, rendered),
    updated: editions[0]?.edition.date ?? null,
  };
}
