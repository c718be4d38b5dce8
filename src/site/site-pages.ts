/**
 * The archive's pages as (path, template, context) triples. Pure: the
 * contexts are plain data, every href already resolved for the page that
 * holds it, every number the view model's text. Templates only lay them out.
 *
 * Edition contexts are built from picked view-model fields, never from the
 * whole EditionView, so the unsubscribe placeholder and the sender's
 * addresses are not in reach of a site template (strict mode turns a
 * reference to them into a build error).
 */
import type { RenderedEdition } from '../render/render-edition.js';
import type { EditionSummary } from './edition-summary.js';
import type { MetricRowView, TrendView } from '../render/view-model.js';
import type { ProjectionView } from '../render/projection-view.js';
import type { Section } from '../model.js';
import { absoluteUrl, archiveYearPagePath, CARD_FILE, editionCardPath, editionPagePath, HOME_PAGE, METRICS_PAGE, metricFilePath, metricPagePath, NOT_FOUND_PAGE, SEARCH_PAGE, SEARCH_SCRIPT } from '../render/out-layout.js';
import { cardAlt, editionCard, metricCard, type CardContent } from './card-layout.js';
import { absoluteLinker, relativeLinker, type Linker } from './paths.js';
import { pageFrame } from './page-head.js';
import type { Linkable, SiteFrame, SiteModel } from './site-model.js';
import type { MetricHistory } from './metric-history.js';
import { historySummary, metricChartSvgs, metricSparklineSvg } from './metric-charts.js';
import { projectionNote } from './metric-projection.js';
import { METRIC_CSV, METRIC_JSON } from './metric-data.js';

export const SITE_TEMPLATES = {
  home: 'site/index.html',
  archiveYear: 'site/archive-year.html',
  edition: 'site/edition.html',
  metrics: 'site/metrics.html',
  metric: 'site/metric.html',
  notFound: 'site/404.html',
  feedEntry: 'site/feed-entry.html',
  search: 'site/search.html',
  stylesheet: 'site/assets/site.css',
  searchScript: 'site/assets/search.js',
} as const;

/** The home page lists this many editions and links the rest by year, so it stays small at 500+ editions. */
export const LATEST_ON_HOME = 20;

/**
 * Fixed ids on the edition page use "_", which section slugs (a-z, 0-9, -)
 * never contain, so a brief's "## Key metrics" cannot produce a duplicate id.
 */
export const EDITION_IDS = { metrics: 'key_metrics', movers: 'biggest_movers', projections: 'our_projections', history: 'metric_history' } as const;

export function metricAnchor(key: string): string {
  return `metric_${key}`;
}

export interface SitePage {
  /** Relative to the site root. */
  path: string;
  template: string;
  context: object;
  /** ISO date for the sitemap, or null. */
  lastmod: string | null;
  inSitemap: boolean;
}

export type LinkedRow = MetricRowView & { anchor: string; href: string | null; historyHref: string | null };
export type LinkedTrend = TrendView & { href: string | null };
/** A projection as the email shows it, linked to the metric page that charts it. */
export type LinkedProjection = ProjectionView & { href: string | null };

export interface EditionLink {
  href: string;
  title: string;
  date: string;
  dateShort: string;
  number: number;
}

export interface EditionItem extends EditionLink {
  dateLong: string;
  summary: string | null;
  movers: LinkedRow[];
}

export interface EditionBody {
  url: string;
  date: string;
  dateLong: string;
  dateShort: string;
  number: number;
  title: string;
  summary: string | null;
  introHtml: string;
  sections: Section[];
  metrics: LinkedRow[];
  movers: LinkedRow[];
  projections: LinkedProjection[];
  trends: LinkedTrend[];
  ids: typeof EDITION_IDS;
}

