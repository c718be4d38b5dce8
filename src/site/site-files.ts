/**
 * The static archive under out/site/: builds the site model once, renders
 * each page's context through its template, then writes feeds and sitemap.
 * Pure apart from Handlebars; problems come back as values naming the
 * template file, and nothing is added to `files` unless the whole site built.
 */
import type { Content } from '../model.js';
import { error, hasErrors, type Problem } from '../problems.js';
import { SiteUnsubscribeLink } from '../problem-catalogue.js';
import type { OutputFiles } from '../publish/edition-output.js';
import type { RenderedEdition } from '../render/render-edition.js';
import { runTemplate, type TemplateSet } from '../render/templates.js';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../render/placeholders.js';
import { ATOM_FEED, JSON_FEED, metricFilePath, SITE_DIR, SITEMAP, STYLESHEET } from '../render/out-layout.js';
import { METRIC_CSV, METRIC_JSON, metricCsv, metricJson } from './metric-data.js';
import { siteModel } from './site-model.js';
import { feedEntryContext, pageUrl, SITE_TEMPLATES, sitePages } from './site-pages.js';
import { atomFeed, jsonFeed, type FeedEntry } from './feeds.js';
import { sitemapXml } from './sitemap.js';

export interface SiteInput {
  content: Content;
  rendered: RenderedEdition[];
  templates: TemplateSet;
}

/**
 * Feed entries beyond this many carry the summary and movers instead of the
 * whole edition, so a 500-edition feed stays a few hundred KB while still
 * listing every edition.
 */
export const FULL_CONTENT_IN_FEED = 20;

/**
 * Writes the site page by page through `emit` (a build streams each page to
 * its staged out/ as soon as it is rendered, so a 5,200-edition site is never
 * held in memory whole). Problems come back once every page was tried; the
 * caller discards what was emitted if any is an error.
 */
export async function writeSite(input: SiteInput, emit: (rel: string, text: string) => Promise<void> | void): Promise<Problem[]> {
  const { templates } = input;
  const problems: Problem[] = [];
  const failed = new Set<string>();
  const templateFile = (name: string) => templates.files.get(name) ?? `${templates.dir}/${name}.hbs`;
  const out = (path: string, text: string) => emit(`${SITE_DIR}/${path}`, text);

  // One problem per broken template, not one per edition page it would have failed on.
  const render = (name: string, context: unknown): string | undefined => {
    if (failed.has(name)) return undefined;
    const { output, problem } = runTemplate(templates, name, context);
    if (problem) {
      failed.add(name);
      problems.push(problem);
      return undefined;
    }
    if (output!.includes(UNSUBSCRIBE_URL_PLACEHOLDER)) {
      failed.add(name);
      problems.push(error(templateFile(name), SiteUnsubscribeLink));
      return undefined;
    }
    return output;
  };

  const model = siteModel(input.content, input.rendered);
  const css = render(SITE_TEMPLATES.stylesheet, {}) ?? '';
  await out(STYLESHEET, css);

  const sitemap: { loc: string; lastmod: string | null }[] = [];
  for (const page of sitePages(model, css)) {
    const html = render(page.template, page.context);
    if (html !== undefined) await out(page.path, html);
    if (page.inSitemap) sitemap.push({ loc: pageUrl(model, page), lastmod: page.lastmod });
  }

  for (const h of model.metrics) {
    await out(metricFilePath(h.def.key, METRIC_CSV), metricCsv(h));
    await out(metricFilePath(h.def.key, METRIC_JSON), metricJson(h));
  }

  const entries: FeedEntry[] = [];
  model.editions.forEach((r, i) => {
    const contentHtml = render(SITE_TEMPLATES.feedEntry, feedEntryContext(model, r, i < FULL_CONTENT_IN_FEED));
    if (contentHtml === undefined) return;
    const v = r.view;
    entries.push({ date: v.date, title: v.title, summary: v.summary, url: v.viewUrl, contentHtml });
  });
  const feedInput = { site: model.site, timezone: model.newsletter.timezone, entries };
  await out(ATOM_FEED, atomFeed(feedInput));
  await out(JSON_FEED, jsonFeed(feedInput));
  await out(SITEMAP, sitemapXml(sitemap));
  return problems;
}

/** The site in memory: added to `files` only if the whole site built. */
export async function addSiteFiles(files: OutputFiles, input: SiteInput): Promise<Problem[]> {
  const site = new Map<string, string>();
  const problems = await writeSite(input, (rel, text) => void site.set(rel, text));
  if (!hasErrors(problems)) for (const [rel, text] of site) files.set(rel, text);
  return problems;
}
