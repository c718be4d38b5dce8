/**
 * The compute stage: validated content in, editions out. Numbers editions
 * by date, links each to its neighbours, attaches metric deltas and history,
 * and renders the Markdown body into sections. Pure.
 */
import type { Content, Edition } from '../model.js';
import { computeEditionMetrics } from './edition-metrics.js';
import { renderBody } from '../render/markdown.js';

export function computeEditions(content: Pick<Content, 'metrics' | 'briefs'>): Edition[] {
  const briefs = content.briefs;
  const metrics = computeEditionMetrics(content.metrics, briefs);
  return briefs.map((brief, i) => {
    const body = renderBody(brief.body);
    return {
      date: brief.date,
      number: i + 1,
      slug: brief.slug ?? null,
      draft: brief.draft ?? false,
      file: brief.file,
      title: brief.title,
      // The subject may be a Handlebars template; the render stage fills it in.
      subject: brief.subject ?? brief.title,
      preheader: brief.preheader ?? null,
      summary: brief.summary ?? null,
      previousDate: briefs[i - 1]?.date ?? null,
      nextDate: briefs[i + 1]?.date ?? null,
      metrics: metrics[i]!.metrics,
      history: metrics[i]!.history,
      introHtml: body.introHtml,
      sections: body.sections,
    };
  });
}
