/**
 * The static archive under out/site/. Each edition's page and feed entry are
 * rendered as soon as the edition is (SiteWriter.addEdition), and only a
 * summary of it is kept; the pages that list editions, the metric pages,
 * the feeds and the sitemap are made from those summaries at the end
 * (finish). Pure apart from Handlebars; problems come back as values naming
 * the template file, and nothing is added to `files` unless the whole site
 * built.
 */
import type { Content, Edition } from '../model.js';
import { error, hasErrors, type Problem } from '../problems.js';
import { SiteUnsubscribeLink } from '../problem-catalogue.js';
import type { OutputFiles } from '../publish/edition-output.js';
import type { DeferredFile } from '../publish/write-out.js';
import type { RenderedEdition } from '../render/render-edition.js';
import { runTemplate, type TemplateSet } from '../render/templates.js';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../render/placeholders.js';
import { ATOM_FEED, CARD_FILE, editionCardPath, editionPagePath, JSON_FEED, metricFilePath, SEARCH_SCRIPT, SITE_DIR, SITEMAP, STYLESHEET } from '../render/out-layout.js';
import { METRIC_CSV, METRIC_JSON, metricCsv, metricJson } from './metric-data.js';
import { latestProjections, type MetricProjection } from './metric-projection.js';
import { NO_FEATURES, siteFrame, siteModel, withoutEditions, type SiteFeatures, type SiteFrame } from './site-model.js';
import { editionSummary, type EditionSummary } from './edition-summary.js';
import { editionPage, feedEntryContext, listingPages, metricIndexPages, metricPageCard, notFoundSitePage, pageUrl, SITE_TEMPLATES, type SitePage } from './site-pages.js';
import { editionCard, type CardContent } from './card-layout.js';
import { cardDrawer } from './card-drawer.js';
import { SearchIndexer, type KeptIndex } from './search-index.js';
import { atomFeed, jsonFeed, type FeedEntry } from './feeds.js';
import { sitemapXml } from './sitemap.js';
import { jsonDigest } from '../util/json-digest.js';
import { contentHash } from '../publish/file-write.js';

/** What a site file is made of: text, bytes (a card, the index), or undefined when its template failed. */
type Made = string | Uint8Array | undefined;

export interface SiteInput {
  content: Content;
  rendered: RenderedEdition[];
  templates: TemplateSet;
}

/**
 * The feeds carry the newest editions, not the archive: a reader polls them,
 * so their size must not grow with every week published (the year pages list
 * everything). The newest FULL_CONTENT_IN_FEED carry the whole edition, the
 * rest of the newest FEED_ENTRIES its summary and movers.
 */
export const FEED_ENTRIES = 50;
export const FULL_CONTENT_IN_FEED = 20;

/** What an edition's feed entry carries, by its place counted from the newest (0). */
type FeedRole = 'full' | 'summary' | 'none';
const feedRole = (age: number): FeedRole => (age < FULL_CONTENT_IN_FEED ? 'full' : age < FEED_ENTRIES ? 'summary' : 'none');

/** Writes a site file; may resolve to the SHA-256 of the bytes written (see FileSink in build.ts). */
type Emit = (rel: string, data: string | Uint8Array | DeferredFile) => Promise<unknown> | void;

/**
 * What a build adds to the site's pages: which of the share cards and the
 * search index it makes, and what those read besides the pages. The
 * in-memory site (renderAll) has neither.
 */
export interface SiteExtras {
  features: SiteFeatures;
  /** A site file this build wrote or kept, read back by its out/ path: the search index reads the pages it indexes. */
  readBack?: (rel: string) => Promise<string>;
  /** Share cards as the last build drew them, by what they show (the build cache). */
  keptCards?: KeptFiles;
  /** The search index as the last build made it, by the pages it indexed (the build cache). */
  keptIndex?: KeptIndex;
}

/**
 * Site files as the last build made them, by what they were made from: the
 * hash of the bytes a page or feed rendered to from the same input (its
 * template and context, or the feed's entries), so an unchanged one is taken
 * from the previous out/ without rendering. The build cache provides it
 * (publish/kept-output.ts); nothing else needs one.
 */
