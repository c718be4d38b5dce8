/**
 * One connection pool to the state database, and the one place its errors
 * become problems: a connection that cannot be made (or is refused) is
 * BW_DATABASE_UNREACHABLE with the host and port, anything else
 * BW_DATABASE_FAILED. Every message passes the URL's redactor first, so the
 * password never reaches a terminal or a log, whatever the driver echoes.
 */
import pg from 'pg';
import { error, fail, ok, type Problem, type Result } from '../problems.js';
import { DatabaseFailed, DatabaseUnreachable } from '../problem-catalogue.js';
import { redactor } from '../util/redact.js';
import type { DatabaseTarget } from './database-url.js';
import { query } from './sql-files.js';

/** Something that runs named statements: the pool, or one transaction's client. */
export interface Querier {
  run<R extends object = Record<string, unknown>>(name: string, params?: readonly unknown[]): Promise<R[]>;
}

/** A database failure carried through code that throws; `problem` is what the CLI prints. */
export class DatabaseError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
    this.name = 'DatabaseError';
  }
}

// Node's socket errors and the server's SQLSTATEs that mean "no usable connection".
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'ENOENT', 'EPIPE', '28P01', '28000', '3D000', '57P01', '57P02', '57P03', '53300', '08006', '08001', '08004']);

/**
 * The driver's settings for `url`, every session committing durably whatever the server's
 * default: a send claim lost in a crash (asynchronous commit) would send its reader the
 * edition again, and a lost unsubscribe would mail someone who left. Options the URL sets
 * itself are kept, before ours.
 */
export function durableCommits(url: string): { connectionString: string; options: string } {
  const durable = '-c synchronous_commit=on';
  const parsed = new URL(url);
  const own = parsed.searchParams.get('options');
  if (own === null) return { connectionString: url, options: durable };
  parsed.searchParams.delete('options');
  return { connectionString: parsed.toString(), options: `${own} ${durable}` };
}

export class Database implements Querier {
  private readonly redact: (text: string) => string;
  private closed = false;

  private constructor(
    readonly target: DatabaseTarget,
    private readonly pool: pg.Pool,
  ) {
    this.redact = redactor(target.url);
    // An idle client whose server went away emits here; the next statement reports it.
    pool.on('error', () => undefined);
  }

  /** Connects (one round trip to prove it) or says why not. */
  static async connect(target: DatabaseTarget, opts: { max?: number } = {}): Promise<Result<Database>> {
    const pool = new pg.Pool({ ...durableCommits(target.url), max: opts.max ?? 10, connectionTimeoutMillis: 10_000, application_name: 'briefwire' });
    const db = new Database(target, pool);
    try {
      await pool.query('SELECT 1');
      return ok(db);
    } catch (e) {
      await db.close();
      return fail([db.problem(e)]);
    }
  }

  /** The problem an error thrown by the driver stands for. */
  problem(e: unknown): Problem {
    if (e instanceof DatabaseError) return e.problem;
    const err = e as { code?: string; message?: string };
    const reason = this.redact(err.message || String(e));
    const lostConnection = /Connection terminated|connection timeout|terminating connection/i.test(reason);
    if ((err.code && CONNECTION_CODES.has(err.code)) || lostConnection) {
      return error(this.target.display, DatabaseUnreachable, [this.target.host, this.target.port, reason]);
    }
    return error(this.target.display, DatabaseFailed, [reason]);
  }

  run<R extends object = Record<string, unknown>>(name: string, params: readonly unknown[] = []): Promise<R[]> {
    return this.runOn<R>(this.pool, name, params);
  }

  private async runOn<R extends object>(on: pg.Pool | pg.PoolClient, name: string, params: readonly unknown[]): Promise<R[]> {
    try {
      // A named statement is parsed and planned once per connection, not on every call: the
      // send loop runs two per message (the claim and the outcome).
      return (await on.query<R>({ name: `briefwire-${name}`, text: query(name), values: params as unknown[] })).rows;
    } catch (e) {
      throw new DatabaseError(this.problem(e));
    }
  }

  /** Runs raw SQL (a migration's file). */
  async exec(sql: string, client?: pg.PoolClient): Promise<void> {
    try {
      await (client ?? this.pool).query(sql);
    } catch (e) {
      throw new DatabaseError(this.problem(e));
    }
  }

  /** Runs `work` in one transaction: all of it is committed, or none. */
  async transaction<T>(work: (tx: Querier, client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw new DatabaseError(this.problem(e));
    }
    const tx: Querier = { run: <R extends object>(name: string, params: readonly unknown[] = []) => this.runOn<R>(client, name, params) };
    let failed: unknown;
    try {
      await this.exec('BEGIN', client);
      const value = await work(tx, client);
      await this.exec('COMMIT', client);
      return value;
    } catch (e) {
      failed = e;
      await client.query('ROLLBACK').catch(() => undefined);
      throw e instanceof DatabaseError ? e : new DatabaseError(this.problem(e));
    } finally {
      // A client that failed mid-transaction may be broken: drop it rather than hand it on.
      client.release(failed !== undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end().catch(() => undefined);
  }
}
