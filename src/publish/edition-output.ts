/**
 * What `out/editions/<date>/` holds for one rendered edition. edition.json is
 * a public contract (README "edition.json"): the sender, the preview and
 * anyone scripting against the archive read it.
 */
import type { RenderedEdition } from '../render/render-edition.js';

export type OutputFiles = Map<string, string>;

/** The files of one built edition that `briefwire send` reads (README "edition.json"). */
export const EMAIL_HTML = 'email.html';
export const EMAIL_TEXT = 'email.txt';
export const EDITION_JSON = 'edition.json';

export function editionOutputDir(date: string): string {
  return `editions/${date}`;
}

export function editionJson(r: RenderedEdition): unknown {
  const e = r.edition;
  return {
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
    sections: e.sections.map((s) => ({ id: s.id, heading: s.heading })),
    metrics: e.metrics.map((m) => ({
      key: m.key,
      label: m.label,
      kind: m.kind,
      unit: m.unit,
      decimals: m.decimals,
      better: m.better,
      value: m.value,
      valueText: m.valueText,
      period: m.period,
      source: m.source,
      note: m.note,
      previous: m.previous,
      delta: m.delta,
      status: m.status,
    })),
  };
}

export function addEditionFiles(files: OutputFiles, r: RenderedEdition): void {
  const dir = editionOutputDir(r.edition.date);
  files.set(`${dir}/${EMAIL_HTML}`, r.email.html);
  files.set(`${dir}/${EMAIL_TEXT}`, r.email.text);
  files.set(`${dir}/${EDITION_JSON}`, `${JSON.stringify(editionJson(r), null, 2)}\n`);
}
