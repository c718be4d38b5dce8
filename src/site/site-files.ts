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

export function addSiteFiles(files: OutputFiles, input: SiteInput): Problem[] {
  const { templates } = input;
  const problems: Problem[] = [];
  const failed = new Set<string>();
  const out = new Map<string, string>();
  const templateFile = (name: string) => templates.files.get(name) ?? `${templates.dir}/${name}.hbs`;

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
  out.set(STYLESHEET, css);

  const pages = sitePages(model, css);
  for (const page of pages) {
    const html = render(page.template, page.context);
    if (html !== undefined) out.set(page.path, html);
  }

  for (const h of model.metrics) {
    out.set(metricFilePath(h.def.key, METRIC_CSV), metricCsv(h));
    out.set(metricFilePath(h.def.key, METRIC_JSON), metricJson(h));
  }

  const entries: FeedEntry[] = [];
  model.editions.forEach((r, i) => {
    const contentHtml = render(SITE_TEMPLATES.feedEntry, feedEntryContext(model, r, i < FULL_CONTENT_IN_FEED));
    if (contentHtml === undefined) return;
    const v = r.view;
    entries.push({ date: v.date, title: v.title, summary: v.summary, url: v.viewUrl, contentHtml });
  });
  const feedInput = { site: model.site, timezone: model.newsletter.timezone, entries };
  out.set(ATOM_FEED, atomFeed(feedInput));
  out.set(JSON_FEED, jsonFeed(feedInput));
  out.set(SITEMAP, sitemapXml(pages.filter((p) => p.inSitemap).map((p) => ({ loc: pageUrl(model, p), lastmod: p.lastmod }))));

  if (!hasErrors(problems)) for (const [path, text] of out) files.set(`${SITE_DIR}/${path}`, text);
  return problems;
}
