/**
 * The compute stage: validated content in, editions out. Numbers editions
 * by date, links each to its neighbours, attaches metric deltas and history,
 * and renders the Markdown body into sections. Pure.
 */
import type { Brief, Content, Edition } from '../model.js';
import { computeEditionMetrics } from './edition-metrics.js';
import { renderBody } from '../render/markdown.js';

export function computeEditions(content: Pick<Content, 'metrics' | 'briefs'>): Edition[] {
  const briefs = content.briefs;
  const metrics = computeEditionMetrics(content.metrics, briefs);
  // Drafts (only the preview passes them) are numbered and linked as the next
  // edition would be, but published editions neither count nor link them.
  const published = briefs.filter((b) => !b.draft).map((b) => b.date);
  let before = 0; // published editions dated before the current brief
  return briefs.map((brief, i) => {
    while (before < published.length && published[before]! < brief.date) before++;
    const after = brief.draft ? before : before + 1;
    const body = renderBody(brief.body);
    return {
      date: brief.date,
      number: before + 1,
      slug: brief.slug ?? null,
      draft: brief.draft ?? false,
      file: brief.file,
      title: brief.title,
      // The subject may be a Handlebars template; the render stage fills it in.
      subject: brief.subject ?? brief.title,
      subjectLine: brief.subjectLine ?? null,
      preheader: brief.preheader ?? null,
      summary: brief.summary ?? null,
      previousDate: published[before - 1] ?? null,
      nextDate: published[after] ?? null,
      metrics: metrics[i]!.metrics,
      history: metrics[i]!.history,
      introHtml: body.introHtml,
      introEmailHtml: body.introEmailHtml,
      sections: body.sections,
      bodyTemplate: bodyTemplateOf(brief),
    };
  });
}

/** A body that uses template helpers is kept as Markdown for the render stage to fill in. */
export function bodyTemplateOf(brief: Pick<Brief, 'body' | 'bodyLine'>): Edition['bodyTemplate'] {
  return brief.body.includes('{{') ? { text: brief.body, line: brief.bodyLine } : null;
}
