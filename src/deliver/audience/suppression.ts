/**
 * The suppression list: `<state>/suppressed.jsonl`, one line per address that
 * must not be mailed, with the reason, the time, how it came in and the source
 * message (for a bounce or complaint). Append-only and fsync'd. The unsubscribe
 * endpoint, the bounce reader and the provider webhooks append; the sender
 * reads it at start and re-reads what was appended while a long send runs, so
 * a reader who clicks "unsubscribe" on an earlier issue mid-send is not mailed
 * a minute later. Suppression is checked per recipient, at send time.
 *
 * A reader who confirms a new subscription after being suppressed gets a
 * `lifted` line: the later line wins, so the file stays append-only.
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { error, ok, warning, type Problem, type Result } from '../../problems.js';
import { IoFailed, JsonLineSkipped, SuppressionLineDamaged, SuppressionLineSkipped } from '../../problem-catalogue.js';
import { addressKey } from './address.js';
import { appendJsonLines, readJsonLines } from '../jsonl.js';

/** Why an address is suppressed; lines written before reasons existed were unsubscribes. */
export const SUPPRESSION_REASONS = ['unsubscribed', 'hard-bounce', 'soft-bounce', 'complaint'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface SuppressionRecord {
  address: string;
  at: string;
  /** How it came in: one-click (RFC 8058), form, dsn, arf, ses, postmark, confirmed (for a lift). */
  via: string;
  reason?: SuppressionReason;
  /** The message that caused it: a report's Message-ID, a provider's event id. */
  source?: string;
  /** This line ends an earlier suppression (the reader confirmed a new subscription). */
  lifted?: true;
}

/** Adds one to a per-reason tally (an address without a recorded reason was an unsubscribe). */
export function countReason(tally: Partial<Record<SuppressionReason, number>>, reason: SuppressionReason | undefined): void {
  const r = reason ?? 'unsubscribed';
  tally[r] = (tally[r] ?? 0) + 1;
}

/** "3 (2 unsubscribed, 1 hard-bounce)": a count with its reasons, for reports. */
export function formatReasons(total: number, tally: Partial<Record<SuppressionReason, number>>): string {
  const parts = SUPPRESSION_REASONS.filter((r) => tally[r]).map((r) => `${tally[r]} ${r}`);
  return parts.length > 0 ? `${total} (${parts.join(', ')})` : String(total);
}

export interface SuppressionEntry {
  reason: SuppressionReason;
  at: string;
}

export function suppressionFile(stateDir: string): string {
  return path.join(stateDir, 'suppressed.jsonl');
}

/**
 * Who is suppressed, built from suppression records applied in order, whatever
 * keeps them: the file (SuppressionList, below) or a database (deliver/store/).
 * `refresh` applies what was recorded since the last read.
 */
export abstract class SuppressionView {
  private readonly entries = new Map<string, SuppressionEntry>();
  /** The last time each address was suppressed, lifted or not (a confirm link older than that is stale). */
  private readonly lastSuppressed = new Map<string, string>();
  private lastRefresh = 0;

  get size(): number {
    return this.entries.size;
  }

  has(address: string): boolean {
    return this.entries.has(addressKey(address));
  }

  /** Why an address is suppressed, or undefined when it is not. */
  reasonOf(address: string): SuppressionReason | undefined {
    return this.entries.get(addressKey(address))?.reason;
  }

  /** When the address was last suppressed (even if lifted since), as an ISO time. */
  lastSuppressedAt(address: string): string | undefined {
    return this.lastSuppressed.get(addressKey(address));
  }

  /** Suppressed addresses per reason. */
  countByReason(): Record<SuppressionReason, number> {
    const counts = Object.fromEntries(SUPPRESSION_REASONS.map((r) => [r, 0])) as Record<SuppressionReason, number>;
    for (const e of this.entries.values()) counts[e.reason]++;
    return counts;
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  /**
   * Records an address locally (after appending it to the file). The times come from the
   * file: the next refresh reads the appended line itself.
   */
  add(address: string, reason: SuppressionReason = 'unsubscribed', at = ''): void {
    const key = addressKey(address);
    if (!this.entries.has(key)) this.entries.set(key, { reason, at });
  }

  protected apply(record: Pick<SuppressionRecord, 'address' | 'at' | 'reason' | 'lifted'>): void {
    const key = addressKey(record.address);
    if (record.lifted) {
      this.entries.delete(key);
      return;
    }
    const reason = SUPPRESSION_REASONS.includes(record.reason as SuppressionReason) ? (record.reason as SuppressionReason) : 'unsubscribed';
    // The first reason stands: a complaint after an unsubscribe does not make the address "complained" twice.
    if (!this.entries.has(key)) this.entries.set(key, { reason, at: record.at });
    const last = this.lastSuppressed.get(key);
    if (!last || record.at > last) this.lastSuppressed.set(key, record.at);
  }

  /** Applies what was recorded since the last read. */
  abstract refresh(): Promise<Problem[]>;

  /** Re-reads at most every `maxAgeMs`, so checking per recipient stays cheap. */
  async refreshIfOlderThan(maxAgeMs: number): Promise<Problem[]> {
    if (Date.now() - this.lastRefresh < maxAgeMs) return [];
    this.lastRefresh = Date.now();
    return this.refresh();
  }
}

export class SuppressionList extends SuppressionView {
  /** Bytes consumed so far: the end of the last complete line. */
  private offset = 0;
  private line = 0;

  private constructor(readonly file: string) {
    super();
  }

  static async load(stateDir: string): Promise<Result<SuppressionList>> {
    const list = new SuppressionList(suppressionFile(stateDir));
    const problems = await list.refresh();
    const errors = problems.filter((p) => p.severity === 'error');
    return errors.length > 0 ? { ok: false, problems } : ok(list, problems);
  }

  /**
   * Reads lines appended since the last read. A torn last line is left for the
   * next read (its writer may still be finishing it).
   */
  async refresh(): Promise<Problem[]> {
    const problems: Problem[] = [];
    let size: number;
    try {
      size = (await stat(this.file)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return problems;
      return [error(this.file, IoFailed, [(e as Error).message])];
    }
    if (size < this.offset) {
      // Replaced or truncated by hand: start over. Keeping old keys errs on the side of not mailing.
      this.offset = 0;
      this.line = 0;
    }
    if (size === this.offset) return problems;
    try {
      const { end, lines } = await readJsonLines(
        this.file,
        (value, line) => {
          const record = value as Partial<SuppressionRecord> | null;
          const address = record?.address;
          if (typeof address === 'string' && address.trim()) {
            this.apply({ ...record, address, at: typeof record?.at === 'string' ? record.at : '', via: String(record?.via ?? '') } as SuppressionRecord);
          } else problems.push(warning(this.file, SuppressionLineSkipped, [], { line }));
        },
        problems,
        this.offset,
        this.line + 1,
      );
      this.offset = end;
      this.line = lines;
    } catch (e) {
      problems.push(error(this.file, IoFailed, [(e as Error).message]));
    }
    return problems;
  }
}

/**
 * The list's problems as a send must see them: a line it cannot read may be
 * a reader who left, so for a send it is an error (BW_SUPPRESSION_LINE_DAMAGED)
 * and nothing goes out until it is repaired. Everything else stays as it was.
 * (Reading the list to add a suppression keeps the warnings: an old damaged
 * line must not hold up a new unsubscribe.)
 */
export function suppressionProblemsForSending(problems: readonly Problem[]): Problem[] {
  return problems.map((p) =>
    p.code === JsonLineSkipped.code || p.code === SuppressionLineSkipped.code ? error(p.file, SuppressionLineDamaged, [], { line: p.line }) : p,
  );
}

export interface SuppressionDetails {
  reason?: SuppressionReason;
  source?: string;
}

/** Appends one suppression durably (written and fsync'd before it resolves). */
export function appendSuppression(stateDir: string, address: string, via: string, now = new Date(), details: SuppressionDetails = {}): Promise<void> {
  const record: SuppressionRecord = {
    address: addressKey(address),
    at: now.toISOString(),
    via,
    reason: details.reason ?? 'unsubscribed',
    ...(details.source ? { source: details.source } : {}),
  };
  return appendJsonLines(suppressionFile(stateDir), [record]);
}

/** Ends an address's suppression (it confirmed a new subscription), durably. */
export function liftSuppression(stateDir: string, address: string, via: string, now = new Date()): Promise<void> {
  const record: SuppressionRecord = { address: addressKey(address), at: now.toISOString(), via, lifted: true };
  return appendJsonLines(suppressionFile(stateDir), [record]);
}
