/**
 * Readers who subscribed through the archive's form: `<state>/subscribers.jsonl`,
 * append-only and fsync'd like the ledger and the suppression list.
 *
 *   requested  a confirmation email went out (at most one per address per hour)
 *   confirmed  the reader pressed the button on the confirmation page: the
 *              record of consent (when it was asked for, when it was given, how)
 *
 * Leaving is not recorded here: an unsubscribe is a suppression (suppressed.jsonl),
 * which `send` already honours for every list. Coming back needs a new
 * confirmation, whose `confirmed` line is later than the suppression.
 */
import path from 'node:path';
import { error, warning, type Problem } from '../../problems.js';
import { IoFailed, SubscriberLineSkipped } from '../../problem-catalogue.js';
import { addressKey } from './address.js';
import { appendJsonLines, readJsonLines } from '../jsonl.js';

export type SubscriberRecord =
  | { event: 'requested'; address: string; at: string }
  | {
      event: 'confirmed';
      address: string;
      name?: string;
      at: string;
      /** How consent was given: `double-opt-in` (form, then the emailed link's button). */
      consent: string;
      /** When the confirmation email was asked for. */
      requestedAt: string;
    };

export interface StoredSubscriber {
  address: string;
  name?: string;
  confirmedAt: string;
  consent: string;
}

/** At most one confirmation email per address in this window. */
export const CONFIRMATION_INTERVAL_MS = 60 * 60 * 1000;

export function subscriberStoreFile(stateDir: string): string {
  return path.join(stateDir, 'subscribers.jsonl');
}

export class SubscriberStore {
  /** Confirmed readers, by lowercased address, in order of first confirmation. */
  readonly confirmed = new Map<string, StoredSubscriber>();
  /** The last confirmation email per address not (yet) confirmed since. */
  readonly pending = new Map<string, string>();

  private constructor(
    readonly file: string,
    readonly problems: Problem[],
  ) {}

  static async load(stateDir: string): Promise<SubscriberStore> {
    const store = new SubscriberStore(subscriberStoreFile(stateDir), []);
    try {
      await readJsonLines(store.file, (value, line) => store.apply(value as Partial<SubscriberRecord> | null, line), store.problems);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') store.problems.push(error(store.file, IoFailed, [(e as Error).message]));
    }
    return store;
  }

  private apply(r: Partial<SubscriberRecord> | null, line: number): void {
    if (!r || typeof r.address !== 'string' || typeof r.at !== 'string') {
      this.problems.push(warning(this.file, SubscriberLineSkipped, ['no "address" and "at"'], { line }));
      return;
    }
    const key = addressKey(r.address);
    if (r.event === 'requested') {
      if (!this.confirmed.has(key) || (this.confirmed.get(key)!.confirmedAt < r.at)) this.pending.set(key, r.at);
    } else if (r.event === 'confirmed') {
      this.pending.delete(key);
      const previous = this.confirmed.get(key);
      // Insertion order stays the first confirmation's; the latest confirmation's details win.
      this.confirmed.set(key, {
        address: r.address,
        ...(typeof r.name === 'string' && r.name ? { name: r.name } : previous?.name ? { name: previous.name } : {}),
        confirmedAt: r.at,
        consent: typeof r.consent === 'string' ? r.consent : 'unknown',
      });
    } else {
      this.problems.push(warning(this.file, SubscriberLineSkipped, [`unknown event ${JSON.stringify(r.event)}`], { line }));
    }
  }

  /** Whether a confirmation email may go to `address` now (none in the last hour). */
  mayRequest(address: string, now: Date): boolean {
    const last = this.pending.get(addressKey(address));
    return last === undefined || now.getTime() - Date.parse(last) >= CONFIRMATION_INTERVAL_MS;
  }

  async recordRequest(address: string, now: Date): Promise<void> {
    const record: SubscriberRecord = { event: 'requested', address: addressKey(address), at: now.toISOString() };
    await appendJsonLines(this.file, [record]);
    this.apply(record, 0);
  }

  async recordConfirmation(c: { address: string; name?: string; requestedAt: string }, now: Date): Promise<void> {
    const record: SubscriberRecord = {
      event: 'confirmed',
      address: addressKey(c.address),
      ...(c.name ? { name: c.name } : {}),
      at: now.toISOString(),
      consent: 'double-opt-in',
      requestedAt: c.requestedAt,
    };
    await appendJsonLines(this.file, [record]);
    this.apply(record, 0);
  }
}
