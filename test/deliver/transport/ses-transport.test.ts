/**
 * Sending through the SES v2 API, against aws-ses-v2-local started here on
 * loopback: the send loop's ledger, the list headers SES received, and how
 * SES refusals, throttling and a lost answer land in the ledger.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Newsletter } from '../../../src/model.js';
import type { EditionFiles } from '../../../src/deliver/send/built-editions.js';
import { ledgerFile, type LedgerRecord } from '../../../src/deliver/store/ledger.js';
import type { SenderIdentity } from '../../../src/deliver/send/message.js';
import { sendEdition } from '../../../src/deliver/send/send-edition.js';
import { classifySesError, createSesMailSender, sesTargetFromEnv } from '../../../src/deliver/transport/ses-transport.js';
import type { MailSender } from '../../../src/deliver/transport/sender.js';
import { verifyUnsubscribeToken } from '../../../src/deliver/audience/unsubscribe-token.js';
import { tempDir } from '../../support/fixtures.js';
import { builtEditionAndSender, headerValues, NEWSLETTER, parse, SECRET, useCliSandbox, writeContent, writeEdition, writeSubscribers } from '../../support/deliver.js';
import { sesEnv, startSesEmulator, type SesEmulator } from '../../support/ses-emulator.js';
import { FilesStore } from '../../../src/deliver/store/files-store.js';

const DATE = '2025-03-10';
const newsletter: Newsletter = { ...NEWSLETTER, timezone: 'Europe/London', language: 'en-GB' };

let emu: SesEmulator;

beforeAll(async () => {
  emu = await startSesEmulator();
  // The SDK in this process finds credentials where it would in production: the environment.
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = sesEnv(emu);
  Object.assign(process.env, { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY });
});
afterAll(async () => {
  await emu.close();
});

describe('SES transport (in process)', () => {
  let dir: string;
  let edition: EditionFiles;
  let sender: SenderIdentity;
  let mailer: MailSender;

  beforeEach(async () => {
    await emu.reset();
    dir = await tempDir('bw-ses-');
    ({ edition, sender } = await builtEditionAndSender(dir, DATE, newsletter));
    const target = sesTargetFromEnv(sesEnv(emu));
    if (!target.ok) throw new Error('target');
    mailer = createSesMailSender(target.value, { rate: 0, requestTimeoutMs: 5000 });
  });
  afterEach(async () => {
    mailer.close();
    await rm(dir, { recursive: true, force: true });
  });

  const send = () =>
    sendEdition({
      edition,
      sender,
      subscribersFile: path.join(dir, 'subscribers.csv'),
      store: new FilesStore(path.join(dir, 'state')),
      mailer,
      secret: SECRET,
      concurrency: 3,
      retries: 2,
      retryDelayMs: 20,
      resendUnknown: false,
    });

  const ledger = async (): Promise<LedgerRecord[]> =>
    (await readFile(ledgerFile(path.join(dir, 'state'), DATE), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as LedgerRecord);

  it('verify reads the account quota', async () => {
    const verified = await mailer.verify();
    expect(verified.ok).toBe(true);
    // --rate 0 on an account limited to 14/s is worth a warning.
    expect(verified.ok && verified.warnings.map((w) => w.message).join()).toContain('14/s');
  });

  it('sends every reader through SES with the list headers intact and records SES message ids in the ledger', async () => {
    const addresses = await writeSubscribers(path.join(dir, 'subscribers.csv'), 5);
    const result = await send();
    expect(result.ok && result.value).toMatchObject({ sent: 5, failed: [], unknown: [] });
    const stored = await emu.store();
    expect(stored.map((m) => m.destination.to[0]).sort()).toEqual(addresses.map((a) => expect.stringContaining(a)));
    expect(emu.accepted).toHaveLength(5);
    for (const raw of emu.accepted) {
      const mail = await parse(raw);
      const to = (mail.to && !Array.isArray(mail.to) ? mail.to.value[0]!.address : '')!;
      expect(headerValues(mail, 'List-Id')).toEqual(['"AI Cloud Weekly" <ai-cloud-weekly.aicloudweekly.example>']);
      expect(headerValues(mail, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
      const token = /token=([A-Za-z0-9_-]+)>/.exec(headerValues(mail, 'List-Unsubscribe')[0] ?? '')?.[1] ?? '';
      expect(verifyUnsubscribeToken(token, SECRET)).toBe(to);
    }
    const sent = (await ledger()).filter((r) => r.type === 'sent') as { to: string; response?: string }[];
    expect(sent).toHaveLength(5);
    const ids = new Set(stored.map((m) => m.messageId));
    for (const r of sent) expect(ids.has(r.response!.replace(/^SES /, ''))).toBe(true);
    // A rerun sends nothing.
    const again = await send();
    expect(again.ok && again.value).toMatchObject({ sent: 0, alreadySent: 5 });
    expect(emu.accepted).toHaveLength(5);
  });

  it('a refusal is permanent, throttling is retried, a lost answer is unknown and never resent blindly', async () => {
    await writeSubscribers(path.join(dir, 'subscribers.csv'), 4);
    let throttled = 0;
    emu.fault = (raw) => {
      const text = raw.toString('utf8');
      if (text.includes('reader00001@')) return 'reject';
      if (text.includes('reader00002@') && throttled++ < 1) return 'throttle';
      if (text.includes('reader00003@')) return 'drop';
    };
    const result = await send();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.sent).toBe(2);
    expect(result.value.failed.map((f) => f.address)).toEqual(['reader00001@readers.example']);
    expect(result.value.failed[0]!.error).toContain('MessageRejected');
    expect(result.value.unknown).toEqual(['reader00003@readers.example']);
    const records = await ledger();
    expect(records.filter((r) => r.type === 'failed')).toMatchObject([
      { to: 'reader00001@readers.example', permanent: true, code: 400 },
      { to: 'reader00002@readers.example', permanent: false, code: 429 },
    ]);
    expect(records.filter((r) => r.type === 'unconfirmed').map((r) => (r as { to: string }).to)).toEqual(['reader00003@readers.example']);
    // The next run holds the unknown recipient back instead of risking a second copy.
    emu.fault = () => undefined;
    const again = await send();
    expect(again.ok && again.value).toMatchObject({ sent: 0, unknown: ['reader00003@readers.example'] });
  });

  it('classifies SDK errors by status and name', () => {
    const sdk = (name: string, status?: number) => Object.assign(new Error('x'), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });
    expect(classifySesError(sdk('MessageRejected', 400)).kind).toBe('permanent');
    expect(classifySesError(sdk('TooManyRequestsException', 429)).kind).toBe('temporary');
    expect(classifySesError(sdk('InternalFailure', 500)).kind).toBe('temporary');
    expect(classifySesError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })).kind).toBe('temporary');
    expect(classifySesError(sdk('TimeoutError')).kind).toBe('unconfirmed');
    expect(classifySesError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).kind).toBe('unconfirmed');
  });

  it('configuration errors are reported, not thrown', () => {
    expect(sesTargetFromEnv({})).toMatchObject({ ok: false });
    expect(sesTargetFromEnv({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_SESV2: 'not a url' })).toMatchObject({ ok: false });
  });
});

describe('briefwire send with MAIL_TRANSPORT=ses', () => {
  const box = useCliSandbox();
  /** An empty emulator, the content and the built edition in a fresh sandbox. */
  async function ready(): Promise<ReturnType<typeof box.paths>> {
    await emu.reset();
    const p = box.paths();
    await writeContent(p.content);
    await writeEdition(p.out, DATE);
    return p;
  }

  it('sends through the emulator, prints the quota warning and keeps the ledger', async () => {
    const p = await ready();
    await writeSubscribers(p.subscribers, 3);
    const env = { UNSUBSCRIBE_SECRET: SECRET, ...sesEnv(emu) };
    const args = box.sendArgs(DATE);
    args[args.indexOf('--rate') + 1] = '20';
    const res = await box.run(args, env);
    expect(res.stderr).toContain('via SES eu-west-1');
    expect(res.stderr).toContain('above the account');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('3 sent');
    expect(emu.accepted).toHaveLength(3);
    expect(res.stderr + res.stdout).not.toContain(sesEnv(emu)['AWS_SECRET_ACCESS_KEY']);
    const bad = await box.run(box.sendArgs(DATE), { UNSUBSCRIBE_SECRET: SECRET, MAIL_TRANSPORT: 'ses' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('AWS_REGION');
  });

  it('send --dry-run --verify says it reached the account, naming the region and endpoint and no key', async () => {
    const p = await ready();
    await writeSubscribers(p.subscribers, 1);
    const res = await box.run(box.sendArgs(DATE, ['--dry-run', '--verify']), { UNSUBSCRIBE_SECRET: SECRET, ...sesEnv(emu) });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Verified  connected to SES eu-west-1 at ${new URL(emu.url).origin}; the account answered\n`);
    expect(res.stderr + res.stdout).not.toContain(sesEnv(emu)['AWS_SECRET_ACCESS_KEY']);
    expect(emu.accepted).toHaveLength(0);
  });

  it('a test copy (send --to) goes through SES too, as the readers\' copies would', async () => {
    await ready();
    const res = await box.run(box.sendArgs(DATE, ['--to', 'editor@aicloudweekly.example']), { UNSUBSCRIBE_SECRET: SECRET, ...sesEnv(emu) });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('Sent test copy');
    expect(emu.accepted).toHaveLength(1);
    const mail = await parse(emu.accepted[0]!);
    expect(mail.subject).toMatch(/^\[TEST\] /);
    expect(headerValues(mail, 'to')).toEqual(['editor@aicloudweekly.example']);
  });
});
