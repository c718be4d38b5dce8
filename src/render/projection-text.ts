/**
 * The "Projections" block of the plain-text part: the same table as the
 * email's, aligned in columns, the base scenario marked with asterisks (the
 * text part's bold), then the assumption, method and `reaches` answer.
 */
import type { ProjectionView } from './projection-view.js';

/** Word wrap at a width (text.ts's, passed in: text.ts lays out the whole part and imports this module). */
type Wrap = (text: string, width: number) => string[];

const WIDTH = 78;

export const PROJECTIONS_NOTE = 'Our own projections, computed from figures in these pages and the assumptions stated with them. They are not forecasts by the sources we cite. The base case is marked *like this*.';

function len(s: string): number {
  return [...s].length;
}

/** One projection's table: a column per scenario (name, then its rate), a row per period shown. */
export function projectionTextTable(p: ProjectionView): string {
  const mark = (text: string, base: boolean) => (base ? `*${text}*` : text);
  const header = [
    ['Period', ...p.scenarios.map((s) => mark(s.name, s.base))],
    ['', ...p.scenarios.map((s) => s.rateText)],
  ];
  const body = p.rows.map((r) => [r.period, ...r.cells.map((c) => mark(c.text, c.base))]);
  const all = [...header, ...body];
  const widths = all[0]!.map((_, i) => Math.max(...all.map((row) => len(row[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c + ' '.repeat(widths[i]! - len(c)) : ' '.repeat(widths[i]! - len(c)) + c)).join('  ').trimEnd();
  return [...header.map(line), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function projectionsText(views: readonly ProjectionView[], wrapWords: Wrap): string {
  const parts = [wrapWords(PROJECTIONS_NOTE, WIDTH).join('\n')];
  for (const p of views) {
    parts.push(wrapWords(`${p.label}: our projection to ${p.horizon}`, WIDTH).join('\n'));
    parts.push(wrapWords(`${p.horizon}: ${p.lowText} to ${p.highText}, base case *${p.baseValueText}*. From ${p.baseText}.`, WIDTH).join('\n'));
    parts.push(projectionTextTable(p));
    const notes = [`Assumption: ${p.assumption}`, p.methodText, ...(p.reachesText ? [p.reachesText] : [])];
    parts.push(notes.map((n) => wrapWords(n, WIDTH).join('\n')).join('\n'));
  }
  return parts.join('\n\n');
}