function linkRow(row: MetricRowView, link: Linker, date: string, hasPage: ReadonlySet<string>): LinkedRow {
  const anchor = metricAnchor(row.key);
  return {
    ...row,
    anchor,
    href: link(editionPagePath(date), anchor),
    historyHref: hasPage.has(row.key) ? link(metricPagePath(row.key)) : null,
  };
}

function editionLink(r: Linkable, link: Linker): EditionLink {
  return { href: link(editionPagePath(r.date)), title: r.title, date: r.date, dateShort: r.dateShort, number: r.number };
}

function editionItem(r: EditionSummary, link: Linker, hasPage: ReadonlySet<string>): EditionItem {
  return {
    ...editionLink(r, link),
    dateLong: r.dateLong,
    summary: r.summary,
    movers: r.movers.map((m) => linkRow(m, link, r.date, hasPage)),
  };
}

/** The content of an edition, shared by its page and its feed entry (which links absolutely). */
export function editionBody(r: RenderedEdition, link: Linker, hasPage: ReadonlySet<string>): EditionBody {
  const v = r.view;
  return {
    url: v.viewUrl,
    date: v.date,
    dateLong: v.dateLong,
    dateShort: v.dateShort,
    number: v.number,
    title: v.title,
    summary: v.summary,
    introHtml: v.introHtml,
    sections: v.sections,
    metrics: v.metrics.map((m) => linkRow(m, link, v.date, hasPage)),
    movers: v.movers.map((m) => linkRow(m, link, v.date, hasPage)),
    projections: v.projections.map((p) => ({ ...p, href: hasPage.has(p.key) ? link(metricPagePath(p.key)) : null })),
    trends: v.trends.map((t) => ({ ...t, href: hasPage.has(t.key) ? link(metricPagePath(t.key)) : null })),
    ids: EDITION_IDS,
  };
}

function yearLinks(model: SiteModel, link: Linker, current: string | null) {
  return model.years.map((y) => ({ year: y.year, href: link(archiveYearPagePath(y.year)), count: y.editions.length, current: y.year === current }));
}

function siteDescription(model: SiteModel): string {
  return model.site.description ?? `${model.site.name}: every edition and metric.`;
}

export function homePage(model: SiteModel): SitePage {
  const path = HOME_PAGE;
  const link = relativeLinker(path);
  const hasPage = model.hasPage;
  const context = {
    ...pageFrame(model, path, link, { title: model.site.name, description: siteDescription(model), current: 'home' }),
    latest: model.editions.slice(0, LATEST_ON_HOME).map((r) => editionItem(r, link, hasPage)),
    total: model.editions.length,
    more: model.editions.length > LATEST_ON_HOME,
    years: yearLinks(model, link, null),
    metricCount: model.metrics.length,
  };
  return { path, template: SITE_TEMPLATES.home, context, lastmod: model.updated, inSitemap: true };
}

/** One year's page at a time: a century of weekly editions is 5,200 items with their movers, too many to hold at once. */
export function* archiveYearPages(model: SiteModel): Generator<SitePage> {
  const hasPage = model.hasPage;
  for (const y of model.years) {
    const path = archiveYearPagePath(y.year);
    const link = relativeLinker(path);
    const n = y.editions.length;
    const context = {
      ...pageFrame(model, path, link, {
        title: `${y.year} editions · ${model.site.name}`,
        description: `All ${n} edition${n === 1 ? '' : 's'} of ${model.site.name} published in ${y.year}, newest first.`,
        current: 'archive',
      }),
      year: y.year,
      editions: y.editions.map((r) => editionItem(r, link, hasPage)),
      years: yearLinks(model, link, y.year),
    };
    yield { path, template: SITE_TEMPLATES.archiveYear, context, lastmod: y.editions[0]!.date, inSitemap: true };
  }
}

