/**
 * Which backend holds the state: PostgreSQL when DATABASE_URL is set, the
 * state directory's files otherwise. A database whose schema this version
 * does not know is refused here, before any command reads or writes it.
 */
import { fail, ok, type Result } from '../../problems.js';
import type { Database } from '../../state/database.js';
import { parseDatabaseUrl } from '../../state/database-url.js';
import { FilesStore } from './files-store.js';
import type { StateStore } from './state-store.js';

export interface OpenOptions {
  /** Connections the pool may open (a sender wants one per SMTP connection, plus one). */
  connections?: number;
}

export async function openStateStore(stateDir: string, env: NodeJS.ProcessEnv = process.env, opts: OpenOptions = {}): Promise<Result<StateStore>> {
  const raw = env['DATABASE_URL'];
  if (raw === undefined || raw.trim() === '') return ok(new FilesStore(stateDir));
  const db = await openDatabase(raw, opts);
  if (!db.ok) return db;
  // The driver and the PostgreSQL backend load only here: the files backend never needs them.
  const [{ checkSchema }, { PostgresStore }] = await Promise.all([import('../../state/migrate.js'), import('./postgres-store.js')]);
  try {
    const refusal = await checkSchema(db.value);
    if (refusal) {
      await db.value.close();
      return fail([refusal]);
    }
  } catch (e) {
    await db.value.close();
    return fail([db.value.problem(e)]);
  }
  return ok(new PostgresStore(db.value));
}

/** Connects without checking the schema (for `state migrate`). */
export async function openDatabase(raw: string, opts: OpenOptions = {}): Promise<Result<Database>> {
  const target = parseDatabaseUrl(raw);
  if (!target.ok) return target;
  const { Database } = await import('../../state/database.js');
  return Database.connect(target.value, opts.connections !== undefined ? { max: opts.connections } : {});
}
