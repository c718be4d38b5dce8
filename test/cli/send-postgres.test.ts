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
import { runCli, type CliResult } from '../support/cli.js';

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

/** A migrated database and `count` readers of edition 2025-03-10; the env for a send. */
async function editionFor(count: number): Promise<{ env: Record<string, string>; addresses: string[] }> {
  const env = box.env(await database());
  return { env, addresses: await setUpSend(paths(), '2025-03-10', count) };
}

/**
 * After a rerun: the unknown outcomes (between 1 and `most`) are listed and held back (exit 1);
 * everyone else got the edition exactly once, and no one got it twice.
 */
function expectUnknownsListed(rerun: CliResult, addresses: readonly string[], most: number): string[] {
  const unknown = rows(`send_${n}`, "SELECT address FROM deliveries WHERE state IN ('attempt', 'unconfirmed') ORDER BY position");
  expect(unknown.length).toBeGreaterThanOrEqual(1);
  expect(unknown.length).toBeLessThanOrEqual(most);
  expect(rerun.code, rerun.stderr).toBe(1);
  expect(rerun.stderr).toContain(`Unknown outcome (${unknown.length})`);
  for (const address of unknown) expect(rerun.stderr).toContain(`  ${address}\n`);
  const counts = box.sink.countsByRecipient();
  expect([...counts.entries()].filter(([, c]) => c !== 1)).toEqual([]);
  for (const address of addresses) if (!unknown.includes(address)) expect(counts.get(address), address).toBe(1);
  expect(rows(`send_${n}`, "SELECT count(*) FROM deliveries WHERE state = 'sent'")).toEqual([String(addresses.length - unknown.length)]);
  return unknown;
}

describe('send on PostgreSQL', () => {
  it('two senders share 2,000 readers; one is killed midway; the rerun lists its unknowns and no one gets two', { timeout: 300_000 }, async () => {
    const { env, addresses } = await editionFor(2000);
    let a: ReturnType<typeof start> | undefined;
    box.sink.behaviour = { accepted: (count) => (count === 600 ? void a?.child.kill('SIGKILL') : undefined) };
    a = start(sendArgs('2025-03-10', ['--connections', '3']), env);
    const b = start(sendArgs('2025-03-10', ['--connections', '3']), env);
    const [killed, survived] = await Promise.all([a.done, b.done]);
    expect(killed.signal).toBe('SIGKILL');
    // The survivor finishes either before the killed sender's claims go stale (exit 0) or, on a slow
    // machine, after: then it already finds them unknown and lists them, as the rerun will (exit 1).
    if (survived.code !== 0) {
      expect(survived.code, survived.stderr).toBe(1);
      expect(survived.stderr).toMatch(/Unknown outcome \([123]\)/);
    }
    expect(survived.stdout).toMatch(/Edition 2025-03-10: \d+ sent, \d+ skipped \(sent before\)/);

    // The rerun finds the killed sender's process gone: its claims are unknown, listed, not resent.
    const rerun = await run(sendArgs('2025-03-10'), env);
    const unknown = expectUnknownsListed(rerun, addresses, 3);
    expect(rerun.stdout).toContain(`Edition 2025-03-10: 0 sent, ${2000 - unknown.length} skipped (sent before)`);
    // Both senders did part of the work.
    expect(rows(`send_${n}`, "SELECT count(DISTINCT run_id) FROM deliveries WHERE state = 'sent'")).toEqual(['2']);
  });

  it('a rerun retries what a stopped run failed for now and holds back its unknowns; --resend-unknown sends those', { timeout: 180_000 }, async () => {
    const { env, addresses } = await editionFor(60);
    const refusedForNow = new Set([addresses[5]!, addresses[40]!]);
    box.sink.behaviour = {
      rcpt: (address) => (refusedForNow.has(address) ? { code: 451, message: '4.7.1 try again later' } : undefined),
      data: (to) => (to[0] === addresses[20] ? 'drop' : 'accept'),
    };
    const first = await run(sendArgs('2025-03-10', ['--retries', '0']), env);
    expect(first.stdout, first.stderr).toMatch(/Edition 2025-03-10: 57 sent/);
    box.sink.behaviour = {};
    const rerun = await run(sendArgs('2025-03-10'), env);
    expect(rerun.stdout).toMatch(/Edition 2025-03-10: 2 sent, 57 skipped \(sent before\)/);
    expect(expectUnknownsListed(rerun, addresses, 1)).toEqual([addresses[20]]);
    const resent = await run(sendArgs('2025-03-10', ['--resend-unknown']), env);
    expect(resent.code, resent.stderr).toBe(0);
    expect(resent.stdout).toMatch(/Edition 2025-03-10: 1 sent, 59 skipped \(sent before\)/);
    expect(rows(`send_${n}`, "SELECT count(*) FROM deliveries WHERE state = 'sent'")).toEqual(['60']);
    // The dropped message never reached the sink's store, so even the resend leaves everyone with one copy.
    expect([...box.sink.countsByRecipient().values()].filter((c) => c !== 1)).toEqual([]);
  });

  it('two --due ticks at once send the slot edition once', { timeout: 180_000 }, async () => {
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

  it('--rate is the edition total across its senders', { timeout: 180_000 }, async () => {
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

  it('stops with a coded error when the database goes away mid-send; after a restart a rerun finishes with no duplicate', { timeout: 120_000 }, async () => {
    const { env, addresses } = await editionFor(400);
    // The server stops (as in a crash: no shutdown checkpoint) while the 100th message waits for its answer.
    box.sink.behaviour = { accepted: (count) => (count === 100 ? cluster.halt() : undefined) };
    const stopped = await start(sendArgs('2025-03-10', ['--connections', '2']), env).done;
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/error\[BW_DATABASE_UNREACHABLE\]: cannot use the database at 127\.0\.0\.1:\d+/);
    expect(stopped.stderr).not.toMatch(/\n\s+at /);
    expect(stopped.stdout + stopped.stderr).not.toContain('db-Secret-77');
    cluster.restart();
    const handedOver = [...box.sink.countsByRecipient().keys()];
    // Every claim was committed before its message went out: none of them came back as unclaimed after the crash.
    const states = rows(`send_${n}`, `SELECT DISTINCT state FROM deliveries WHERE address IN (${handedOver.map((a) => `'${a}'`).join(', ')})`);
    expect(states.filter((s) => s !== 'sent' && s !== 'attempt')).toEqual([]);

    box.sink.behaviour = {};
    const rerun = await run(sendArgs('2025-03-10', ['--connections', '2']), env);
    // The 100th message's answer never got recorded; at most a claim and an outcome in flight per connection.
    expectUnknownsListed(rerun, addresses, 4);
  });
});