export interface KeptFiles {
  lookup(rel: string, input: string): Promise<string | undefined>;
  keep(rel: string, input: string, sha256: string): Promise<void>;
}

/** One edition's share of the site: its page, by out/ path, and what the site keeps of it. */
export interface SiteEdition {
  page?: { rel: string; text: string };
  summary: EditionSummary;
}

/** An edition's share card as the build writes it: its out/ path, and its bytes or their hash and a way to draw them again. */
export interface EditionCardFile {
  rel: string;
  data: Uint8Array | DeferredFile;
}

/**
 * Writes the site through `emit` (a build streams each page to its staged
 * out/ as soon as it is rendered). Problems come back from finish(), once
 * every page was tried; the caller discards what was emitted if any is an
 * error.
 */
export class SiteWriter {
  readonly problems: Problem[] = [];
  private readonly failed = new Set<string>();
  private readonly frame: SiteFrame;
  private readonly summaries: (EditionSummary | undefined)[];
  private readonly index: Map<string, number>;
  /** The newest edition's histories, which are whole: the metric pages chart them. */
  private readonly history: Edition['history'];
  /** Each metric's latest projection, for its page and downloads. */
  private readonly projections: Map<string, MetricProjection>;
  /** Which metrics have a page, as editionContext writes it: the same for every edition, so written once. */
  private metricPages: string | undefined;
  /** The pages the search index holds (editions and metrics), by out/ path, with their hash when known. */
  private readonly searchable = new Map<string, string | undefined>();

  /** `editions`: every computed edition of the build, oldest first (the site links and numbers them all); only what the site needs of them is kept. */
  constructor(
    private readonly content: Pick<Content, 'newsletter' | 'metrics'>,
    private readonly templates: TemplateSet,
    editions: readonly Edition[],
    private readonly emit: Emit,
    private readonly kept?: KeptFiles,
    private readonly extras: SiteExtras = { features: NO_FEATURES },
  ) {
    this.frame = siteFrame(content, editions, extras.features);
    this.summaries = new Array<EditionSummary | undefined>(editions.length);
    this.index = new Map(editions.map((e, i) => [e.date, i]));
    this.history = editions.at(-1)?.history ?? {};
    this.projections = latestProjections(editions);
  }

  private out(path: string, text: string): Promise<unknown> | void {
    return this.emit(`${SITE_DIR}/${path}`, text);
  }

  /**
   * A file made from `input` (text that determines it, or its digest): taken from the
   * previous out/ by its kept hash when made from the same input before, else
   * made, written and kept. `make` gives undefined when its template failed
   * (the problem is recorded), and nothing is written. Resolves to the file's
   * hash when the sink gives it.
   */
  private async made(path: string, input: () => string, make: () => Made | Promise<Made>, kept = this.kept): Promise<string | undefined> {
    const rel = `${SITE_DIR}/${path}`;
    const hashOf = (written: unknown) => (typeof written === 'string' ? written : undefined);
    if (!kept) {
      const data = await make();
      return data === undefined ? undefined : hashOf(await this.emit(rel, data));
    }
    const key = input();
    const sha256 = await kept.lookup(rel, key);
    if (sha256 !== undefined) {
      const load = async () => (await make()) ?? Promise.reject(new Error(`${rel}: a kept site file no longer renders`));
      await this.emit(rel, { sha256, load });
      return sha256;
    }
    const data = await make();
    if (data === undefined) return undefined;
    const written = hashOf(await this.emit(rel, data));
    if (written !== undefined) await kept.keep(rel, key, written);
    return written;
  }

  // One problem per broken template, not one per edition page it would have failed on.
  private render(name: string, context: unknown): string | undefined {
    if (this.failed.has(name)) return undefined;
    const { output, problem } = runTemplate(this.templates, name, context);
    if (problem) {
      this.failed.add(name);
      this.problems.push(problem);
      return undefined;
    }
    if (output!.includes(UNSUBSCRIBE_URL_PLACEHOLDER)) {
      this.failed.add(name);
      this.problems.push(error(this.templates.files.get(name) ?? `${this.templates.dir}/${name}.hbs`, SiteUnsubscribeLink));
      return undefined;
    }
    return output;
  }

