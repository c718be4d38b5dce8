/**
 * One edition's figures for `briefwire report`, the same whichever backend
 * holds the state: what its ledger says of each recipient (sent, failed,
 * unknown), and how many of those recipients bounced, complained or
 * unsubscribed in the edition's window.
 *
 * The window runs from the edition's date (00:00 UTC) to the date of the next
 * edition sent (or to now, for the newest), so each edition's bounces are its
 * own and an older edition's report does not grow with every later send. It is
 * read from dates the state keeps on both backends (an edition's date, each
 * event's time), so a state moved between backends reports the same.
 * Each figure counts readers, not events: three soft bounces from one reader
 * are one reader who soft-bounced.
 */
import { error, fail, ok, type Problem, type Result } from '../../problems.js';
import { ReportEditionNotSent, ReportNothingSent } from '../../problem-catalogue.js';
import { addressKey } from '../audience/address.js';
import type { FeedbackEvent, FeedbackKind } from '../audience/feedback.js';
import type { SuppressionRecord } from '../audience/suppression.js';
import type { RecipientState } from './ledger.js';
import type { StateStore } from './state-store.js';

/** The figures, under the names `report --json` prints. */
export interface EditionFigures {
  /** Readers the edition's ledger has a word for (handed over or tried). */
  recipients: number;
  sent: number;
  /** Failed permanently, or temporarily with no later success yet. */
  failed: number;
  /** Handed over with no outcome recorded (may have arrived). */
  unknown: number;
  bounced_hard: number;
  bounced_soft: number;
  complained: number;
  unsubscribed: number;
}

export interface EditionReport {
  edition: string;
  /** Where bounces, complaints and unsubscribes are counted from (inclusive), ISO. */
  from: string;
  /** Up to (exclusive), ISO; absent for the newest edition (up to now). */
  until?: string;
  /** Failed permanently, of `figures.failed`. */
  failedPermanently: number;
  figures: EditionFigures;
}

export interface EditionActivity {
  states: ReadonlyMap<string, RecipientState>;
  feedback: readonly FeedbackEvent[];
  suppressions: readonly SuppressionRecord[];
  from: string;
  until?: string;
}

const FEEDBACK_FIGURE: Record<FeedbackKind, 'bounced_hard' | 'bounced_soft' | 'complained'> = {
  'hard-bounce': 'bounced_hard',
  'soft-bounce': 'bounced_soft',
  complaint: 'complained',
};

/** The figures of one edition, as a pure count over what the state recorded. */
export function tallyEdition(a: EditionActivity): EditionFigures & { failedPermanently: number } {
  const count = { recipients: a.states.size, sent: 0, failed: 0, failedPermanently: 0, unknown: 0 };
  for (const state of a.states.values()) {
    if (state === 'sent') count.sent++;
    else if (state === 'unknown') count.unknown++;
    else count.failed++;
    if (state === 'failed-permanent') count.failedPermanently++;
  }
  const from = Date.parse(a.from);
  const until = a.until === undefined ? Infinity : Date.parse(a.until);
  const inWindow = (at: string, address: string): boolean => {
    const t = Date.parse(at);
    return t >= from && t < until && a.states.has(addressKey(address));
  };
  const readers = { bounced_hard: new Set<string>(), bounced_soft: new Set<string>(), complained: new Set<string>(), unsubscribed: new Set<string>() };
  for (const e of a.feedback) if (inWindow(e.at, e.address)) readers[FEEDBACK_FIGURE[e.kind]].add(addressKey(e.address));
  // A suppression without a reason was written before reasons existed: an unsubscribe.
  for (const s of a.suppressions) {
    if (!s.lifted && (s.reason ?? 'unsubscribed') === 'unsubscribed' && inWindow(s.at, s.address)) readers.unsubscribed.add(addressKey(s.address));
  }
  return {
    ...count,
    bounced_hard: readers.bounced_hard.size,
    bounced_soft: readers.bounced_soft.size,
    complained: readers.complained.size,
    unsubscribed: readers.unsubscribed.size,
  };
}

/** The report on `date`, or on the newest edition sent when `date` is undefined. */
export async function readEditionReport(store: StateStore, date: string | undefined): Promise<Result<EditionReport>> {
  const editions = await store.sentEditions();
  const latest = editions.at(-1);
  if (latest === undefined) return fail([error(store.where, ReportNothingSent)]);
  const edition = date ?? latest;
  const index = editions.indexOf(edition);
  if (index < 0) return fail([error(store.where, ReportEditionNotSent, [edition, latest])]);
  const ledger = await store.ledger(edition);
  if (!ledger.ok) return ledger;
  const [feedback, suppressions] = await Promise.all([store.feedbackEvents(), store.suppressionRecords()]);
  const next = editions[index + 1];
  const window = { from: `${edition}T00:00:00.000Z`, ...(next !== undefined ? { until: `${next}T00:00:00.000Z` } : {}) };
  const { failedPermanently, ...figures } = tallyEdition({ states: ledger.value.states, feedback: feedback.events, suppressions: suppressions.records, ...window });
  const warnings: Problem[] = [...ledger.warnings, ...feedback.problems, ...suppressions.problems];
  return ok({ edition, ...window, failedPermanently, figures }, warnings);
}
