/**
 * Senders that share an edition through PostgreSQL (a throwaway cluster):
 * the real CLI, a loopback SMTP sink, several `send` processes at once.
 * Every reader gets the edition once; a killed sender's claims are unknown
 * outcomes, listed and held back; a database that goes away mid-send stops
 * the sender with a coded error, and a rerun finishes with no duplicate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpSend, useCliSandbox, writeSubscribers } from '../support/deliver.js';
import { startCluster, type TestCluster } from '../support/postgres.js';
import { runCli } from '../support/cli.js';

const box = useCliSandbox();
const { paths, sendArgs, run, start } = box;
let cluster: TestCluster;
let n = 0;

beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(() => cluster?.stop());

/** A migrated database of its own for one test; the env selects it. */
async function database(): Promise<Record<string, string>> {
  const name = `send_${++n}`;
  cluster.createDatabase(name);
  const DATABASE_URL = cluster.url(name, { password: 'db-Secret-77' });
  const migrated = await runCli(['state', 'migrate'], { env: { DATABASE_URL }, cleanEnv: true });
  if (migrated.code !== 0) throw new Error(migrated.stderr);
  return { DATABASE_URL };
}

function rows(db: string, sql: string): string[] {
  return cluster.psql(db, sql).split('\n').filter(Boolean);
}

describe('send on PostgreSQL', () => {
  it('two senders share 2,000 readers; one is killed midway; the rerun lists its unknowns and no one gets two', { timeout: 300_000 }, async () => {
    const db = await database();
    const env = box.env(db);
    const p = paths();
    const addresses = await setUpSend(p, '2025-03-10', 2000);
    let a: ReturnType<typeof start> | undefined;
    box.sink.behaviour = { accepted: (count) => (count === 600 ? void a?.child.kill('SIGKILL') : undefined) };
    a = start(sendArgs('2025-03-10', ['--connections', '3']), env);
    const b = start(sendArgs('2025-03-10', ['--connections', '3']), env);
    const [killed, survived] = await Promise.all([a.done, b.done]);
    expect(killed.signal).toBe('SIGKILL');
    expect(survived.code, survived.stderr).toBe(0);
    expect(survived.stdout).toMatch(/Edition 2025-03-10: \d+ sent, \d+ skipped \(sent before\)/);

    // The rerun finds the killed sender's process gone: its claims are unknown, listed, not resent.
    const rerun = await run(sendArgs('2025-03-10'), env);
    const dbName = `send_${n}`;
    const unknown = rows(dbName, "SELECT address FROM deliveries WHERE state IN ('attempt', 'unconfirmed') ORDER BY address");
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.length).toBeLessThanOrEqual(3);
    expect(rerun.code, rerun.stderr).toBe(1);
    expect(rerun.stdout).toContain(`Edition 2025-03-10: 0 sent, ${2000 - unknown.length} skipped (sent before)`);
    expect(rerun.stderr).toContain(`Unknown outcome (${unknown.length})`);
    for (const address of unknown) expect(rerun.stderr).toContain(`  ${address}\n`);

    const counts = box.sink.countsByRecipient();
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    for (const address of addresses) if (!unknown.includes(address)) expect(counts.get(address), address).toBe(1);
    expect(rows(dbName, "SELECT count(*) FROM deliveries WHERE state = 'sent'")).toEqual([String(2000 - unknown.length)]);
    // Both senders did part of the work.
    expect(rows(dbName, "SELECT count(DISTINCT run_id) FROM deliveries WHERE state = 'sent'")).toEqual(['2']);
  });

  it('two --due ticks at once send the slot edition once', async () => {
    const env = box.env({ ...(await database()), BRIEFWIRE_NOW: '2025-03-31T07:00:30Z' });
    const p = paths();
    await setUpSend(p, '2025-03-31', 0, { weekday: 1, time: '08:00', timezone: 'Europe/London' });
    await writeSubscribers(p.subscribers, 300);
    const due = sendArgs('latest', ['--due', '--connections', '2']);
    const [x, y] = await Promise.all([run(due, env), run(due, env)]);
    expect([x.code, y.code], x.stderr + y.stderr).toEqual([0, 0]);
    expect(box.sink.received).toHaveLength(300);
    expect(box.sink.countsByRecipient().size).toBe(300);
    const later = await run(due, { ...env, BRIEFWIRE_NOW: '2025-03-31T07:10:00Z' });
    expect(later.code).toBe(0);
    expect(later.stdout).toMatch(/^Already sent: edition 2025-03-31/);
  });

  it('--rate is the edition total across its senders', async () => {
    const env = box.env(await database());
    const p = paths();
    await setUpSend(p, '2025-03-10', 30);
    const args = sendArgs('2025-03-10', ['--connections', '2']).map((a, i, all) => (all[i - 1] === '--rate' ? '20' : a));
    const started = Date.now();
    const [x, y] = await Promise.all([run(args, env), run(args, env)]);
    const seconds = (Date.now() - started) / 1000;
    expect([x.code, y.code], x.stderr + y.stderr).toEqual([0, 0]);
    expect(box.sink.countsByRecipient().size).toBe(30);
    // 30 messages at 20/s in total take at least 29 intervals of 50 ms, however many senders there are.
    const times = rows(`send_${n}`, "SELECT extract(epoch FROM claimed_at) FROM deliveries WHERE edition = '2025-03-10' ORDER BY 1");
    expect(times).toHaveLength(30);
    expect(seconds).toBeGreaterThanOrEqual(1.4);
  });

  it('stops with a coded error when the database goes away mid-send; after a restart a rerun finishes with no duplicate', async () => {
    const db = await database();
    const env = box.env(db);
    const p = paths();
    await setUpSend(p, '2025-03-10', 400);
    box.sink.behaviour = { accepted: (count) => (count === 100 ? cluster.halt() : undefined) };
    const stopped = await run(sendArgs('2025-03-10', ['--connections', '2']), env);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/error\[BW_DATABASE_UNREACHABLE\]: cannot use the database at 127\.0\.0\.1:\d+/);
    expect(stopped.stderr).not.toMatch(/\n\s+at /);
    expect(stopped.stdout + stopped.stderr).not.toContain('db-Secret-77');
    cluster.restart();
    box.sink.behaviour = {};
    const rerun = await run(sendArgs('2025-03-10', ['--connections', '2']), env);
    const unknown = rows(`send_${n}`, "SELECT address FROM deliveries WHERE state IN ('attempt', 'unconfirmed')");
    expect(rerun.code === 0 || unknown.length > 0, rerun.stderr).toBe(true);
    const counts = box.sink.countsByRecipient();
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    expect(counts.size + unknown.filter((u) => !counts.has(u)).length).toBe(400);
  });
});
