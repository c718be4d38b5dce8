/**
 * The real CLI (dist/cli.js, compiled by `npm test`'s tsc step) against a
 * loopback smtp-server: crash safety under SIGKILL, cron-style --due runs,
 * dry runs, test sends, and that SMTP credentials never reach the terminal.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readLedger } from '../../src/deliver/ledger.js';
import { cliAvailable, parse, runCli, SECRET, startCli, startSink, tempDir, writeContent, writeEdition, writeSubscribers, type Sink } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let sink: Sink;

beforeAll(() => {
  if (!cliAvailable()) throw new Error('dist/cli.js is missing: run "npx tsc -p tsconfig.json" (npm test does) before these tests');
});

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('bw-cli-'));
  sink = await startSink();
});

afterEach(async () => {
  await sink.close();
  await cleanup();
});

const paths = () => ({
  content: path.join(dir, 'content'),
  out: path.join(dir, 'out'),
  state: path.join(dir, 'state'),
  subscribers: path.join(dir, 'subscribers.csv'),
});

function sendArgs(which: string, extra: string[] = []): string[] {
  const p = paths();
  return ['send', which, '--content', p.content, '--out', p.out, '--state', p.state, '--subscribers', p.subscribers, '--rate', '0', '--retry-delay', '20', ...extra];
}

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, UNSUBSCRIBE_SECRET: SECRET, ...extra };
}

describe('briefwire send (CLI)', () => {
  it('survives SIGKILL mid-send: every reader gets the edition once or is listed unknown; --resend-unknown finishes', async () => {
    const p = paths();
    await writeContent(p.content);
    await writeEdition(p.out, '2025-03-10');
    const addresses = await writeSubscribers(p.subscribers, 2000);
    const connections = 4;

    const first = startCli(sendArgs('2025-03-10', ['--connections', String(connections)]), env(), dir);
    sink.behaviour = { accepted: (n) => (n === 500 ? first.child.kill('SIGKILL') : undefined) };
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    sink.behaviour = {};
    const afterKill = new Map(sink.countsByRecipient());
    expect(afterKill.size).toBeGreaterThanOrEqual(500);
    expect(afterKill.size).toBeLessThan(2000);

    // Nothing lost: whatever the server accepted is in the ledger as sent, or as unknown.
    const ledger = await readLedger(p.state, '2025-03-10');
    if (!ledger.ok) throw new Error('ledger');
    const states = ledger.value.states;
    for (const address of afterKill.keys()) expect(['sent', 'unknown']).toContain(states.get(address));
    for (const [address, state] of states) if (state === 'sent') expect(afterKill.has(address)).toBe(true);
    const unknown = [...states].filter(([, s]) => s === 'unknown').map(([a]) => a);
    expect(unknown.length).toBeLessThanOrEqual(connections);

    // Rerun: resumes, skips the sent, lists the unknown, sends no one twice.
    const second = await runCli(sendArgs('2025-03-10', ['--connections', String(connections)]), env(), dir);
    expect(second.stderr).toMatch(/Took over a stale lock/);
    expect(second.code).toBe(unknown.length > 0 ? 1 : 0);
    for (const address of unknown) expect(second.stderr).toContain(address);
    expect(second.stdout).toMatch(new RegExp(`${unknown.length} unknown`));
    const counts = sink.countsByRecipient();
    for (const address of addresses) {
      const n = counts.get(address) ?? 0;
      if (unknown.includes(address)) expect(n).toBeLessThanOrEqual(1);
      else expect(n, address).toBe(1);
    }

    // The operator decides to resend the unknown ones.
    const third = await runCli(sendArgs('2025-03-10', ['--resend-unknown']), env(), dir);
    expect(third.code, third.stderr).toBe(0);
    const final = sink.countsByRecipient();
    for (const address of addresses) {
      expect(final.get(address) ?? 0).toBeGreaterThanOrEqual(1);
      if (!unknown.includes(address)) expect(final.get(address)).toBe(1);
    }
    // And a fourth run has nothing left to do.
    const fourth = await runCli(sendArgs('2025-03-10'), env(), dir);
    expect(fourth.code).toBe(0);
    expect(fourth.stdout).toMatch(/: 0 sent, 2000 skipped/);
  });

  it('on SIGTERM finishes the messages in flight, records them, prints the summary and exits 130', async () => {
    const p = paths();
    await writeContent(p.content);
    await writeEdition(p.out, '2025-03-10');
    await writeSubscribers(p.subscribers, 300);
    const run = startCli(sendArgs('2025-03-10', ['--connections', '3']), env(), dir);
    sink.behaviour = { accepted: (n) => (n === 50 ? void run.child.kill('SIGTERM') : undefined) };
    const stopped = await run.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/SIGTERM: stopping/);
    expect(stopped.stdout).toMatch(/Edition 2025-03-10: \d+ sent, .* 0 unknown, \d+ not reached/);
    const ledger = await readLedger(p.state, '2025-03-10');
    if (!ledger.ok) throw new Error('ledger');
    expect([...ledger.value.states.values()].filter((s) => s === 'unknown')).toEqual([]);
    expect([...ledger.value.states.values()].filter((s) => s === 'sent')).toHaveLength(sink.received.length);
    sink.behaviour = {};
    const rest = await runCli(sendArgs('2025-03-10'), env(), dir);
    expect(rest.code, rest.stderr).toBe(0);
    const counts = sink.countsByRecipient();
    expect(counts.size).toBe(300);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('--due from cron: nothing before the slot, one send after it, then a no-op; a missing edition is an error', async () => {
    const p = paths();
    // Mondays 08:00 London; 2025-03-31 is the first Monday after the clocks go forward (08:00 BST = 07:00 UTC).
    await writeContent(p.content, { weekday: 1, time: '08:00', timezone: 'Europe/London' });
    await writeEdition(p.out, '2025-03-31');
    await writeSubscribers(p.subscribers, 5);
    const due = sendArgs('latest', ['--due']);

    const early = await runCli(due, env({ BRIEFWIRE_NOW: '2025-03-31T06:59:00Z' }), dir);
    expect(early.code, early.stderr).toBe(0);
    expect(early.stdout.trim().split('\n')).toHaveLength(1);
    expect(early.stdout).toMatch(/Nothing due: edition 2025-03-31 waits for its slot Mon 2025-03-31 08:00/);
    expect(sink.received).toHaveLength(0);

    const onTime = await runCli(due, env({ BRIEFWIRE_NOW: '2025-03-31T07:00:30Z' }), dir);
    expect(onTime.code, onTime.stderr).toBe(0);
    expect(sink.received).toHaveLength(5);

    const again = await runCli(due, env({ BRIEFWIRE_NOW: '2025-03-31T07:05:00Z' }), dir);
    expect(again.code).toBe(0);
    expect(again.stdout.trim().split('\n')).toHaveLength(1);
    expect(again.stdout).toMatch(/^Already sent: edition 2025-03-31/);
    expect(sink.received).toHaveLength(5);

    const nextWeek = await runCli(due, env({ BRIEFWIRE_NOW: '2025-04-07T07:10:00Z' }), dir);
    expect(nextWeek.code).toBe(1);
    expect(nextWeek.stderr).toContain(`${path.join(p.out, 'editions', '2025-04-07')}: error: no built edition for the slot Mon 2025-04-07 08:00`);
    expect(nextWeek.stderr).toContain('newest built edition is 2025-03-31');
    expect(sink.received).toHaveLength(5);
  });

  it('--dry-run shows count, first recipients, subject and size, and sends and records nothing', async () => {
    const p = paths();
    await writeContent(p.content);
    await writeEdition(p.out, '2025-03-10', 'Dry subject');
    await writeSubscribers(p.subscribers, 12);
    const r = await runCli(sendArgs('latest', ['--dry-run']), { UNSUBSCRIBE_SECRET: SECRET }, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Subject   Dry subject');
    expect(r.stdout).toMatch(/Recipients 12 in .*: 12 to send/);
    expect(r.stdout).toContain('"Reader 0" <reader00000@readers.example>');
    expect(r.stdout).toMatch(/Size\s+\d+\.\d KiB per message/);
    expect(sink.received).toHaveLength(0);
    expect(existsSync(p.state)).toBe(false);
  });

  it('--to sends one [TEST] copy with its own Message-ID and leaves the ledger alone', async () => {
    const p = paths();
    await writeContent(p.content);
    await writeEdition(p.out, '2025-03-10', 'Real subject');
    const r = await runCli(sendArgs('2025-03-10', ['--to', 'editor@example.com']), env(), dir);
    expect(r.code, r.stderr).toBe(0);
    expect(sink.received).toHaveLength(1);
    const mail = await parse(sink.received[0]!.raw);
    expect(mail.subject).toBe('[TEST] Real subject');
    expect(mail.messageId).toMatch(/^<2025-03-10\.test\.[0-9a-f]{16}@aicloudweekly\.example>$/);
    expect(existsSync(path.join(p.state, 'sends', '2025-03-10.jsonl'))).toBe(false);
  });

  it('never prints the SMTP password: refused connection, failed login, missing settings', async () => {
    const p = paths();
    await writeContent(p.content);
    await writeEdition(p.out, '2025-03-10');
    await writeSubscribers(p.subscribers, 3);
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const refused = await runCli(sendArgs('2025-03-10'), env({ SMTP_URL: `smtp://mailer:Sup3r-S3cret-Pa55@127.0.0.1:${closedPort}` }), dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`cannot connect to smtp://127.0.0.1:${closedPort}`);
    expect(refused.stdout + refused.stderr).not.toContain('Sup3r-S3cret-Pa55');

    await sink.close();
    sink = await startSink({ auth: { user: 'mailer', pass: 'the-right-one' } });
    const badLogin = await runCli(sendArgs('2025-03-10'), env({ SMTP_URL: `smtp://mailer:Wr0ng-Pa55w0rd@127.0.0.1:${sink.port}` }), dir);
    expect(badLogin.code).toBe(1);
    expect(badLogin.stderr).toMatch(/535|Invalid/);
    expect(badLogin.stdout + badLogin.stderr).not.toContain('Wr0ng-Pa55w0rd');
    expect(badLogin.stdout + badLogin.stderr).not.toContain(Buffer.from('\0mailer\0Wr0ng-Pa55w0rd').toString('base64'));
    // The right password works and is not printed either.
    const good = await runCli(sendArgs('2025-03-10'), env({ SMTP_URL: `smtp://mailer:the-right-one@127.0.0.1:${sink.port}` }), dir);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout + good.stderr).not.toContain('the-right-one');
    expect(sink.received).toHaveLength(3);

    const noUrl = await runCli(sendArgs('2025-03-10'), { UNSUBSCRIBE_SECRET: SECRET }, dir);
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toMatch(/^SMTP_URL: error: is not set/m);
    const noSecret = await runCli(sendArgs('2025-03-10'), { SMTP_URL: `smtp://u:Sup3r-S3cret-Pa55@127.0.0.1:${sink.port}` }, dir);
    expect(noSecret.code).toBe(1);
    expect(noSecret.stderr).toMatch(/^UNSUBSCRIBE_SECRET: error: is not set/m);
    expect(noSecret.stderr).not.toContain('Sup3r-S3cret-Pa55');
    expect((await readFile(p.subscribers, 'utf8')).length).toBeGreaterThan(0);
  });

  it('prints the schedule with local and UTC times across a DST change', async () => {
    const p = paths();
    await writeContent(p.content, { weekday: 1, time: '08:00', timezone: 'Europe/London' });
    await writeEdition(p.out, '2025-03-31');
    const r = await runCli(['schedule', '--count', '3', '--content', p.content, '--out', p.out, '--state', p.state], { BRIEFWIRE_NOW: '2025-03-20T12:00:00Z' }, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Mon 2025-03-24 08:00 (UTC+00:00)  = 2025-03-24 08:00 UTC  edition 2025-03-24');
    expect(r.stdout).toContain('Mon 2025-03-31 08:00 (UTC+01:00)  = 2025-03-31 07:00 UTC  edition 2025-03-31 (built)  (UTC offset changes: +00:00 → +01:00)');
  });
});
