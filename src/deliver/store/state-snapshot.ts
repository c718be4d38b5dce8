/**
 * Moving state between backends. A snapshot is everything a state holds, as
 * the files backend's records; `planImport` decides, without I/O, what an
 * import adds to a target, by these rules:
 *
 *   suppressions  an address suppressed in the source and not in the target is
 *                 suppressed there (its own reason, time and source); a lift is
 *                 never imported, so an address suppressed on either side stays
 *                 suppressed, whatever order the two states saw things in
 *   subscribers   every consent event the target lacks is added: the earliest
 *                 consent stays on record beside the latest
 *   feedback      events are de-duplicated by their id
 *   slots         one record per slot and kind
 *   sends         per edition and reader, the stronger word wins: sent, then
 *                 unknown (it may have arrived), then failed; never weaker
 *
 * Importing the same folder twice adds nothing the second time.
 */
import { addressKey } from '../audience/address.js';
import type { FeedbackEvent } from '../audience/feedback.js';
import type { SubscriberRecord } from '../audience/subscriber-store.js';
import type { SuppressionRecord } from '../audience/suppression.js';
import type { DoneRecord, RecipientState } from './ledger.js';
import type { SlotRecord } from './slot-records.js';

export interface EditionLedger {
  states: Map<string, RecipientState>;
  lastDone?: DoneRecord;
}

export interface StateSnapshot {
  /** Suppression records in the order they were made (lifts included). */
  suppressions: SuppressionRecord[];
  subscribers: SubscriberRecord[];
  feedback: FeedbackEvent[];
  slots: SlotRecord[];
  sends: Map<string, EditionLedger>;
}

export interface ImportPlan {
  suppressions: SuppressionRecord[];
  subscribers: SubscriberRecord[];
  feedback: FeedbackEvent[];
  slots: SlotRecord[];
  /** Per edition: the readers whose state changes, to what, and a `done` the target lacks. */
  sends: Map<string, EditionLedger>;
  report: ImportReport;
}

export interface Tally {
  added: number;
  present: number;
}

export interface ImportReport {
  suppressions: Tally & { keptSuppressed: number };
  subscribers: Tally;
  feedback: Tally;
  slots: Tally;
  deliveries: Tally;
}

/** Who is suppressed now, and with which record, after applying records in order. */
export function activeSuppressions(records: readonly SuppressionRecord[]): Map<string, SuppressionRecord> {
  const active = new Map<string, SuppressionRecord>();
  for (const r of records) {
    const key = addressKey(r.address);
    if (r.lifted) active.delete(key);
    else if (!active.has(key)) active.set(key, r);
  }
  return active;
}

const RANK: Record<RecipientState, number> = { sent: 4, unknown: 3, 'failed-permanent': 2, 'failed-temporary': 1 };

export function planImport(source: StateSnapshot, target: StateSnapshot): ImportPlan {
  const report: ImportReport = {
    suppressions: { added: 0, present: 0, keptSuppressed: 0 },
    subscribers: { added: 0, present: 0 },
    feedback: { added: 0, present: 0 },
    slots: { added: 0, present: 0 },
    deliveries: { added: 0, present: 0 },
  };
  const fromSource = activeSuppressions(source.suppressions);
  const inTarget = activeSuppressions(target.suppressions);
  const suppressions: SuppressionRecord[] = [];
  for (const [key, record] of fromSource) {
    if (inTarget.has(key)) report.suppressions.present++;
    else {
      suppressions.push({ ...record, address: key });
      report.suppressions.added++;
    }
  }
  // Suppressed here, not (or no longer) in the source: the import leaves them suppressed.
  for (const key of inTarget.keys()) if (!fromSource.has(key)) report.suppressions.keptSuppressed++;

  const subscriberKey = (r: SubscriberRecord): string => `${r.event} ${addressKey(r.address)} ${r.at}`;
  const subscribers = missing(source.subscribers, target.subscribers, subscriberKey, report.subscribers).map((r) => ({ ...r, address: addressKey(r.address) }));
  const feedback = missing(source.feedback, target.feedback, (e) => e.id, report.feedback);
  const slots = missing(source.slots, target.slots, (s) => `${s.slot} ${s.kind}`, report.slots);
  return { suppressions, subscribers, feedback, slots, sends: planSends(source.sends, target.sends, report.deliveries), report };
}

/** The source's items the target lacks (by `key`), each once, counting both kinds. */
function missing<T>(source: readonly T[], target: readonly T[], key: (t: T) => string, tally: Tally): T[] {
  const seen = new Set(target.map(key));
  const out: T[] = [];
  for (const item of source) {
    const k = key(item);
    if (seen.has(k)) {
      tally.present++;
      continue;
    }
    seen.add(k);
    out.push(item);
    tally.added++;
  }
  return out;
}

function planSends(source: Map<string, EditionLedger>, target: Map<string, EditionLedger>, tally: Tally): Map<string, EditionLedger> {
  const plan = new Map<string, EditionLedger>();
  for (const [date, ledger] of source) {
    const there = target.get(date);
    const states = new Map<string, RecipientState>();
    for (const [address, state] of ledger.states) {
      const current = there?.states.get(address);
      if (current !== undefined && RANK[current] >= RANK[state]) tally.present++;
      else {
        states.set(address, state);
        tally.added++;
      }
    }
    const done = ledger.lastDone && !there?.lastDone ? { lastDone: ledger.lastDone } : {};
    if (states.size > 0 || done.lastDone) plan.set(date, { states, ...done });
  }
  return plan;
}
