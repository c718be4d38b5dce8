/**
 * The computed edition as text: what the build cache keys an edition's
 * email and its whole output on (cached-steps.ts, kept-output.ts). It holds
 * everything the edition renders from (figures, deltas, history windows,
 * number, neighbours' dates, body), so equal text means equal renders under
 * the same settings, templates and code.
 */
import type { Edition, HistoryPoint, Newsletter } from '../model.js';

const texts = new WeakMap<Edition, string>();

/**
 * Recent history points' JSON, by point. Editions are keyed in date order
 * and a point sits only in the windows of the few editions after it, so the
 * newest few thousand are all that are asked for again; a WeakMap would
 * keep every point's text as long as the newest edition's whole history
 * keeps the point (about 8 MB at 5,200 editions).
 */
const pointTexts = new Map<HistoryPoint, string>();
const POINT_TEXTS_KEPT = 4_096;

function pointText(p: HistoryPoint): string {
  let text = pointTexts.get(p);
  if (text === undefined) {
    if (pointTexts.size >= POINT_TEXTS_KEPT) pointTexts.delete(pointTexts.keys().next().value!);
    pointTexts.set(p, (text = JSON.stringify(p)));
  }
  return text;
}

/**
 * The computed edition as text, for its key. A history point is shared by
 * the windows of the eight editions after it and never changed once made (a
 * revision replaces it: compute/edition-metrics.ts), so its JSON is made once;
 * writing the whole edition out each time was most of a cold build's cost
 * of keeping editions. Made once per edition: the email's key and the whole
 * edition's key both start from it.
 */
export function editionText(edition: Edition): string {
  let text = texts.get(edition);
  if (text === undefined) texts.set(edition, (text = editionTextUncached(edition)));
  return text;
}

function editionTextUncached(edition: Edition): string {
  const history = Object.entries(edition.history).map(([key, points]) => {
    return `${JSON.stringify(key)}:[${points.map(pointText).join(',')}]`;
  });
  return `${JSON.stringify({ ...edition, history: undefined })}{${history.join(',')}}`;
}

const settings = new WeakMap<Newsletter, string>();

/** The newsletter settings as text, made once per build: every edition's keys include them. */
export function settingsText(newsletter: Newsletter): string {
  let text = settings.get(newsletter);
  if (text === undefined) settings.set(newsletter, (text = JSON.stringify(newsletter)));
  return text;
}
