/**
 * The compute stage: validated content in, editions out. Numbers editions
 * by date, links each to its neighbours, attaches metric deltas and history.
 * The Markdown body passes through as text: turning it into HTML is the
 * render stage's job. Pure.
 */
import type { Content, Edition } from '../model.js';
import { computeEditionMetrics, type EditionMetrics } from './edition-metrics.js';

/** `metrics`: computeEditionMetrics of the same content, when the caller has it already (the build shares it with the audit). */
export function computeEditions(content: Pick<Content, 'metrics' | 'briefs'>, metrics: readonly EditionMetrics[] = computeEditionMetrics(content.metrics, content.briefs)): Edition[] {
  const briefs = content.briefs;
  // Drafts (only the preview passes them) are numbered and linked as the next
  // edition would be, but published editions neither count nor link them.
  const published = briefs.filter((b) => !b.draft).map((b) => b.date);
  let before = 0; // published editions dated before the current brief
  return briefs.map((brief, i) => {
    while (before < published.length && published[before]! < brief.date) before++;
    const after = brief.draft ? before : before + 1;
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
      projections: metrics[i]!.projections,
      history: metrics[i]!.history,
      body: brief.body,
      bodyLine: brief.bodyLine,
    };
  });
}

