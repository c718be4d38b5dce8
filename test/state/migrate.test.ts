/**
 * The schema on a real PostgreSQL: `state migrate` is idempotent and two at
 * once are serialised; every other command refuses an older or newer schema;
 * an unreachable or refusing server is a coded error naming host and port,
 * never the password, with no stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, openStateStore } from '../../src/deliver/store/open-store.js';
import { knownSchemaVersion } from '../../src/state/sql-files.js';
import { runInProcess } from '../support/cli.js';
import { startCluster, type TestCluster } from '../support/postgres.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(() => cluster?.stop());

const PASSWORD = 'pg-s3cret-Pa55';

describe('briefwire state migrate', () => {
  it('migrates once when two run at once, and a rerun has nothing to do', async () => {
    cluster.createDatabase('twice');
    const env = { DATABASE_URL: cluster.url('twice', { password: PASSWORD }) };
    const [a, b] = await Promise.all([runInProcess(['state', 'migrate'], { env }), runInProcess(['state', 'migrate'], { env })]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const outputs = [a.stdout, b.stdout].sort();
    expect(outputs[0]).toMatch(/migrated from version 0 to \d+ \(001-state\.sql/);
    expect(outputs[1]).toMatch(/nothing to do/);
    expect(a.stdout + a.stderr + b.stdout + b.stderr).not.toContain(PASSWORD);
    expect(cluster.psql('twice', 'SELECT version FROM schema_version').trim()).toBe(String(knownSchemaVersion()));
    const again = await runInProcess(['state', 'migrate'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to do/);
  });

  it('is refused by the store on a database without the schema, and on one newer than it knows', async () => {
    cluster.createDatabase('bare');
    const bare = await openStateStore('.unused', { DATABASE_URL: cluster.url('bare') });
    expect(bare.ok ? null : bare.problems.map((p) => [p.code, p.hint])).toEqual([['BW_DATABASE_SCHEMA_OLD', 'Run "briefwire state migrate".']]);

    cluster.createDatabase('newer');
    const env = { DATABASE_URL: cluster.url('newer') };
    expect((await runInProcess(['state', 'migrate'], { env })).code).toBe(0);
    cluster.psql('newer', 'UPDATE schema_version SET version = 999');
    const newer = await openStateStore('.unused', env);
    expect(newer.ok ? null : newer.problems.map((p) => p.code)).toEqual(['BW_DATABASE_SCHEMA_NEW']);
    const migrate = await runInProcess(['state', 'migrate'], { env });
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toContain('BW_DATABASE_SCHEMA_NEW');
  });

  it('names host and port, never the password, when the server is not there or refuses', async () => {
    const closedPort = cluster.port + 1 === 65536 ? cluster.port - 1 : cluster.port + 1;
    const down = await runInProcess(['state', 'migrate'], { env: { DATABASE_URL: `postgres://briefwire:${PASSWORD}@127.0.0.1:${closedPort}/x` } });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('error[BW_DATABASE_UNREACHABLE]');
    expect(down.stderr).toContain(`127.0.0.1:${closedPort}`);
    const refused = await runInProcess(['state', 'migrate'], { env: { DATABASE_URL: cluster.url('no_such_db', { password: PASSWORD }) } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/BW_DATABASE_UNREACHABLE.*does not exist/);
    for (const r of [down, refused]) {
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const bad = await runInProcess(['state', 'migrate'], { env: { DATABASE_URL: `mysql://u:${PASSWORD}@h/db` } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('BW_DATABASE_URL_INVALID');
    expect(bad.stderr).not.toContain(PASSWORD);
  });

  it('commits durably on a server whose default is asynchronous commit, keeping the options the URL sets', async () => {
    // The test cluster runs with synchronous_commit=off: a crash there loses the last commits unless the session asks.
    cluster.createDatabase('durable');
    expect(cluster.psql('durable', 'SHOW synchronous_commit').trim()).toBe('off');
    const plain = await openDatabase(cluster.url('durable'));
    const withOptions = await openDatabase(`${cluster.url('durable')}?options=${encodeURIComponent('-c statement_timeout=4321')}`);
    if (!plain.ok || !withOptions.ok) throw new Error('no connection');
    try {
      const show = (db: typeof plain.value, setting: string): Promise<unknown> =>
        db.transaction(async (_tx, client) => (await client.query<{ v: string }>('SELECT current_setting($1) AS v', [setting])).rows[0]?.v);
      expect(await show(plain.value, 'synchronous_commit')).toBe('on');
      expect(await show(withOptions.value, 'synchronous_commit')).toBe('on');
      expect(await show(withOptions.value, 'statement_timeout')).toBe('4321ms');
    } finally {
      await plain.value.close();
      await withOptions.value.close();
    }
  });
});
