/**
 * What the build writes for one rendered edition, at the paths and in the
 * edition.json contract of render/out-layout.ts.
 */
import type { RenderedEdition } from '../render/render-edition.js';
import {
  EDITION_JSON,
  EDITION_JSON_VERSION,
  editionOutputFile,
  EMAIL_HTML,
  EMAIL_TEXT,
  serializeEditionJson,
  type EditionJson,
} from '../render/out-layout.js';

export type OutputFiles = Map<string, string>;

export function editionJson(r: RenderedEdition): EditionJson {
  const e = r.edition;
  return {
    version: EDITION_JSON_VERSION,
    date: e.date,
    number: e.number,
    title: e.title,
    subject: e.subject,
    preheader: r.view.preheader,
    summary: e.summary,
    slug: e.slug,
    url: r.view.viewUrl,
    previousDate: e.previousDate,
    nextDate: e.nextDate,
    source: e.file,
    htmlBytes: r.email.htmlBytes,
    sections: r.view.sections.map((s) => ({ id: s.id, heading: s.heading })),
    metrics: e.metrics.map((m) => ({
      ...(m.derived !== undefined ? { derived: m.derived, inputs: m.inputs ?? [] } : {}),
      key: m.key,
      label: m.label,
      kind: m.kind,
      unit: m.unit,
      decimals: m.decimals,
      better: m.better,
      value: m.value,
      valueText: m.valueText,
      period: m.period,
      basis: m.basis,
      source: m.source,
      note: m.note,
      previous: m.previous,
      delta: m.delta,
      status: m.status,
    })),
    // Ranked like the email's "Biggest movers": like-for-like changes only.
    movers: r.view.movers.map((m) => m.key),
    projections: e.projections,
  };
}

export function addEditionFiles(files: OutputFiles, r: RenderedEdition): void {
  const date = r.edition.date;
  files.set(editionOutputFile(date, EMAIL_HTML), r.email.html);
  files.set(editionOutputFile(date, EMAIL_TEXT), r.email.text);
  files.set(editionOutputFile(date, EDITION_JSON), serializeEditionJson(editionJson(r)));
}
