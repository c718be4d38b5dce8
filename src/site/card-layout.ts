/**
 * What a share card shows, as plain data, and where it goes: an edition's
 * card (the newsletter's name, the edition's title and date, its top three
 * figures with their change in words) and a metric's (its latest value and
 * change). Pure: the drawing is share-card.ts. The card's cache key is the
 * digest of this data, so a card is drawn again only when what it shows
 * changed.
 */
import type { EditionView, MetricRowView } from '../render/view-model.js';
import type { HistoryRow } from './edition-summary.js';

/** Open Graph's recommended size for a large image card. */
export const CARD_SIZE = { width: 1200, height: 630 } as const;

export interface CardFigure {
  label: string;
  value: string;
  change: string;
}

export interface CardContent {
  /** The newsletter's name. */
  site: string;
  /** Small line above the title: "Edition 6 · 26 January 2026" or "Metric · as of 26 Jan 2026". */
  kicker: string;
  title: string;
  figures: CardFigure[];
}

/** The figures a card has room for. */
export const CARD_FIGURES = 3;

/**
 * A change in words, for a picture that has no colour legend and no arrows
 * in its font: a like-for-like move says "up" or "down" and by how much, with
 * the comparison the email names for it ("up 2.3 pp vs H1 2025", "up CNY 6.6
 * bn (+20.0% YoY)"); every other kind of comparison keeps the words the email
 * uses for it ("revised up from ...", "above the forecast of ...", "new").
 */
export function changeInWords(row: Pick<MetricRowView, 'status' | 'direction' | 'change'>): string {
  const words = row.change.replace(/^[▲▼▬]\s*/, '');
  if (row.status === 'changed' && (row.direction === 'up' || row.direction === 'down')) return `${row.direction} ${words.replace(/^[+\u2212-]/, '')}`;
  return words;
}

/** The edition's figures that lead its card: its biggest movers first, then its other reported rows in table order. */
function topFigures(v: Pick<EditionView, 'movers' | 'metrics'>): CardFigure[] {
  const seen = new Set<string>();
  const out: CardFigure[] = [];
  for (const row of [...v.movers, ...v.metrics]) {
    if (out.length === CARD_FIGURES || seen.has(row.key) || row.status === 'not-reported') continue;
    seen.add(row.key);
    out.push({ label: row.label, value: row.value, change: changeInWords(row) });
  }
  return out;
}

export function editionCard(site: string, v: Pick<EditionView, 'title' | 'number' | 'dateLong' | 'movers' | 'metrics'>): CardContent {
  return { site, kicker: `Edition ${v.number} · ${v.dateLong}`, title: v.title, figures: topFigures(v) };
}

export interface MetricCardInput {
  label: string;
  period: string | null;
  dateShort: string;
  row: Pick<HistoryRow, 'value' | 'change' | 'status' | 'direction'>;
}

/** A metric's card: its latest value and the change it came with, in words. */
export function metricCard(site: string, m: MetricCardInput): CardContent {
  const figure = { label: m.period ? `Latest (${m.period})` : 'Latest', value: m.row.value, change: changeInWords(m.row) };
  return { site, kicker: `Metric · as of ${m.dateShort}`, title: m.label, figures: [figure] };
}

/** The card's alternative text: what it shows, for og:image:alt. */
export function cardAlt(card: CardContent): string {
  const figures = card.figures.map((f) => `${f.label}: ${f.value}, ${f.change}`).join('; ');
  return `${card.site}: ${card.title} (${card.kicker})${figures ? `. ${figures}` : ''}`;
}
