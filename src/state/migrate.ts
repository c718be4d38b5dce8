/**
 * The schema's version is a row (schema_version), checked by every command at
 * start; `briefwire state migrate` applies the numbered files of
 * sql/migrations/ above it, all in one transaction under an advisory lock, so
 * two migrations at once are serialised and the second finds nothing to do.
 */
import { error, type Problem } from '../problems.js';
import { DatabaseSchemaNew, DatabaseSchemaOld } from '../problem-catalogue.js';
import { DatabaseError, type Database, type Querier } from './database.js';
import { knownSchemaVersion, migrations } from './sql-files.js';

export interface MigrateReport {
  from: number;
  to: number;
  applied: string[];
}

/** The version recorded in the database; 0 when no migration ever ran there. */
export async function schemaVersion(db: Querier): Promise<number> {
  const [table] = await db.run<{ present: boolean }>('schema-table-exists');
  if (!table?.present) return 0;
  const [row] = await db.run<{ version: number }>('schema-version');
  return Number(row?.version ?? 0);
}

/** Applies what is missing. Throws DatabaseError (BW_DATABASE_SCHEMA_NEW) for a newer database. */
export async function migrate(db: Database): Promise<MigrateReport> {
  const known = knownSchemaVersion();
  return db.transaction(async (tx, client) => {
    await tx.run('migrate-lock');
    const from = await schemaVersion(tx);
    if (from > known) throw new DatabaseError(error(db.target.display, DatabaseSchemaNew, [from, known]));
    const applied: string[] = [];
    for (const m of migrations().filter((m) => m.version > from)) {
      await db.exec(m.sql, client);
      applied.push(m.name);
    }
    if (applied.length > 0) await tx.run('set-schema-version', [known]);
    return { from, to: Math.max(from, known), applied };
  });
}

/** Null when the database is at the version this briefwire knows; otherwise the refusal. */
export async function checkSchema(db: Database): Promise<Problem | null> {
  const found = await schemaVersion(db);
  const known = knownSchemaVersion();
  if (found < known) return error(db.target.display, DatabaseSchemaOld, [found, known]);
  if (found > known) return error(db.target.display, DatabaseSchemaNew, [found, known]);
  return null;
}
