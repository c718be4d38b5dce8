/**
 * Picks the rows for a "biggest movers" box. Moves are compared on one scale,
 * the size of the change relative to where the metric stood:
 *
 * - money, count, number: |rel|, the relative change already computed.
 * - share, rate: |abs pp| / |previous value|, i.e. how large the point move is
 *   relative to the level it moved from (+2.3 pp on 35.8% scores 0.064).
 *   Ranking raw points against relative changes would mix scales: +2.3 pp
 *   would outrank a +90% revenue jump merely because 2.3 > 0.9.
 * - A move from a previous value of 0 has no relative size; such rows rank
 *   after every row that has one, rather than first as an "infinite" move.
 * - Ties, including among moves from 0, keep the order given (registry order).
 *
 * Only `changed` rows are candidates: new, unchanged and not-reported rows
 * have no move to show.
 */
import type { EditionMetric } from '../model.js';

export function biggestMovers(metrics: EditionMetric[], limit = 3): EditionMetric[] {
  const ranked: { metric: EditionMetric; score: number | null; order: number }[] = [];
  metrics.forEach((metric, order) => {
    if (metric.status === 'changed' && metric.delta) ranked.push({ metric, score: moveSize(metric), order });
  });
  ranked.sort((a, b) => {
    if (a.score !== null && b.score !== null && a.score !== b.score) return b.score - a.score;
    if ((a.score === null) !== (b.score === null)) return a.score === null ? 1 : -1;
    return a.order - b.order;
  });
  return ranked.slice(0, Math.max(0, Math.floor(limit))).map((r) => r.metric);
}

/** Relative size of the move, or null when it was measured from 0. */
function moveSize(m: EditionMetric): number | null {
  const delta = m.delta;
  if (!delta) return null;
  if (delta.rel !== null) return Math.abs(delta.rel);
  if (delta.unit !== 'pp' || !m.previous || m.previous.value === 0) return null;
  return Math.abs(delta.abs) / Math.abs(m.previous.value);
}
