/**
 * One edition's recipients on PostgreSQL, shared by every sender of it: the
 * list is queued once (each sender offers it; the first copy wins), each
 * recipient is claimed in one statement before it is handed to the transport
 * (claim-next: FOR UPDATE SKIP LOCKED) and its outcome recorded after, by the
 * run that holds it. A run beats while it lives; the claims of a run that
 * stopped beating or ended are unknown outcomes, as in the file ledger.
 */
import { hostname } from 'node:os';
import type { Database } from '../../state/database.js';
import { judgeOwner, thisProcess } from '../../util/process-owner.js';
import type { SuppressionReason } from '../audience/suppression.js';
import type { PostgresStore } from './postgres-store.js';

/** A run that has not beaten for this long is taken for dead (its claims become unknown). */
export const STALE_AFTER_MS = 30_000;
const BEAT_EVERY_MS = 5_000;

export interface Claim {
  /** The lower-cased address (the row's key). */
  key: string;
  /** The address as listed. */
  address: string;
  name?: string;
}

export interface Listed {
  key: string;
  address: string;
  name?: string;
}

export interface DeliveryOutcome {
  state: 'sent' | 'failed' | 'unconfirmed';
  permanent?: boolean;
  code?: number;
  error?: string;
  response?: string;
}

export interface EditionTally {
  sent: number;
  failedPermanent: number;
  failedTemporary: number;
  unknown: number;
}

/**
 * A run on this host whose process is gone was killed: its claims are unknown
 * now, without waiting for its heartbeat to go stale. Runs on other hosts are
 * judged by their heartbeat alone.
 */
async function endGoneRuns(store: PostgresStore, edition: string): Promise<void> {
  const open = await store.db.run<{ id: string; pid: number; boot_time: string }>('open-runs-on', [edition, hostname()]);
  const gone = open.filter((r) => judgeOwner({ pid: r.pid, host: hostname(), bootTime: Number(r.boot_time) }).kind === 'gone').map((r) => r.id);
  if (gone.length > 0) await store.db.run('end-runs', [gone]);
}

/** An outcome as the statements take it: state, permanent, code, error, response. */
function outcomeParams(o: DeliveryOutcome): unknown[] {
  return [o.state, o.permanent ?? false, o.code ?? null, o.error ?? null, o.response ?? null];
}

export class EditionQueue {
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly db: Database,
    readonly edition: string,
    readonly runId: string,
  ) {
    this.timer = setInterval(() => void this.db.run('beat', [this.runId]).catch(() => undefined), BEAT_EVERY_MS);
    this.timer.unref();
  }

  static async start(store: PostgresStore, edition: string, run: { at: string; resendUnknown: boolean; listId: string | null }): Promise<EditionQueue> {
    await endGoneRuns(store, edition);
    const me = thisProcess();
    const [row] = await store.db.run<{ id: string }>('start-run', [edition, run.at, me.host, me.pid, me.bootTime, run.resendUnknown, run.listId]);
    return new EditionQueue(store.db, edition, String(row!.id));
  }

  /** Offers a slice of the list, `first` being the position of its first recipient. */
  async enqueue(items: readonly Listed[], first: number): Promise<void> {
    if (items.length === 0) return;
    await this.db.run('enqueue', [
      this.edition,
      items.map((r) => r.key),
      items.map((_, i) => first + i),
      items.map((r) => r.address),
      items.map((r) => r.name ?? null),
    ]);
  }

  /**
   * The next queued recipient; once none is queued, one a stopped run left to retry (see
   * claim-left). With `previous`, that recipient's outcome is recorded in the same statement.
   */
  async claimNext(resendUnknown: boolean, at: string, previous?: { key: string; at: string; outcome: DeliveryOutcome }): Promise<Claim | null> {
    type Row = { address: string; display: string; name: string | null };
    // A first claim records nothing: a null address matches no row.
    const recorded = previous ? [previous.key, ...outcomeParams(previous.outcome), previous.at] : [null, null, null, null, null, null, null];
    let [row] = await this.db.run<Row>('claim-next', [this.edition, this.runId, at, ...recorded]);
    row ??= (await this.db.run<Row>('claim-left', [this.edition, this.runId, at, resendUnknown, STALE_AFTER_MS]))[0];
    return row ? { key: row.address, address: row.display, ...(row.name ? { name: row.name } : {}) } : null;
  }

  /** Takes a recipient this run failed temporarily back for a retry; false if it is no longer ours. */
  async reclaim(key: string, at: string): Promise<boolean> {
    return (await this.db.run('reclaim', [this.edition, key, this.runId, at])).length > 0;
  }

  async record(key: string, at: string, o: DeliveryOutcome): Promise<void> {
    await this.db.run('record-outcome', [this.edition, key, this.runId, ...outcomeParams(o), at]);
  }

  /** --rate across all senders: how long to wait before the next message, `intervalMs` after the edition's previous one. */
  async pace(intervalMs: number): Promise<number> {
    const [row] = await this.db.run<{ wait_ms: number | string }>('pace', [this.edition, intervalMs]);
    return Math.max(0, Number(row?.wait_ms ?? 0));
  }

  async tally(): Promise<EditionTally> {
    const [row] = await this.db.run<Record<'sent' | 'failed_permanent' | 'failed_temporary' | 'unknown', string>>('edition-tally', [this.edition]);
    return { sent: Number(row?.sent ?? 0), failedPermanent: Number(row?.failed_permanent ?? 0), failedTemporary: Number(row?.failed_temporary ?? 0), unknown: Number(row?.unknown ?? 0) };
  }

  /** What this run itself recorded as sent and permanently failed. */
  async runTally(): Promise<{ sent: number; failedPermanent: number }> {
    const [row] = await this.db.run<Record<'sent' | 'failed_permanent', string>>('run-tally', [this.edition, this.runId]);
    return { sent: Number(row?.sent ?? 0), failedPermanent: Number(row?.failed_permanent ?? 0) };
  }

  /** Unknown outcomes left by runs that stopped (not this one's, not a live sender's in flight). */
  async unknownLeftByOthers(): Promise<string[]> {
    return (await this.db.run<{ address: string }>('unknown-of', [this.edition, this.runId, STALE_AFTER_MS])).map((r) => r.address);
  }

  async suppressedListed(): Promise<Map<SuppressionReason, number>> {
    const rows = await this.db.run<{ reason: SuppressionReason; n: string }>('suppressed-listed', [this.edition]);
    return new Map(rows.map((r) => [r.reason, Number(r.n)]));
  }

  async recordDone(at: string, d: { sent: number; failed: number; retryLater: number; unknown: number }): Promise<void> {
    await this.db.run('record-done', [this.edition, at, d.sent, d.failed, d.retryLater, d.unknown]);
  }

  /** The run is over: its remaining claims are unknown to everyone from now on. */
  async end(): Promise<void> {
    clearInterval(this.timer);
    await this.db.run('end-run', [this.runId]).catch(() => undefined);
  }
}
