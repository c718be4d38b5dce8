/**
 * DATABASE_URL, read once: where the state lives when it is not in files.
 * What is ever shown of it is `display` (no password) and the host and port.
 */
import { error, fail, ok, type Result } from '../problems.js';
import { DatabaseUrlInvalid } from '../problem-catalogue.js';

export interface DatabaseTarget {
  /** The full URL, password included: handed to the driver, never printed. */
  url: string;
  host: string;
  port: string;
  database: string;
  /** postgres://user@host:port/database, for messages. */
  display: string;
}

export function parseDatabaseUrl(raw: string): Result<DatabaseTarget> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail([error('DATABASE_URL', DatabaseUrlInvalid)]);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return fail([error('DATABASE_URL', DatabaseUrlInvalid)]);
  // A Unix socket is named by ?host=/dir (libpq's convention), the URL's host then being empty.
  const host = url.searchParams.get('host') ?? (url.hostname || 'localhost');
  const port = url.port || url.searchParams.get('port') || '5432';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres';
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  return ok({ url: raw.trim(), host, port, database, display: `postgres://${user}${host}:${port}/${database}` });
}
