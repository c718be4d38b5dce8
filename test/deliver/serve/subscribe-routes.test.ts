/**
 * Double opt-in through `serve`'s HTTP endpoints over loopback, with the
 * confirmation email going through a real SMTP server (smtp-server) and read
 * back with mailparser.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfirmToken } from '../../../src/deliver/audience/confirm-token.js';
import { senderIdentity } from '../../../src/deliver/send/message.js';
import { subscriberStoreFile } from '../../../src/deliver/audience/subscriber-store.js';
import { suppressionFile } from '../../../src/deliver/audience/suppression.js';
import type { MailSender } from '../../../src/deliver/transport/sender.js';
import { createMailSender, parseSmtpUrl } from '../../../src/deliver/transport/smtp.js';
import { startUnsubscribeServer, type RunningServer } from '../../../src/deliver/serve/public-server.js';
import { createUnsubscribeToken } from '../../../src/deliver/audience/unsubscribe-token.js';
import { readJsonLinesFile, tempDir } from '../../support/fixtures.js';
import { NEWSLETTER, parse, SECRET, startedServer, startSink, type Sink } from '../../support/deliver.js';
import { FilesStore } from '../../../src/deliver/store/files-store.js';

let dir: string;
let state: string;
let sink: Sink;
let mailer: MailSender;
let server: RunningServer;
let clock: Date;

async function start(rateLimit = { limit: 100, windowMs: 60_000 }): Promise<void> {
  const target = parseSmtpUrl(`smtp://127.0.0.1:${sink.port}`);
  if (!target.ok) throw new Error('bad url');
  mailer = createMailSender(target.value, { connections: 1, rate: 0 });
  const sender = senderIdentity({ ...NEWSLETTER, timezone: 'Europe/London', language: 'en-GB' }, 'newsletter.yml');
  if (!sender.ok) throw new Error('bad sender');
  server = startedServer(
    await startUnsubscribeServer({
      siteDir: null,
      store: new FilesStore(state),
      secret: SECRET,
      listName: NEWSLETTER.name,
      host: '127.0.0.1',
      port: 0,
      now: () => clock,
      subscribe: { sender: sender.value, mailer, rateLimit },
    }),
  );
}

beforeEach(async () => {
  dir = await tempDir('bw-subscribe-');
  state = path.join(dir, 'state');
  sink = await startSink();
  clock = new Date('2025-03-10T09:00:00Z');
});

afterEach(async () => {
  await server?.close();
  mailer?.close();
  await sink.close();
  await rm(dir, { recursive: true, force: true });
});

const form = (pathname: string, fields: Record<string, string>) =>
  fetch(`${server.url}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

const storeLines = () => readJsonLinesFile(subscriberStoreFile(state));

/** The token from the newest confirmation email to `to`. */
async function confirmationToken(to: string): Promise<string> {
  const mail = [...sink.received].reverse().find((m) => m.to.includes(to));
  if (!mail) throw new Error(`no email to ${to}`);
  const parsed = await parse(mail.raw);
  const m = /https:\/\/aicloudweekly\.example\/confirm\?token=([A-Za-z0-9_%-]+)/.exec(parsed.text ?? '');
  if (!m) throw new Error('no confirm link');
  return decodeURIComponent(m[1]!);
}