  private async page(page: SitePage): Promise<void> {
    const sha = await this.made(page.path, () => jsonDigest([page.template, page.context]), () => this.render(page.template, page.context));
    if (page.template === SITE_TEMPLATES.metric) this.searchable.set(`${SITE_DIR}/${page.path}`, sha);
  }

  /** A card, drawn unless the last build drew the same one (kept by a digest of what it shows). */
  private async card(path: string, card: CardContent): Promise<void> {
    await this.made(path, () => jsonDigest(card), () => cardDrawer.draw(card), this.extras.keptCards);
  }

  /**
   * The edition's share card, by out/ path, when the site has cards: the
   * bytes when drawn now, or their hash and a way to draw them again when
   * the last build drew the same card (out/ then still holds it).
   */
  async editionCard(r: RenderedEdition): Promise<EditionCardFile | undefined> {
    if (!this.frame.features.cards) return undefined;
    const rel = `${SITE_DIR}/${editionCardPath(r.view.date)}`;
    const card = editionCard(this.frame.site.name, r.view);
    const kept = this.extras.keptCards;
    const key = kept ? jsonDigest(card) : '';
    const sha256 = await kept?.lookup(rel, key);
    if (sha256 !== undefined) return { rel, data: { sha256, load: () => cardDrawer.draw(card) } };
    const png = await cardDrawer.draw(card);
    if (!kept) return { rel, data: png };
    const drawn = contentHash(png);
    await kept.keep(rel, key, drawn);
    return { rel, data: { sha256: drawn, load: async () => png, verified: true } };
  }

  /** What the site makes of one edition: its page (none when the page's template failed) and the summary it keeps. */
  editionParts(r: RenderedEdition): SiteEdition {
    const i = this.index.get(r.edition.date)!;
    const page = editionPage(this.frame, r);
    const html = this.render(page.template, page.context);
    const role = this.feedRole(i);
    const feedHtml = role === 'none' ? undefined : this.render(SITE_TEMPLATES.feedEntry, feedEntryContext(this.frame, r, role === 'full'));
    const summary = editionSummary(r.view, feedHtml);
    return html === undefined ? { summary } : { page: { rel: `${SITE_DIR}/${page.path}`, text: html }, summary };
  }

  /** The edition's page and feed entry; then only its summary is kept. */
  async addEdition(r: RenderedEdition): Promise<SiteEdition> {
    const parts = this.editionParts(r);
    if (parts.page) await this.emit(parts.page.rel, parts.page.text);
    this.addSummary(parts.summary);
    return parts;
  }

  /**
   * An edition's summary (kept from a build that rendered the same edition
   * in the same site, or made now), and the files written for it, by out/
   * path and hash when known: the search index keys on its page's.
   */
  addSummary(summary: EditionSummary, files?: readonly (readonly [string, string])[]): void {
    this.summaries[this.index.get(summary.date)!] = summary;
    const page = `${SITE_DIR}/${editionPagePath(summary.date)}`;
    this.searchable.set(page, files?.find(([rel]) => rel === page)?.[1]);
  }

  /**
   * Everything an edition's page and feed entry read of the site besides the
   * edition and the newsletter settings: its neighbours as links show them,
   * which metrics have a page, what its feed entry carries. Text, for a
   * cache key: the same edition in the same context renders the same files.
   */
  editionContext(edition: Pick<Edition, 'date' | 'previousDate' | 'nextDate'>): string {
    const i = this.index.get(edition.date)!;
    const link = (date: string | null) => (date === null ? null : (this.frame.linkable.get(date) ?? null));
    this.metricPages ??= JSON.stringify([this.frame.features, [...this.frame.hasPage].sort()]);
    return `${this.metricPages}${JSON.stringify([link(edition.previousDate), link(edition.nextDate), this.feedRole(i)])}`;
  }

  private feedRole(i: number): FeedRole {
    return feedRole(this.summaries.length - 1 - i);
  }

