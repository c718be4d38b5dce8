/**
 * The audience lifecycle end to end, as an operator runs it: `briefwire serve`
 * and `briefwire send` as real processes, mail through a real smtp-server on
 * loopback. Subscribe → confirmation email → GET does not confirm → POST
 * confirms → the next send includes the reader; unsubscribe → excluded → a new
 * subscription needs a new confirmation.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, useCliSandbox, writeContent, writeEdition } from '../support/deliver.js';
import { listeningUrl } from '../support/cli.js';

const DATE = '2025-03-10';
const NEXT = '2025-03-17';

describe('briefwire serve + send: double opt-in', () => {
  const box = useCliSandbox();

  async function startServe(): Promise<{ url: string; child: ChildProcess; done: Promise<unknown> }> {
    const p = box.paths();
    await mkdir(path.join(p.out, 'site'), { recursive: true });
    await writeFile(path.join(p.out, 'site', 'index.html'), '<h1>Archive</h1>');
    const running = box.start(['serve', '--port', '0', '--out', p.out, '--state', p.state, '--content', p.content], {
      ...box.env(),
      WEBHOOK_SECRET: 'wh-secret-7f3a9c1e5b2d4a6f',
    });
    const url = await listeningUrl(running.child);
    return { url, child: running.child, done: running.done };
  }

  const post = (url: string, fields: Record<string, string>) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

  async function latestLink(to: string, kind: 'confirm' | 'unsubscribe'): Promise<string> {
    const mail = [...box.sink.received].reverse().find((m) => m.to.includes(to));
    if (!mail) throw new Error(`no mail to ${to}`);
    const text = (await parse(mail.raw)).text ?? '';
    const m = new RegExp(`https://aicloudweekly\\.example/${kind}\\?token=[A-Za-z0-9_%-]+`).exec(text);
    if (!m) throw new Error(`no ${kind} link in: ${text}`);
    return m[0];
  }

  const tokenOf = (link: string): string => decodeURIComponent(new URL(link).searchParams.get('token')!);
  const recipientsOf = (from: number): string[] => box.sink.received.slice(from).flatMap((m) => m.to).sort();

  it('subscribe, confirm, receive; unsubscribe, excluded; come back only through a new confirmation', async () => {
    const p = box.paths();
    await writeContent(p.content);
    await writeEdition(p.out, DATE);
    await writeEdition(p.out, NEXT);
    await writeFile(p.subscribers, 'email,name\nann@example.com,Ann\n');
    const serve = await startServe();
    try {
      const subscribed = await post(`${serve.url}/subscribe`, { email: 'Zoe@Example.org', name: 'Zoë Reader', website: '' });
      expect(subscribed.status).toBe(200);
      expect(box.sink.received).toHaveLength(1);
      const confirm = await latestLink('zoe@example.org', 'confirm');
      const token = tokenOf(confirm);

      // A link scanner's GET shows the button and confirms nothing: the send that follows skips Zoë.
      const scanned = await fetch(`${serve.url}/confirm?token=${encodeURIComponent(token)}`);
      expect(scanned.status).toBe(200);
      expect(await scanned.text()).toContain('<form method="post" action="confirm">');
      const before = await box.run(box.sendArgs(DATE), box.env());
      expect(before.code).toBe(0);
      expect(recipientsOf(1)).toEqual(['ann@example.com']);

      // A tampered token is refused and changes nothing.
      const tampered = await post(`${serve.url}/confirm`, { token: token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA') });
      expect(tampered.status).toBe(400);

      const confirmed = await post(`${serve.url}/confirm`, { token });
      expect(confirmed.status).toBe(200);
      const store = (await readFile(path.join(p.state, 'subscribers.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
      expect(store.at(-1)).toMatchObject({ event: 'confirmed', address: 'zoe@example.org', consent: 'double-opt-in' });

      // The next send includes her, once, under her name.
      const sentBefore = box.sink.received.length;
      const next = await box.run(box.sendArgs(NEXT), box.env());
      expect(next.code).toBe(0);
      expect(next.stdout).toContain('2 sent');
      expect(recipientsOf(sentBefore)).toEqual(['ann@example.com', 'zoe@example.org']);
      const zoeCopy = await parse(box.sink.received.slice(sentBefore).find((m) => m.to.includes('zoe@example.org'))!.raw);
      expect(zoeCopy.to && !Array.isArray(zoeCopy.to) && zoeCopy.to.value[0]?.name).toBe('Zoë Reader');

      // She leaves with the one-click link of that issue.
      const unsubscribe = await latestLink('zoe@example.org', 'unsubscribe');
      const left = await fetch(`${serve.url}/unsubscribe?token=${encodeURIComponent(tokenOf(unsubscribe))}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(left.status).toBe(200);
      const dry = await box.run(box.sendArgs(DATE, ['--dry-run', '--resend-unknown']), box.env());
      expect(dry.stdout).toContain('1 (1 unsubscribed) suppressed');

      // The old confirmation link cannot bring her back; a new subscribe sends a new one.
      const replay = await post(`${serve.url}/confirm`, { token });
      expect(replay.status).toBe(409);
      const mailsBefore = box.sink.received.length;
      await post(`${serve.url}/subscribe`, { email: 'zoe@example.org' });
      expect(box.sink.received.length).toBe(mailsBefore + 1);
      const again = tokenOf(await latestLink('zoe@example.org', 'confirm'));
      expect(again).not.toBe(token);
      expect((await post(`${serve.url}/confirm`, { token: again })).status).toBe(200);
      const back = await box.run(box.sendArgs(DATE, ['--dry-run']), box.env());
      expect(back.stdout).toContain('Recipients 2 in');
      expect(back.stdout).toContain('1 to send, 1 already sent, 0 suppressed');
    } finally {
      serve.child.kill('SIGTERM');
      await serve.done;
    }
  });
});
