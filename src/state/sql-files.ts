/**
 * The SQL the PostgreSQL backend runs lives in SQL files in the repository's
 * sql/ folder, to be read as SQL: sql/queries.sql holds every statement by
 * name (`-- name: claim-next` above it), sql/migrations/NNN-*.sql the schema,
 * one numbered file per version.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

// From src/state/ (tests) and dist/state/ (the installed CLI) alike, sql/ is two folders up;
// from dist-bench/src/state/ (the benchmarks' build of src/), three.
const SQL_DIR = [new URL('../../sql/', import.meta.url), new URL('../../../sql/', import.meta.url)].find((dir) => existsSync(new URL('queries.sql', dir))) ?? new URL('../../sql/', import.meta.url);

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Splits a file of named statements; the text between one name and the next is its statement. */
export function parseNamedQueries(text: string): Map<string, string> {
  const queries = new Map<string, string>();
  let name: string | null = null;
  let body: string[] = [];
  const flush = (): void => {
    if (name !== null) queries.set(name, body.join('\n').trim().replace(/;\s*$/, ''));
  };
  for (const line of text.split('\n')) {
    const m = /^--\s*name:\s*([a-z0-9-]+)\s*$/.exec(line);
    if (m) {
      flush();
      name = m[1]!;
      body = [];
    } else if (name !== null && !/^\s*--/.test(line)) body.push(line);
  }
  flush();
  return queries;
}

let cached: Map<string, string> | undefined;

/** The statement named `name` in sql/queries.sql. */
export function query(name: string): string {
  cached ??= parseNamedQueries(readFileSync(new URL('queries.sql', SQL_DIR), 'utf8'));
  const text = cached.get(name);
  if (text === undefined) throw new Error(`sql/queries.sql has no statement named "${name}"`);
  return text;
}

/** The migrations, in version order (the number each file name starts with). */
export function migrations(): Migration[] {
  const dir = new URL('migrations/', SQL_DIR);
  return readdirSync(dir)
    .filter((f) => /^\d+-.+\.sql$/.test(f))
    .map((f) => ({ version: Number(f.split('-')[0]), name: f, sql: readFileSync(new URL(f, dir), 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/** The schema version this briefwire knows: its newest migration. */
export function knownSchemaVersion(): number {
  return migrations().at(-1)?.version ?? 0;
}
