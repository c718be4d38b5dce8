import type { EditionView, MetricRowView } from '../render/view-model.js';

/**
 * What the site keeps of an edition once the edition's own page and feed
 * entry are written: what lists, neighbour links and metric pages show of
 * it. Not its view: a 5,200-edition archive cannot hold every edition's
 * rendered body, trend bars and texts to the end.
 */
export interface EditionSummary {
  date: string;
  number: number;
  title: string;
  summary: string | null;
  dateShort: string;
  dateLong: string;
  movers: MetricRowView[];
  /** Its rows with a value, by key: a metric page shows the row that set each point. */
  rows: Map<string, HistoryRow>;
  /** Its feed entry, rendered with its page; undefined when it is not among the feeds' newest (site-files.ts) or its template failed. */
  feedHtml: string | undefined;
  url: string;
}

/** The parts of an email row a metric page shows. */
export type HistoryRow = Pick<MetricRowView, 'value' | 'change' | 'direction' | 'color' | 'sentiment' | 'sentimentLabel' | 'status' | 'source' | 'note'>;

export function editionSummary(v: EditionView, feedHtml: string | undefined): EditionSummary {
  const rows = new Map<string, HistoryRow>();
  for (const r of v.metrics) {
    if (r.status !== 'not-reported') rows.set(r.key, { value: r.value, change: r.change, direction: r.direction, color: r.color, sentiment: r.sentiment, sentimentLabel: r.sentimentLabel, status: r.status, source: r.source, note: r.note });
  }
  return { date: v.date, number: v.number, title: v.title, summary: v.summary, dateShort: v.dateShort, dateLong: v.dateLong, movers: v.movers, rows, feedHtml, url: v.viewUrl };
}

