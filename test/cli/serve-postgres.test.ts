/**
 * Two `briefwire serve` processes sharing one PostgreSQL (a throwaway
 * cluster): subscribe at one, confirm at the other, unsubscribe at the first;
 * the confirmation throttle is shared; the next send excludes the reader; a
 * provider's webhook delivered to one and retried at the other counts once.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, useCliSandbox, writeContent, writeEdition } from '../support/deliver.js';
import { listeningUrl, runCli } from '../support/cli.js';
import { startCluster, type TestCluster } from '../support/postgres.js';

const box = useCliSandbox();
let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(() => cluster?.stop());

const WEBHOOK_SECRET = 'wh-serve-postgres-5e1d';

const post = (url: string, fields: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

async function link(to: string, kind: 'confirm' | 'unsubscribe'): Promise<string> {
  const mail = [...box.sink.received].reverse().find((m) => m.to.includes(to));
  const text = mail ? ((await parse(mail.raw)).text ?? '') : '';
  const m = new RegExp(`https://aicloudweekly\\.example/${kind}\\?token=([A-Za-z0-9_%-]+)`).exec(text);
  if (!m) throw new Error(`no ${kind} link for ${to}`);
  return decodeURIComponent(m[1]!);
}

describe('serve on PostgreSQL', () => {
  it('subscribe at one server, confirm at a second, unsubscribe at the first: the next send excludes the reader; a webhook retried at the other server counts once', async () => {
    cluster.createDatabase('serve');
    const db = { DATABASE_URL: cluster.url('serve'), WEBHOOK_SECRET };
    expect((await runCli(['state', 'migrate'], { env: db, cleanEnv: true })).code).toBe(0);
    const p = box.paths();
    await writeContent(p.content);
    await writeEdition(p.out, '2025-03-10');
    await writeEdition(p.out, '2025-03-17');
    await writeFile(p.subscribers, 'email,name\nann@example.com,Ann\n');
    await mkdir(path.join(p.out, 'site'), { recursive: true });
    await writeFile(path.join(p.out, 'site', 'index.html'), '<h1>Archive</h1>');
    // Each server gets a state directory of its own: what they share is the database.
    const servers: { url: string; child: ChildProcess; done: Promise<unknown> }[] = [];
    for (const state of ['state-a', 'state-b']) {
      const running = box.start(['serve', '--port', '0', '--out', p.out, '--state', path.join(box.dir, state), '--content', p.content], box.env(db));
      servers.push({ url: await listeningUrl(running.child), ...running });
    }
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    try {
      expect((await post(`${a.url}/subscribe`, { email: 'zoe@example.org' })).status).toBe(200);
      expect(box.sink.received).toHaveLength(1);
      // The second server knows a confirmation went out this hour: it sends none.
      expect((await post(`${b.url}/subscribe`, { email: 'Zoe@example.org' })).status).toBe(200);
      expect(box.sink.received).toHaveLength(1);
      expect((await post(`${b.url}/confirm`, { token: await link('zoe@example.org', 'confirm') })).status).toBe(200);

      const send = await box.run(box.sendArgs('2025-03-10'), box.env(db));
      expect(send.code, send.stderr).toBe(0);
      expect(box.sink.received.slice(1).flatMap((m) => m.to).sort()).toEqual(['ann@example.com', 'zoe@example.org']);

      const token = await link('zoe@example.org', 'unsubscribe');
      const left = await fetch(`${a.url}/unsubscribe?token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(left.status).toBe(200);
      // The other server sees it at once.
      expect(await (await fetch(`${b.url}/unsubscribe?token=${encodeURIComponent(token)}`)).text()).toContain('Unsubscribed');

      const before = box.sink.received.length;
      const next = await box.run(box.sendArgs('2025-03-17'), box.env(db));
      expect(next.code, next.stderr).toBe(0);
      expect(next.stdout).toContain('1 sent');
      expect(next.stdout).toContain('1 (1 unsubscribed) suppressed');
      expect(box.sink.received.slice(before).flatMap((m) => m.to)).toEqual(['ann@example.com']);

      // Postmark posts a hard bounce to one server and, as providers do, retries it at the other.
      const bounce = JSON.stringify({ RecordType: 'Bounce', ID: 91, Type: 'HardBounce', TypeCode: 1, Email: 'Ann@example.com', MessageID: 'pm-91', Details: 'smtp;550 5.1.1 no such user', BouncedAt: '2025-03-17T09:00:00Z' });
      const auth = `Basic ${Buffer.from(`briefwire:${WEBHOOK_SECRET}`).toString('base64')}`;
      for (const server of [a, b]) {
        const res = await fetch(`${server.url}/webhooks/postmark`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: bounce });
        expect(res.status, await res.text()).toBe(200);
      }
      expect(cluster.psql('serve', "SELECT count(*) FROM feedback_events WHERE address = 'ann@example.com'").trim()).toBe('1');
      expect(cluster.psql('serve', "SELECT reason || ' ' || active FROM suppressions WHERE address = 'ann@example.com'").trim()).toMatch(/^hard-bounce (t|true)$/);
    } finally {
      for (const s of servers) s.child.kill('SIGTERM');
      await Promise.all(servers.map((s) => s.done));
    }
  });
});
