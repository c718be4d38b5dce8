/**
 * The suppression list: `<state>/suppressed.jsonl`, one `{"address", "at", "via"}`
 * line per unsubscribe, append-only and fsync'd. The unsubscribe server appends;
 * the sender reads it at start and re-reads what was appended while a long send
 * runs, so a reader who clicks "unsubscribe" on an earlier issue mid-send is not
 * mailed a minute later. Suppression is checked per recipient, at send time.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { error, ok, warning, type Problem, type Result } from '../problems.js';
import { IoFailed, SuppressionLineSkipped } from '../problem-catalogue.js';
import { addressKey } from './address.js';
import { appendJsonLine, readJsonLines } from './jsonl.js';

export interface SuppressionRecord {
  address: string;
  at: string;
  /** How it came in: one-click (RFC 8058 POST from a mail client), form (the confirmation page). */
  via: string;
}

export function suppressionFile(stateDir: string): string {
  return path.join(stateDir, 'suppressed.jsonl');
}

export class SuppressionList {
  private readonly keys = new Set<string>();
  /** Bytes consumed so far: the end of the last complete line. */
  private offset = 0;
  private line = 0;
  private lastRefresh = 0;

  private constructor(readonly file: string) {}

  static async load(stateDir: string): Promise<Result<SuppressionList>> {
    const list = new SuppressionList(suppressionFile(stateDir));
    const problems = await list.refresh();
    const errors = problems.filter((p) => p.severity === 'error');
    return errors.length > 0 ? { ok: false, problems } : ok(list, problems);
  }

  get size(): number {
    return this.keys.size;
  }

  has(address: string): boolean {
    return this.keys.has(addressKey(address));
  }

  /** Records an address locally (after appending it to the file). */
  add(address: string): void {
    this.keys.add(addressKey(address));
  }

  /**
   * Reads lines appended since the last read. A torn last line is left for the
   * next read (its writer may still be finishing it).
   */
  async refresh(): Promise<Problem[]> {
    const problems: Problem[] = [];
    this.lastRefresh = Date.now();
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
          const address = (value as Partial<SuppressionRecord> | null)?.address;
          if (typeof address === 'string' && address.trim()) this.keys.add(addressKey(address));
          else problems.push(warning(this.file, SuppressionLineSkipped, [], { line }));
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

  /** Re-reads at most every `maxAgeMs`, so checking per recipient stays cheap. */
  async refreshIfOlderThan(maxAgeMs: number): Promise<Problem[]> {
    return Date.now() - this.lastRefresh >= maxAgeMs ? this.refresh() : [];
  }
}

// Appends from one process are serialised so two lines never interleave.
let appendChain: Promise<unknown> = Promise.resolve();

/** Appends one suppression durably (written and fsync'd before it resolves). */
export function appendSuppression(stateDir: string, address: string, via: string, now = new Date()): Promise<void> {
  const run = appendChain.then(() => appendNow(stateDir, address, via, now));
  appendChain = run.catch(() => undefined);
  return run;
}

async function appendNow(stateDir: string, address: string, via: string, now: Date): Promise<void> {
  const record: SuppressionRecord = { address: addressKey(address), at: now.toISOString(), via };
  await appendJsonLine(stateDir, suppressionFile(stateDir), record);
}