/** An edition's page, made as soon as the edition is rendered: its neighbours come from the frame. */
export function editionPage(frame: SiteFrame, r: RenderedEdition): SitePage {
  const v = r.view;
  const path = editionPagePath(v.date);
  const link = relativeLinker(path);
  const neighbour = (date: string | null) => {
    const other = date ? frame.linkable.get(date) : undefined;
    return other ? editionLink(other, link) : null;
  };
  const year = v.date.slice(0, 4);
  const context = {
    ...pageFrame(frame, path, link, {
      title: `${v.title} · ${frame.site.name} #${v.number}`,
      ogTitle: v.title,
      description: v.summary ?? v.preheader,
      current: 'edition',
      published: v.date,
      ...cardOf(frame, editionCardPath(v.date), () => editionCard(frame.site.name, v)),
    }),
    edition: editionBody(r, link, frame.hasPage),
    previous: neighbour(v.previousDate),
    next: neighbour(v.nextDate),
    year,
    yearHref: link(archiveYearPagePath(year)),
  };
  return { path, template: SITE_TEMPLATES.edition, context, lastmod: v.date, inSitemap: true };
}

function latestSummary(h: MetricHistory, link: Linker) {
  const l = h.latest;
  return {
    value: l.row.value,
    change: l.row.change,
    color: l.row.color,
    sentiment: l.row.sentiment,
    sentimentLabel: l.row.sentimentLabel,
    period: l.period,
    dateShort: l.revised.at(-1)?.dateShort ?? l.dateShort,
    editionHref: link(editionPagePath(l.rowDate), metricAnchor(h.def.key)),
  };
}

export function metricsPage(model: SiteModel): SitePage {
  const path = METRICS_PAGE;
  const link = relativeLinker(path);
  const groups: { name: string | null; metrics: object[] }[] = [];
  for (const h of model.metrics) {
    const name = h.def.group ?? null;
    let group = groups.find((g) => g.name === name);
    if (!group) groups.push((group = { name, metrics: [] }));
    group.metrics.push({
      key: h.def.key,
      label: h.def.label,
      href: link(metricPagePath(h.def.key)),
      count: h.points.length,
      latest: latestSummary(h, link),
      sparklineSvg: metricSparklineSvg(h),
    });
  }
  const context = {
    ...pageFrame(model, path, link, {
      title: `Metrics · ${model.site.name}`,
      description: `The latest value and full history of each of the ${model.metrics.length} metrics tracked by ${model.site.name}.`,
      current: 'metrics',
    }),
    groups,
  };
  return { path, template: SITE_TEMPLATES.metrics, context, lastmod: model.updated, inSitemap: true };
}

export function* metricPages(model: SiteModel): Generator<SitePage> {
  for (const h of model.metrics) {
    const path = metricPagePath(h.def.key);
    const link = relativeLinker(path);
    const def = h.def;
    const latest = latestSummary(h, link);
    const context = {
      ...pageFrame(model, path, link, {
        title: `${def.label} · ${model.site.name}`,
        description: `${def.label}: ${latest.value}${latest.period ? ` (${latest.period})` : ''} as of ${latest.dateShort}. ${historySummary(h)}`,
        current: 'metrics',
        ...cardOf(model, metricFilePath(def.key, CARD_FILE), () => metricPageCard(model, h)),
      }),
      metric: {
        key: def.key,
        label: def.label,
        group: def.group ?? null,
        unit: def.unit,
        source: def.source ?? null,
        count: h.points.length,
        moves: h.moves,
        latest,
        charts: metricChartSvgs(h, model.newsletter),
        // The assumption and method go under the chart, beside the band they explain.
        projection: h.projection ? projectionNote(h.projection, model.newsletter.language, model.linkable.get(h.projection.date)?.dateShort ?? h.projection.date) : null,
        summary: historySummary(h),
        // Newest first, like every other list on the site; the chart reads left to right in time.
        csvHref: link(metricFilePath(def.key, METRIC_CSV)),
        jsonHref: link(metricFilePath(def.key, METRIC_JSON)),
        rows: [...h.points].reverse().map((p) => ({
          href: link(editionPagePath(p.date), metricAnchor(def.key)),
          dateShort: p.dateShort,
          number: p.number,
          period: p.period,
          forecast: p.basis === 'forecast',
          revisedNote: p.revised.length > 0 ? `revised in ${p.revised.map((r) => `edition ${r.number} (${r.dateShort})`).join(', ')}` : null,
          value: p.row.value,
          change: p.row.change,
          color: p.row.color,
          sentiment: p.row.sentiment,
          sentimentLabel: p.row.sentimentLabel,
          moved: p.row.status === 'changed',
          source: p.row.source,
          note: p.row.note,
        })),
      },
      metricsHref: link(METRICS_PAGE),
    };
    yield { path, template: SITE_TEMPLATES.metric, context, lastmod: h.latest.date, inSitemap: true };
  }
}

