/**
 * The send ledger: `<state>/sends/<date>.jsonl`, one append-only JSON line per
 * event, fsync'd. It is what makes a rerun safe:
 *
 *   attempt  written and synced BEFORE the message is handed to SMTP
 *   sent     written after the server answered 250
 *   failed   written after a 4xx/5xx or a connection that broke before the
 *            message body was out (permanent: true for 5xx)
 *   unconfirmed  the connection broke after the whole body was sent but before
 *            the server answered: it may or may not have been accepted
 *
 * A recipient whose last word is `attempt` or `unconfirmed` is UNKNOWN: the
 * process died (or the line dropped) while the server had the message, so a
 * blind resend could deliver it twice. Those are only resent on request.
 *
 * Writes are group-committed: records appended while a sync is running go out
 * together in the next write+sync, so N concurrent connections share syncs
 * instead of queueing N of them. A record's promise resolves only once it is
 * on disk, and because the file is written in order, a synced record implies
 * every earlier record is synced too.
 */
import { open, readdir, stat, truncate, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { error, ok, warning, type Problem, type Result } from '../../problems.js';
import { IoFailed, LedgerRecordSkipped, LedgerTornTail } from '../../problem-catalogue.js';
import { mkdirDurable, readJsonLines, syncDir, writeAll } from '../jsonl.js';

export type LedgerRecord =
  | { type: 'run'; at: string; pid: number; resendUnknown: boolean; listId?: string }
  | { type: 'attempt'; to: string; at: string; try: number }
  | { type: 'sent'; to: string; at: string; response?: string }
  | { type: 'failed'; to: string; at: string; permanent: boolean; code?: number; error: string }
  | { type: 'unconfirmed'; to: string; at: string; error: string }
  | DoneRecord;

/** Written when a run got through the whole list without being interrupted. */
export interface DoneRecord {
  type: 'done';
  at: string;
  sent: number;
  failed: number;
  /** Recipients whose last try failed temporarily; a later run retries them. */
  retryLater: number;
  unknown: number;
}

export type RecipientState = 'sent' | 'failed-permanent' | 'failed-temporary' | 'unknown';

export interface LedgerSnapshot {
  file: string;
  /** Last known state per lowercased address. */
  states: Map<string, RecipientState>;
  /** The last `done` record, if any run finished the list. */
  lastDone?: DoneRecord;
  problems: Problem[];
}

export function sendsDir(stateDir: string): string {
  return path.join(stateDir, 'sends');
}

export function ledgerFile(stateDir: string, date: string): string {
  return path.join(sendsDir(stateDir), `${date}.jsonl`);
}

/**
 * The List-Id the newest edition's send from this state directory carried (its
 * last `run` record that names one): undefined when nothing was ever sent from
 * here, null when that ledger was written by a version that did not record it.
 */
export async function listIdSentWith(stateDir: string): Promise<string | null | undefined> {
  let names: string[];
  try {
    names = (await readdir(sendsDir(stateDir))).filter((name) => name.endsWith('.jsonl')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const newest = names.at(-1);
  if (newest === undefined) return undefined;
  let listId: string | null = null;
  await readJsonLines(path.join(sendsDir(stateDir), newest), (value) => {
    const rec = value as { type?: unknown; listId?: unknown } | null;
    if (rec?.type === 'run' && typeof rec.listId === 'string') listId = rec.listId;
  }, []);
  return listId;
}

/** A run counts as complete when one got through the list and left nothing to retry. */
export function isComplete(snapshot: LedgerSnapshot): boolean {
  return snapshot.lastDone !== undefined && snapshot.lastDone.retryLater === 0;
}

/** What a send does with one listed recipient. */
export type RecipientAction = 'already-sent' | 'failed-earlier' | 'suppressed' | 'unknown' | 'send';

/**
 * The one rule for a listed recipient, shared by the send loop and --dry-run so
 * the preview counts what the send will do: the ledger's final words first
 * (sent, permanently failed), then the suppression list, then an unknown
 * outcome (held back unless resendUnknown); everyone else is sent.
 */
export function classify(state: RecipientState | undefined, suppressed: boolean, resendUnknown: boolean): RecipientAction {
  if (state === 'sent') return 'already-sent';
  if (state === 'failed-permanent') return 'failed-earlier';
  if (suppressed) return 'suppressed';
  if (state === 'unknown' && !resendUnknown) return 'unknown';
  return 'send';
}

export function unknownRecipients(snapshot: LedgerSnapshot): string[] {
  return [...snapshot.states].filter(([, s]) => s === 'unknown').map(([k]) => k);
}

/** Reads the ledger without changing it (for --dry-run and --due checks). A missing ledger is empty. */
export async function readLedger(stateDir: string, date: string): Promise<Result<LedgerSnapshot>> {
  const file = ledgerFile(stateDir, date);
  const snapshot: LedgerSnapshot = { file, states: new Map(), problems: [] };
  try {
    await readJsonLines(file, (value, line) => applyRecord(snapshot, value, line), snapshot.problems);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return { ok: false, problems: [error(file, IoFailed, [(e as Error).message])] };
  }
  return ok(snapshot, snapshot.problems);
}

function applyRecord(snapshot: LedgerSnapshot, value: unknown, line: number): void {
  const rec = value as Partial<LedgerRecord> | null;
  if (!rec || typeof rec !== 'object' || typeof rec.type !== 'string') {
    snapshot.problems.push(warning(snapshot.file, LedgerRecordSkipped, [], { line }));
    return;
  }
  if (rec.type === 'done') {
    snapshot.lastDone = rec as DoneRecord;
    return;
  }
  if (rec.type === 'run') return;
  const to = (rec as { to?: unknown }).to;
  if (typeof to !== 'string') return;
  const current = snapshot.states.get(to);
  // `sent` is final: nothing recorded later for the address may make it look unsent.
  if (current === 'sent') return;
  switch (rec.type) {
    case 'attempt':
    case 'unconfirmed':
      snapshot.states.set(to, 'unknown');
      break;
    case 'sent':
      snapshot.states.set(to, 'sent');
      break;
    case 'failed':
      snapshot.states.set(to, (rec as { permanent?: boolean }).permanent ? 'failed-permanent' : 'failed-temporary');
      break;
  }
}

/** The writer for one edition. Only one exists at a time per edition (see lock.ts). */
export class LedgerWriter {
  private queue: string[] = [];
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private failure: Error | null = null;
  /** Write+sync rounds and their total/longest time, for the benchmark and for diagnosing slow disks. */
  readonly stats = { syncs: 0, records: 0, syncMs: 0, maxSyncMs: 0 };

  private constructor(
    readonly snapshot: LedgerSnapshot,
    private readonly fh: FileHandle,
  ) {}

  /**
   * Opens (creating if needed) the ledger for appending. A torn last line (the
   * previous process was killed mid-write) is cut off first; otherwise the next
   * record would be glued onto it and both would be lost. Cutting it is safe:
   * an attempt whose line never completed was never handed to SMTP, and a lost
   * outcome line leaves the earlier attempt, i.e. the recipient reads as unknown.
   */
  static async open(stateDir: string, date: string): Promise<Result<LedgerWriter>> {
    const file = ledgerFile(stateDir, date);
    const snapshot: LedgerSnapshot = { file, states: new Map(), problems: [] };
    try {
      // A new sends/ (first send from a fresh state dir) must survive a power cut with the ledger in it.
      await mkdirDurable(path.dirname(file));
      let existed = true;
      try {
        await stat(file);
      } catch {
        existed = false;
      }
      if (existed) {
        const { end, tornTail } = await readJsonLines(file, (value, line) => applyRecord(snapshot, value, line), snapshot.problems);
        if (tornTail) {
          await truncate(file, end);
          snapshot.problems.push(warning(file, LedgerTornTail));
        }
      }
      const fh = await open(file, 'a');
      if (!existed) await syncDir(path.dirname(file));
      return ok(new LedgerWriter(snapshot, fh), snapshot.problems);
    } catch (e) {
      return { ok: false, problems: [error(file, IoFailed, [(e as Error).message])] };
    }
  }

  get file(): string {
    return this.snapshot.file;
  }

  /** Appends a record; resolves once it (and everything before it) is synced to disk. */
  append(record: LedgerRecord): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.queue.push(JSON.stringify(record) + '\n');
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushing) this.flushing = this.flushLoop();
    return done;
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const data = this.queue.join('');
      const waiters = this.waiters;
      this.queue = [];
      this.waiters = [];
      try {
        const started = performance.now();
        await writeAll(this.fh, data);
        // datasync is fsync minus timestamps: it still persists the new size, which an append needs.
        await this.fh.datasync();
        const ms = performance.now() - started;
        this.stats.syncs++;
        this.stats.records += waiters.length;
        this.stats.syncMs += ms;
        this.stats.maxSyncMs = Math.max(this.stats.maxSyncMs, ms);
        for (const w of waiters) w.resolve();
      } catch (e) {
        // After a failed write we cannot know what is on disk; refuse everything from now on so
        // the sender stops instead of sending messages it cannot record. The message leaves out
        // the file name: callers report it as a problem of `file`.
        this.failure = new Error(`could not write the send ledger: ${(e as Error).message}`);
        for (const w of [...waiters, ...this.waiters]) w.reject(this.failure);
        this.waiters = [];
        this.queue = [];
      }
    }
    this.flushing = null;
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.fh.close();
  }
}