describe('subscribe and confirm', () => {
  it('POST /subscribe mails a link; GET /confirm shows a button and changes nothing; POST confirms once', async () => {
    await start();
    const res = await form('/subscribe', { email: 'New.Reader@Example.com', name: 'New Reader', website: '' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    expect(sink.received).toHaveLength(1);
    const mail = await parse(sink.received[0]!.raw);
    expect(mail.subject).toBe('Confirm your subscription to AI Cloud Weekly');
    expect(sink.received[0]!.to).toEqual(['new.reader@example.com']);
    expect(mail.messageId).toMatch(/^<confirm\.[0-9a-f]+@aicloudweekly\.example>$/);
    expect(mail.headers.has('list-unsubscribe')).toBe(false);
    const token = await confirmationToken('new.reader@example.com');
    // The link reveals nothing about the address.
    expect(token.toLowerCase()).not.toContain('reader');
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('example.com');
    expect(await storeLines()).toMatchObject([{ event: 'requested', address: 'new.reader@example.com' }]);

    const get = await fetch(`${server.url}/confirm?token=${encodeURIComponent(token)}`);
    expect(get.status).toBe(200);
    const html = await get.text();
    expect(html).toContain('<form method="post" action="confirm">');
    expect(html).toContain('new.reader@example.com');
    expect(await storeLines()).toHaveLength(1);

    clock = new Date('2025-03-10T09:05:00Z');
    const post = await form('/confirm', { token });
    expect(post.status).toBe(200);
    expect(await post.text()).toContain('will receive');
    const lines = await storeLines();
    expect(lines[1]).toEqual({
      event: 'confirmed',
      address: 'new.reader@example.com',
      name: 'New Reader',
      at: '2025-03-10T09:05:00.000Z',
      consent: 'double-opt-in',
      requestedAt: '2025-03-10T09:00:00.000Z',
    });
    // Pressing the button again (or a double click) records nothing more.
    const again = await form('/confirm', { token });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Already subscribed');
    expect(await storeLines()).toHaveLength(2);
    // Subscribing again while subscribed sends nothing.
    await form('/subscribe', { email: 'new.reader@example.com' });
    expect(sink.received).toHaveLength(1);
  });

  it('sends at most one confirmation per address per hour', async () => {
    await start();
    await form('/subscribe', { email: 'twice@example.com' });
    clock = new Date('2025-03-10T09:30:00Z');
    const second = await form('/subscribe', { email: 'TWICE@example.com' });
    expect(second.status).toBe(200);
    expect(sink.received).toHaveLength(1);
    clock = new Date('2025-03-10T10:00:01Z');
    await form('/subscribe', { email: 'twice@example.com' });
    expect(sink.received).toHaveLength(2);
  });

  it('a tampered, foreign or expired token is refused and changes nothing', async () => {
    await start();
    await form('/subscribe', { email: 'ann@example.com' });
    const token = await confirmationToken('ann@example.com');
    const tampered = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
    for (const bad of [tampered, token.slice(0, -2), createUnsubscribeToken('ann@example.com', SECRET), '']) {
      const res = await form('/confirm', { token: bad });
      expect(res.status).toBe(400);
    }
    const old = createConfirmToken({ address: 'ann@example.com', requestedAt: '2025-03-02T08:59:00.000Z' }, SECRET);
    const expired = await form('/confirm', { token: old });
    expect(expired.status).toBe(410);
    expect((await fetch(`${server.url}/confirm?token=${encodeURIComponent(old)}`)).status).toBe(410);
    expect((await storeLines()).map((l) => l['event'])).toEqual(['requested']);
  });

  it('after an unsubscribe the old confirmation link is refused; a new subscription needs a new confirmation', async () => {
    await start();
    await form('/subscribe', { email: 'back@example.com' });
    const first = await confirmationToken('back@example.com');
    clock = new Date('2025-03-10T09:01:00Z');
    expect((await form('/confirm', { token: first })).status).toBe(200);
    clock = new Date('2025-03-11T09:00:00Z');
    const unsub = await fetch(`${server.url}/unsubscribe?token=${encodeURIComponent(createUnsubscribeToken('back@example.com', SECRET))}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsub.status).toBe(200);
    clock = new Date('2025-03-11T09:10:00Z');
    const replay = await form('/confirm', { token: first });
    expect(replay.status).toBe(409);
    expect(await storeLines()).toHaveLength(2);

    await form('/subscribe', { email: 'back@example.com' });
    expect(sink.received).toHaveLength(2);
    const second = await confirmationToken('back@example.com');
    expect(second).not.toBe(first);
    clock = new Date('2025-03-11T09:20:00Z');
    expect((await form('/confirm', { token: second })).status).toBe(200);
    const suppression = (await readFile(suppressionFile(state), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(suppression).toMatchObject([
      { address: 'back@example.com', reason: 'unsubscribed', via: 'one-click' },
      { address: 'back@example.com', via: 'confirmed', lifted: true },
    ]);
  });

  it('bad input gets a clear answer and changes nothing: malformed address, honeypot, oversized body, not a form', async () => {
    await start();
    const bad = await form('/subscribe', { email: 'not an address' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('cannot receive mail');
    const bot = await form('/subscribe', { email: 'bot@example.com', website: 'http://spam.example' });
    expect(bot.status).toBe(200);
    const big = await fetch(`${server.url}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=a%40b.com&name=${'x'.repeat(40_000)}` });
    expect(big.status).toBe(413);
    const json = await fetch(`${server.url}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a@example.com"}' });
    expect(json.status).toBe(415);
    const long = await form('/subscribe', { email: 'a@example.com', name: 'n'.repeat(101) });
    expect(long.status).toBe(400);
    expect(sink.received).toHaveLength(0);
    expect(await storeLines()).toEqual([]);
  });

  it('rate-limits subscribe posts per client address', async () => {
    await start({ limit: 3, windowMs: 60_000 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await form('/subscribe', { email: `r${i}@example.com` })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const last = await form('/subscribe', { email: 'r9@example.com' });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(sink.received).toHaveLength(3);
  });

  it('without a mail transport, /subscribe says subscriptions are closed and records nothing', async () => {
    server = startedServer(await startUnsubscribeServer({ siteDir: null, store: new FilesStore(state), secret: SECRET, listName: NEWSLETTER.name, host: '127.0.0.1', port: 0 }));
    const res = await form('/subscribe', { email: 'ann@example.com' });
    expect(res.status).toBe(503);
    expect(await storeLines()).toEqual([]);
    const page = await fetch(`${server.url}/subscribe`);
    expect(await page.text()).toContain('name="website"');
  });
});
