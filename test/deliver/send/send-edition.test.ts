/**
 * The send path end to end over loopback: briefwire's loop → nodemailer pool →
 * a real smtp-server, arrivals parsed with mailparser.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Newsletter } from '../../../src/model.js';
import type { EditionFiles } from '../../../src/deliver/send/built-editions.js';
import { ledgerFile, LedgerWriter, readLedger, type LedgerRecord } from '../../../src/deliver/store/ledger.js';
import { planSend } from '../../../src/deliver/send/plan.js';
import type { SenderIdentity } from '../../../src/deliver/send/message.js';
import { sendEdition, type SendEditionOptions } from '../../../src/deliver/send/send-edition.js';
import { appendSuppression } from '../../../src/deliver/audience/suppression.js';
import { dkimFromEnv } from '../../../src/deliver/transport/dkim.js';
import type { MailSender } from '../../../src/deliver/transport/sender.js';
import { createMailSender, parseSmtpUrl } from '../../../src/deliver/transport/smtp.js';
import { messageIdHash, verifyUnsubscribeToken } from '../../../src/deliver/audience/unsubscribe-token.js';
import { tempDir } from '../../support/fixtures.js';
import { builtEditionAndSender, expectEachReceivedOnce, headerValues, NEWSLETTER, parse, SECRET, startSink, writeSubscribers, type Sink } from '../../support/deliver.js';
import { FilesStore } from '../../../src/deliver/store/files-store.js';

const DATE = '2025-03-10';
const newsletter: Newsletter = { ...NEWSLETTER, timezone: 'Europe/London', language: 'en-GB' };

let dir: string;
let sink: Sink;
let edition: EditionFiles;
let sender: SenderIdentity;
const mailers: MailSender[] = [];

beforeEach(async () => {
  dir = await tempDir('bw-deliver-');
  ({ edition, sender } = await builtEditionAndSender(dir, DATE, newsletter));
  sink = await startSink();
});

afterEach(async () => {
  for (const m of mailers.splice(0)) m.close();
  await sink.close();
  await rm(dir, { recursive: true, force: true });
});

function mailer(extra: { dkim?: Parameters<typeof createMailSender>[1]['dkim']; connections?: number } = {}): MailSender {
  const target = parseSmtpUrl(`smtp://127.0.0.1:${sink.port}`);
  if (!target.ok) throw new Error('url');
  const m = createMailSender(target.value, { connections: extra.connections ?? 3, rate: 0, ...(extra.dkim ? { dkim: extra.dkim } : {}) });
  mailers.push(m);
  return m;
}

function send(overrides: Partial<SendEditionOptions> = {}) {
  return sendEdition({
    edition,
    sender,
    subscribersFile: path.join(dir, 'subscribers.csv'),
    store: new FilesStore(path.join(dir, 'state')),
    mailer: overrides.mailer ?? mailer(),
    secret: SECRET,
    concurrency: 3,
    retries: 3,
    retryDelayMs: 20,
    resendUnknown: false,
    ...overrides,
  });
}

async function ledgerRecords(): Promise<LedgerRecord[]> {
  const text = await readFile(ledgerFile(path.join(dir, 'state'), DATE), 'utf8');
  return text.trim().split('\n').map((l) => JSON.parse(l) as LedgerRecord);
}

describe('send over SMTP', () => {
  it('sends one multipart copy per reader with list headers, a stable Message-ID and a personal unsubscribe link', async () => {
    await writeFile(
      path.join(dir, 'subscribers.csv'),
      'email,name\nann@example.com,Ann Lee\njose@example.org,José Ñúñez\n"carl@example.net","Lee, Carl"\ngone@example.com,Gone\ndee@example.com,\n',
    );
    await appendSuppression(path.join(dir, 'state'), 'GONE@example.com', 'form');
    const result = await send();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ sent: 4, suppressed: 1, failed: [], unknown: [], retryLater: [], interrupted: false });
    expect([...sink.countsByRecipient().keys()].sort()).toEqual(['ann@example.com', 'carl@example.net', 'dee@example.com', 'jose@example.org']);

    for (const m of sink.received) {
      const address = m.to[0]!;
      const mail = await parse(m.raw);
      expect(mail.subject).toBe(edition.subject);
      expect(mail.from?.value[0]).toMatchObject({ address: 'brief@aicloudweekly.example', name: 'AI Cloud Weekly' });
      expect(mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.address).toBe(address);
      if (address === 'jose@example.org') expect(mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.name).toBe('José Ñúñez');
      if (address === 'carl@example.net') expect(mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.name).toBe('Lee, Carl');
      expect(mail.date).toBeInstanceOf(Date);
      expect(mail.messageId).toBe(`<${DATE}.${messageIdHash(DATE, address, SECRET)}@aicloudweekly.example>`);
      expect(mail.messageId).not.toContain(address.split('@')[0]);
      expect(headerValues(mail, 'List-Id')).toEqual(['"AI Cloud Weekly" <ai-cloud-weekly.aicloudweekly.example>']);
      expect(headerValues(mail, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
      const [unsub] = headerValues(mail, 'List-Unsubscribe');
      const match = /^<(https:\/\/aicloudweekly\.example\/unsubscribe\?token=([A-Za-z0-9_.-]+))>, <mailto:brief@aicloudweekly\.example\?subject=unsubscribe>$/.exec(unsub ?? '');
      expect(match, unsub).not.toBeNull();
      const [, url, token] = match!;
      // The link is this reader's and nobody else's.
      expect(verifyUnsubscribeToken(token!, SECRET)).toBe(address);
      expect(mail.text).toContain(`Unsubscribe: ${url}`);
      expect(mail.html).toContain(`href="${url}"`);
      expect(mail.text).toContain('Café prices & more.');
      expect(String(m.raw)).toMatch(/Content-Type: multipart\/alternative/);
    }

    // A rerun finds everyone recorded and sends nothing.
    const again = await send();
    expect(again.ok && again.value).toMatchObject({ sent: 0, alreadySent: 4, suppressed: 1 });
    expect(sink.received).toHaveLength(4);
    const ledger = await readLedger(path.join(dir, 'state'), DATE);
    expect(ledger.ok && ledger.value.lastDone).toMatchObject({ sent: 0, retryLater: 0 });
  });

  it('signs with DKIM and covers List-Unsubscribe and List-Unsubscribe-Post', async () => {
    await writeSubscribers(path.join(dir, 'subscribers.csv'), 1);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(dir, 'dkim.pem');
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const dkim = await dkimFromEnv({ DKIM_DOMAIN: 'aicloudweekly.example', DKIM_SELECTOR: 'bw2025', DKIM_PRIVATE_KEY_FILE: keyFile });
    if (!dkim.ok || !dkim.value) throw new Error('dkim');
    const result = await send({ mailer: mailer({ dkim: dkim.value }) });
    expect(result.ok && result.value.sent).toBe(1);
    const mail = await parse(sink.received[0]!.raw);
    const [signature] = headerValues(mail, 'DKIM-Signature');
    expect(signature).toMatch(/\bd=aicloudweekly\.example;/);
    expect(signature).toMatch(/\bs=bw2025;/);
    const signed = /\bh=([^;]+);/.exec(signature!.replace(/\s+/g, ''))![1]!.toLowerCase().split(':');
    expect(signed).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'date', 'message-id', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post']));
    expect((await dkimFromEnv({ DKIM_DOMAIN: 'x.example' })).ok).toBe(false);
  });

  it('records 550 refusals as permanent failures and delivers everyone else', async () => {
    const addresses = await writeSubscribers(path.join(dir, 'subscribers.csv'), 12);
    const refused = new Set([addresses[2]!, addresses[7]!]);
    sink.behaviour = { rcpt: (a) => (refused.has(a) ? { code: 550, message: '5.1.1 No such user' } : undefined) };
    const result = await send();
    if (!result.ok) throw new Error('send');
    expect(result.value.sent).toBe(10);
    expect(result.value.failed.map((f) => f.address).sort()).toEqual([...refused].sort());
    expect(result.value.failed[0]!.error).toMatch(/550/);
    expectEachReceivedOnce(sink, 10);
    const ledger = await readLedger(path.join(dir, 'state'), DATE);
    if (!ledger.ok) throw new Error('ledger');
    for (const a of refused) expect(ledger.value.states.get(a)).toBe('failed-permanent');
    // Permanent failures are not retried by a later run.
    sink.behaviour = {};
    const again = await send();
    expect(again.ok && again.value).toMatchObject({ sent: 0, failedEarlier: 2, alreadySent: 10 });
  });

  it('retries a 421 with backoff and delivers exactly once', async () => {
    await writeSubscribers(path.join(dir, 'subscribers.csv'), 10);
    let refusals = 0;
    sink.behaviour = { rcpt: () => (refusals++ < 4 ? { code: 421, message: '4.7.0 Try again later' } : undefined) };
    const result = await send();
    if (!result.ok) throw new Error('send');
    expect(result.value).toMatchObject({ sent: 10, failed: [], retryLater: [], unknown: [] });
    expect(refusals).toBeGreaterThanOrEqual(4);
    expectEachReceivedOnce(sink, 10);
    const temporary = (await ledgerRecords()).filter((r) => r.type === 'failed');
    expect(temporary).toHaveLength(4);
    expect(temporary.every((r) => r.type === 'failed' && !r.permanent && r.code === 421)).toBe(true);
  });

  it('resumes after dropped connections without duplicates; a drop after the body is unknown, not resent', async () => {
    const addresses = await writeSubscribers(path.join(dir, 'subscribers.csv'), 40);
    let transactions = 0;
    let droppedAfterBody = false;
    sink.behaviour = {
      // Every 7th transaction the server hangs up before anything was sent.
      mail: () => (++transactions % 7 === 0 ? 'drop' : undefined),
      // Once, it hangs up after receiving the whole message, before answering.
      data: (to) => {
        if (to[0] === addresses[20] && !droppedAfterBody) {
          droppedAfterBody = true;
          return 'drop';
        }
        return 'accept';
      },
    };
    const result = await send();
    if (!result.ok) throw new Error('send');
    expect(result.value.sent).toBe(39);
    expect(result.value.unknown).toEqual([addresses[20]]);
    expect(result.value.retryLater).toEqual([]);
    expectEachReceivedOnce(sink, 39);

    // Not resent by a plain rerun; resent on request.
    sink.behaviour = {};
    const rerun = await send();
    expect(rerun.ok && rerun.value).toMatchObject({ sent: 0, unknown: [addresses[20]] });
    const resend = await send({ resendUnknown: true });
    expect(resend.ok && resend.value).toMatchObject({ sent: 1, unknown: [] });
    expect(sink.countsByRecipient().get(addresses[20]!)).toBe(1);
  });

  it('never has more unresolved attempts in the ledger than connections', async () => {
    await writeSubscribers(path.join(dir, 'subscribers.csv'), 200);
    const result = await send({ mailer: mailer({ connections: 4 }), concurrency: 4 });
    expect(result.ok && result.value.sent).toBe(200);
    const open = new Set<string>();
    let most = 0;
    for (const r of await ledgerRecords()) {
      if (r.type === 'attempt') open.add(r.to);
      else if (r.type === 'sent' || r.type === 'failed' || r.type === 'unconfirmed') open.delete(r.to);
      most = Math.max(most, open.size);
    }
    expect(open.size).toBe(0);
    expect(most).toBeLessThanOrEqual(4);
  });

  it('stops taking recipients when aborted, finishes and records the ones in flight', async () => {
    await writeSubscribers(path.join(dir, 'subscribers.csv'), 100);
    const controller = new AbortController();
    sink.behaviour = { accepted: (n) => (n === 20 ? controller.abort() : undefined) };
    const result = await send({ signal: controller.signal });
    if (!result.ok) throw new Error('send');
    expect(result.value.interrupted).toBe(true);
    expect(result.value.unknown).toEqual([]);
    expect(result.value.sent).toBe(sink.received.length);
    expect(result.value.sent + result.value.notReached).toBe(100);
    const ledger = await readLedger(path.join(dir, 'state'), DATE);
    expect(ledger.ok && ledger.value.lastDone).toBeUndefined();
    sink.behaviour = {};
    const rest = await send();
    expect(rest.ok && rest.value.sent).toBe(100 - result.value.sent);
    expect(sink.countsByRecipient().size).toBe(100);
    expect([...sink.countsByRecipient().values()].every((n) => n === 1)).toBe(true);
  });

  it('--dry-run counts every recipient as the send then does: suppressed beats an unknown outcome', async () => {
    const state = path.join(dir, 'state');
    await writeFile(path.join(dir, 'subscribers.csv'), 'email\nann@example.com\nbob@example.com\ncarl@example.com\ndee@example.com\n');
    const w = await LedgerWriter.open(state, DATE);
    if (!w.ok) throw new Error('ledger');
    // ann and bob were handed to SMTP without an answer; so were two readers who have left the list since.
    for (const to of ['ann@example.com', 'bob@example.com', 'left@example.com', 'gone@example.com']) await w.value.append({ type: 'attempt', to, at: 't', try: 1 });
    await w.value.append({ type: 'sent', to: 'carl@example.com', at: 't' });
    await w.value.close();
    await appendSuppression(state, 'ann@example.com', 'form');
    await appendSuppression(state, 'gone@example.com', 'form');

    const plan = await planSend({ edition, sender, subscribersFile: path.join(dir, 'subscribers.csv'), store: new FilesStore(state), resendUnknown: false, now: new Date() });
    expect(plan).toMatchObject({ total: 4, toSend: 1, alreadySent: 1, suppressed: 1, unknown: 1, unknownOffList: 1, problems: [] });
    const result = await send();
    if (!result.ok) throw new Error('send');
    const s = result.value;
    expect({ sent: s.sent, alreadySent: s.alreadySent, suppressed: s.suppressed, unknown: [...s.unknown].sort() }).toEqual({
      sent: plan.toSend,
      alreadySent: plan.alreadySent,
      suppressed: plan.suppressed,
      unknown: ['bob@example.com', 'left@example.com'],
    });
    expect(s.unknown).toHaveLength(plan.unknown + plan.unknownOffList);
    expect([...sink.countsByRecipient().keys()]).toEqual(['dee@example.com']);
  });
});
