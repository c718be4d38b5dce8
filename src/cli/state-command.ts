/**
 * `briefwire state migrate|export|import`: the state's schema on PostgreSQL,
 * and moving state between backends (docs/state.md).
 *
 *   migrate        applies sql/migrations/ to DATABASE_URL's database (idempotent;
 *                  two at once are serialised by an advisory lock)
 *   export --to D  writes a consistent snapshot of the current backend, in the files format
 *   import --from D  loads a files state directory (or an export) into the current backend,
 *                  never lifting a suppression
 */
import type { CAC } from 'cac';
import { DatabaseError } from '../state/database.js';
import { migrate } from '../state/migrate.js';
import { openDatabase } from '../deliver/store/open-store.js';
import { reportProblems, type CommandIo } from './command-io.js';
import { UsageError } from './usage-error.js';
import { optionalText, STATE_DIR_DEFAULT, textOption } from './options.js';

export interface StateOptions {
  action: string;
  /** The files backend's directory, when DATABASE_URL is not set. */
  state: string;
  to?: string | undefined;
  from?: string | undefined;
}

export function registerState(cli: CAC, io: CommandIo): void {
  cli
    .command('state <action>', 'State backends: "migrate" the PostgreSQL schema, "export --to DIR", "import --from DIR"')
    .option('--state <dir>', 'State directory (the files backend, when DATABASE_URL is not set)', { default: STATE_DIR_DEFAULT })
    .option('--to <dir>', 'export: the directory to write the snapshot to (files format)')
    .option('--from <dir>', 'import: a files state directory or an export')
    .example('DATABASE_URL=postgres://briefwire@db:5432/briefwire briefwire state migrate')
    .example('briefwire state export --to backup/')
    .example('DATABASE_URL=... briefwire state import --from .briefwire')
    .action((action: string, opts: Record<string, unknown>) =>
      runState({ action, state: textOption(opts['state']), to: optionalText(opts['to']), from: optionalText(opts['from']) }, io),
    );
}

export async function runState(options: StateOptions, io: CommandIo): Promise<number> {
  const { action } = options;
  if (action === 'migrate') return runMigrate(io);
  if (action === 'export' || action === 'import') {
    const { runExport, runImport } = await import('./state-transfer.js');
    return action === 'export'
      ? runExport({ state: options.state, to: requireOption(options.to, 'to', action) }, io)
      : runImport({ state: options.state, from: requireOption(options.from, 'from', action) }, io);
  }
  throw new UsageError(`state: unknown action "${action}" (migrate, export or import)`);
}

function requireOption(value: string | undefined, name: string, action: string): string {
  if (value === undefined || String(value).trim() === '') throw new UsageError(`state ${action} needs --${name} <dir>`);
  return String(value);
}

async function runMigrate(io: CommandIo): Promise<number> {
  const raw = io.env['DATABASE_URL'];
  if (raw === undefined || raw.trim() === '') throw new UsageError('state migrate needs DATABASE_URL (the files backend has no schema to migrate)');
  const db = await openDatabase(raw, { connections: 1 });
  if (!db.ok) {
    reportProblems(io, db.problems);
    return 1;
  }
  try {
    const report = await migrate(db.value);
    io.stdout.write(
      report.applied.length === 0
        ? `${db.value.target.display}: the schema is at version ${report.to}; nothing to do.\n`
        : `${db.value.target.display}: migrated from version ${report.from} to ${report.to} (${report.applied.join(', ')}).\n`,
    );
    return 0;
  } catch (e) {
    reportProblems(io, [e instanceof DatabaseError ? e.problem : db.value.problem(e)]);
    return 1;
  } finally {
    await db.value.close();
  }
}
