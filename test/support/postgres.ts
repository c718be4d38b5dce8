/**
 * A throwaway PostgreSQL cluster for one test file: `initdb` into a temp
 * directory as the `postgres` user (the server refuses to run as root),
 * listening on a random loopback port and on a Unix socket in that directory,
 * with fsync off (a test cluster need not survive power loss). `stop()` shuts
 * it down and removes the directory; `restart()` keeps the data.
 *
 * Only the cluster this helper started is ever stopped: other engineers' and
 * other files' clusters are never touched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCluster {
  port: number;
  /** The cluster's data directory (postmaster.pid names the server's process). */
  dataDir: string;
  /** A URL for a fresh database `name` (created by createDatabase). */
  url(name: string, opts?: { password?: string }): string;
  createDatabase(name: string): void;
  /** Runs SQL through psql as the superuser; returns its stdout. */
  psql(database: string, sql: string): string;
  /** Stops the server, keeping its data (for "the database went away mid-send"). */
  halt(): void;
  /** Starts the server again on the same port and data. */
  restart(): void;
  stop(): void;
}

/** The newest installed server's binaries, or null when PostgreSQL is not installed. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function asPostgres(args: string[]): string {
  // runuser needs root; running the tests as the postgres user itself also works.
  const isRoot = process.getuid?.() === 0;
  const [cmd, ...rest] = isRoot ? ['runuser', '-u', 'postgres', '--', ...args] : args;
  return execFileSync(cmd!, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * `durable` keeps the server's defaults (fsync, synchronous commit, full page
 * writes), as a production server has them: for benchmarks, whose figures must
 * include what durability costs. Tests leave them off, for speed.
 */
export async function startCluster(opts: { durable?: boolean } = {}): Promise<TestCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql; .ci/run does this)');
  const dir = mkdtempSync(path.join(tmpdir(), 'bw-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  asPostgres([path.join(bin, 'initdb'), '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const fast = opts.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${fast} -c max_connections=200`;
  const start = (): void => {
    asPostgres([path.join(bin, 'pg_ctl'), '-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  };
  const halt = (): void => {
    spawnSync('runuser', ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore' });
  };
  start();
  let stopped = false;
  return {
    port,
    dataDir: data,
    url: (name, opts = {}) => `postgres://postgres${opts.password ? `:${encodeURIComponent(opts.password)}` : ''}@127.0.0.1:${port}/${name}`,
    createDatabase: (name) => {
      asPostgres([path.join(bin, 'psql'), '-h', dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-qc', `CREATE DATABASE "${name}"`]);
    },
    psql: (database, sql) => asPostgres([path.join(bin, 'psql'), '-h', dir, '-p', String(port), '-U', 'postgres', '-d', database, '-AtXqc', sql]),
    halt,
    restart: start,
    stop: () => {
      if (stopped) return;
      stopped = true;
      halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