  /** Everything that lists editions, the metric pages and data, feeds and sitemap; the problems of the whole site. */
  async finish(): Promise<Problem[]> {
    let model = siteModel(this.frame, this.content.metrics, this.summaries.filter((x): x is EditionSummary => x !== undefined), this.history, this.projections);
    // From here the model holds what the site knows of each edition.
    this.summaries.fill(undefined);
    const css = this.render(SITE_TEMPLATES.stylesheet, {}) ?? '';
    await this.out(STYLESHEET, css);
    const sitemap: { loc: string; lastmod: string | null }[] = [];
    const listed = (page: Pick<SitePage, 'path' | 'lastmod'>) => sitemap.push({ loc: pageUrl(model, page), lastmod: page.lastmod });
    const make = async (page: SitePage) => {
      await this.page(page);
      if (page.inSitemap) listed(page);
    };
    for (const page of listingPages(model)) await make(page);
    // Edition pages are listed between the year pages and the metrics page, newest first, as they always were.
    for (const e of model.editions) listed({ path: editionPagePath(e.date), lastmod: e.date });
    const notFound = notFoundSitePage(model, css);
    const entries: FeedEntry[] = model.editions.flatMap((e) => (e.feedHtml === undefined ? [] : [{ date: e.date, title: e.title, summary: e.summary, url: e.url, contentHtml: e.feedHtml }]));
    model = withoutEditions(model);
    for (const page of metricIndexPages(model)) await make(page);
    if (this.frame.features.cards) for (const h of model.metrics) await this.card(metricFilePath(h.def.key, CARD_FILE), metricPageCard(model, h));
    await make(notFound);
    for (const h of model.metrics) {
      await this.out(metricFilePath(h.def.key, METRIC_CSV), metricCsv(h));
      await this.out(metricFilePath(h.def.key, METRIC_JSON), metricJson(h));
    }
    const feedInput = { site: model.site, timezone: model.newsletter.timezone, entries };
    let feedKey: string | undefined;
    const feedText = () => (feedKey ??= jsonDigest(feedInput));
    await this.made(ATOM_FEED, feedText, () => atomFeed(feedInput));
    await this.made(JSON_FEED, feedText, () => jsonFeed(feedInput));
    await this.out(SITEMAP, sitemapXml(sitemap));
    if (this.frame.features.search) await this.writeSearch();
    return this.problems;
  }

  /** The search page's script and the index of every edition and metric page, made again only when one of them changed. */
  private async writeSearch(): Promise<void> {
    const script = this.render(SITE_TEMPLATES.searchScript, {});
    if (script !== undefined) await this.out(SEARCH_SCRIPT, script);
    // No page may be missing: an index without one is worse than a failed build.
    if (hasErrors(this.problems)) return;
    const read = this.extras.readBack;
    if (!read) throw new Error('the search index needs the pages read back from the build');
    await new SearchIndexer(this.searchable, read, this.extras.keptIndex).write((rel, data) => this.emit(rel, data));
  }
}

/** The whole site from editions rendered already, through `emit`. */
export async function writeSite(input: SiteInput, emit: Emit): Promise<Problem[]> {
  const writer = new SiteWriter(input.content, input.templates, input.rendered.map((r) => r.edition), emit);
  for (const r of input.rendered) await writer.addEdition(r);
  return writer.finish();
}

/** The site in memory: added to `files` only if the whole site built. */
export async function addSiteFiles(files: OutputFiles, input: SiteInput): Promise<Problem[]> {
  const site = new Map<string, string>();
  const text = async (rel: string, data: string | Uint8Array | DeferredFile): Promise<string> => {
    const made = typeof data === 'string' || data instanceof Uint8Array ? data : await data.load();
    if (typeof made !== 'string') throw new Error(`${rel}: the site in memory holds text only (it has no cards or search index)`);
    return made;
  };
  const problems = await writeSite(input, async (rel, data) => void site.set(rel, await text(rel, data)));
  if (!hasErrors(problems)) for (const [rel, text] of site) files.set(rel, text);
  return problems;
}