/** The page's card for its head, when the site has cards. */
function cardOf(frame: SiteFrame, path: string, card: () => CardContent): { card?: { path: string; alt: string } } {
  return frame.features.cards ? { card: { path, alt: cardAlt(card()) } } : {};
}

/** What a metric page's card shows: its latest value and change. */
export function metricPageCard(frame: SiteFrame, h: MetricHistory): CardContent {
  return metricCard(frame.site.name, { label: h.def.label, period: h.latest.period, dateShort: h.latest.revised.at(-1)?.dateShort ?? h.latest.dateShort, row: h.latest.row });
}

/** The search page: results come from its script; without JavaScript it links every year's archive page. */
export function searchPage(model: SiteModel): SitePage {
  const path = SEARCH_PAGE;
  const link = relativeLinker(path);
  const context = {
    ...pageFrame(model, path, link, {
      title: `Search · ${model.site.name}`,
      description: `Search every edition and metric of ${model.site.name}.`,
      current: 'search',
      noindex: true,
    }),
    years: yearLinks(model, link, null),
    scriptHref: link(SEARCH_SCRIPT),
  };
  return { path, template: SITE_TEMPLATES.search, context, lastmod: null, inSitemap: false };
}

/**
 * A static host serves 404.html at whatever path was asked for, so relative
 * links would resolve against that path: its links are absolute and its
 * stylesheet is inlined.
 */
export function notFoundSitePage(model: SiteModel, css: string): SitePage {
  const path = NOT_FOUND_PAGE;
  const link = absoluteLinker(model.site.baseUrl);
  const latest = model.editions[0];
  const context = {
    ...pageFrame(model, path, link, {
      title: `Page not found · ${model.site.name}`,
      description: `This page does not exist. Every edition of ${model.site.name} is listed on the home page.`,
      current: 'none',
      noindex: true,
      inlineCss: css,
    }),
    latest: latest ? editionLink(latest, link) : null,
  };
  return { path, template: SITE_TEMPLATES.notFound, context, lastmod: null, inSitemap: false };
}

/** Context of one feed entry: the edition body with absolute links, in full or as a summary. */
export function feedEntryContext(frame: SiteFrame, r: RenderedEdition, full: boolean): object {
  return { full, site: frame.site, edition: editionBody(r, absoluteLinker(frame.site.baseUrl), frame.hasPage) };
}

/** The pages that list editions (the home page and a page per year), one at a time as they are asked for. */
export function* listingPages(model: SiteModel): Generator<SitePage> {
  yield homePage(model);
  yield* archiveYearPages(model);
  if (model.features.search) yield searchPage(model);
}

/** The metrics page and a page per metric, one at a time: they read the metric histories, not the editions. */
export function* metricIndexPages(model: SiteModel): Generator<SitePage> {
  yield metricsPage(model);
  yield* metricPages(model);
}

/** Absolute URL of a page, as used in sitemaps and feeds. */
export function pageUrl(frame: SiteFrame, page: Pick<SitePage, 'path'>): string {
  return absoluteUrl(frame.site.baseUrl, page.path);
}

