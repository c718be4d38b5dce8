import { existsSync } from 'node:fs';
import { appendFile, mkdir, open, readdir, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addressProblem } from '../../src/deliver/address.js';
import { buildMessage, prepareEdition, senderIdentity } from '../../src/deliver/message.js';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../../src/render/placeholders.js';
import { listBuiltEditions } from '../../src/deliver/edition-files.js';
import { mkdirDurable } from '../../src/deliver/jsonl.js';
import { isComplete, ledgerFile, LedgerWriter, readLedger } from '../../src/deliver/ledger.js';
import { acquireSendLock, bootTime, judgeLock, lockFile } from '../../src/deliver/lock.js';
import { scanSubscribers } from '../../src/deliver/subscribers.js';
import { appendSuppression, SuppressionList, suppressionFile } from '../../src/deliver/suppression.js';
import { classifySmtpError, dkimAlignmentProblem, parseSmtpUrl, rateToPool, redactSecrets } from '../../src/deliver/transport.js';
import { createUnsubscribeToken, messageIdHash, verifyUnsubscribeToken } from '../../src/deliver/unsubscribe-token.js';
import { error, formatProblem, warning } from '../../src/problems.js';
import { printProblems } from '../../src/cli/report.js';
import { tempDir } from '../support/fixtures.js';
import { SECRET, writeEdition } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('bw-deliver-');
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('unsubscribe tokens', () => {
  it('round-trips the lowercased address', () => {
    const token = createUnsubscribeToken('Ann.Lee@Example.com', SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyUnsubscribeToken(token, SECRET)).toBe('ann.lee@example.com');
  });

  it('refuses a token made with another secret, a tampered address or MAC, and junk', () => {
    const token = createUnsubscribeToken('ann@example.com', SECRET);
    expect(verifyUnsubscribeToken(token, 'another-secret-0123456789')).toBeNull();
    const [payload, mac] = token.split('.') as [string, string];
    const otherPayload = Buffer.from('bob@example.com').toString('base64url');
    expect(verifyUnsubscribeToken(`${otherPayload}.${mac}`, SECRET)).toBeNull();
    const flipped = mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A');
    expect(verifyUnsubscribeToken(`${payload}.${flipped}`, SECRET)).toBeNull();
    expect(verifyUnsubscribeToken(`${payload}.${mac.slice(0, 10)}`, SECRET)).toBeNull();
    for (const junk of ['', '.', 'abc', `${payload}.`, `.${mac}`, `${payload}.${mac}.x`, 'a b.c', 'x'.repeat(5000)]) {
      expect(verifyUnsubscribeToken(junk, SECRET)).toBeNull();
    }
  });

  it('Message-ID hashes are stable per edition and address, and do not contain the address', () => {
    const a = messageIdHash('2025-03-10', 'Ann@example.com', SECRET);
    expect(a).toBe(messageIdHash('2025-03-10', 'ann@example.com', SECRET));
    expect(a).not.toBe(messageIdHash('2025-03-17', 'ann@example.com', SECRET));
    expect(a).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('addresses and the subscriber CSV', () => {
  it('accepts plain addresses and rejects junk', () => {
    for (const ok of ['a@b.co', 'first.last+tag@sub.example.org', "o'neil@example.ie", 'x@bücher.example']) expect(addressProblem(ok)).toBeNull();
    for (const bad of ['', 'plain', '@example.com', 'a@', 'a@b', 'a b@example.com', 'a..b@example.com', 'a@-x.com', 'a@example.123']) {
      expect(addressProblem(bad)).not.toBeNull();
    }
  });

  it('streams rows, reports invalid and duplicate rows with file:line, keeps names', async () => {
    const file = path.join(dir, 'subs.csv');
    await writeFile(
      file,
      '\ufeffEmail,Name\nann@example.com,Ann\nnot-an-address,Bob\n\nANN@example.com,Ann again\n"carl@example.com","Lee, Carl"\ndee@example.com\n',
    );
    const scan = await scanSubscribers(file);
    expect(scan.count).toBe(3);
    expect(scan.first.map((r) => [r.address, r.name ?? null, r.line])).toEqual([
      ['ann@example.com', 'Ann', 2],
      ['carl@example.com', 'Lee, Carl', 6],
      ['dee@example.com', null, 7],
    ]);
    expect(scan.problems.map(formatProblem)).toEqual([
      `${file}:3: warning: skipped: not an email address (expected name@domain) ("not-an-address")`,
      `${file}:5: warning: skipped: duplicate of an earlier row (ANN@example.com)`,
    ]);
  });

  it('reports a missing email column, a missing file and broken CSV as errors', async () => {
    const noEmail = path.join(dir, 'a.csv');
    await writeFile(noEmail, 'mail,name\nx@y.com,X\n');
    expect((await scanSubscribers(noEmail)).problems.map(formatProblem)).toEqual([`${noEmail}:1: error: has no "email" column (found: mail, name)`]);
    const missing = path.join(dir, 'nope.csv');
    expect((await scanSubscribers(missing)).problems[0]).toMatchObject({ file: missing, severity: 'error' });
    const broken = path.join(dir, 'b.csv');
    await writeFile(broken, 'email,name\nx@y.com,"unclosed\n');
    const scan = await scanSubscribers(broken);
    expect(scan.problems.at(-1)).toMatchObject({ file: broken, severity: 'error' });
    expect(scan.problems.at(-1)!.message).toMatch(/not valid CSV/);
  });
});

type Write = (this: FileHandle, data: unknown, ...rest: unknown[]) => Promise<{ bytesWritten: number }>;

/**
 * Runs `fn` while every FileHandle write takes only `take(offered)` bytes and reports no error,
 * as a write to a nearly full disk can. Covers both the string and the buffer forms of write.
 */
async function withShortWrites<T>(take: (offered: number) => number, fn: () => Promise<T>): Promise<T> {
  const probe = await open(path.join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { write: Write };
  await probe.close();
  const original = proto.write;
  proto.write = function (data, ...rest) {
    const buffer = typeof data === 'string' ? Buffer.from(data) : (data as Buffer);
    const offset = typeof data === 'string' ? 0 : ((rest[0] as number | undefined) ?? 0);
    const length = typeof data === 'string' ? buffer.length : ((rest[1] as number | undefined) ?? buffer.length - offset);
    return original.call(this, buffer, offset, Math.min(length, take(length)));
  };
  try {
    return await fn();
  } finally {
    proto.write = original;
  }
}

describe('ledger', () => {
  it('derives each recipient state from its last record; sent is final', async () => {
    const w = await LedgerWriter.open(dir, '2025-03-10');
    expect(w.ok).toBe(true);
    if (!w.ok) return;
    const at = new Date().toISOString();
    await Promise.all([
      w.value.append({ type: 'attempt', to: 'a@x.com', at, try: 1 }),
      w.value.append({ type: 'sent', to: 'a@x.com', at }),
      w.value.append({ type: 'attempt', to: 'b@x.com', at, try: 1 }),
      w.value.append({ type: 'failed', to: 'b@x.com', at, permanent: true, code: 550, error: 'no such user' }),
      w.value.append({ type: 'attempt', to: 'c@x.com', at, try: 1 }),
      w.value.append({ type: 'failed', to: 'c@x.com', at, permanent: false, code: 421, error: 'later' }),
      w.value.append({ type: 'attempt', to: 'd@x.com', at, try: 1 }),
      w.value.append({ type: 'attempt', to: 'e@x.com', at, try: 1 }),
      w.value.append({ type: 'unconfirmed', to: 'e@x.com', at, error: 'dropped' }),
      w.value.append({ type: 'attempt', to: 'a@x.com', at, try: 1 }),
    ]);
    await w.value.close();
    const r = await readLedger(dir, '2025-03-10');
    expect(r.ok && Object.fromEntries(r.value.states)).toEqual({
      'a@x.com': 'sent',
      'b@x.com': 'failed-permanent',
      'c@x.com': 'failed-temporary',
      'd@x.com': 'unknown',
      'e@x.com': 'unknown',
    });
    expect(r.ok && isComplete(r.value)).toBe(false);
  });

  it('tolerates a torn last line: read ignores it, the writer cuts it before appending', async () => {
    const file = ledgerFile(dir, '2025-03-10');
    const w = await LedgerWriter.open(dir, '2025-03-10');
    if (!w.ok) throw new Error('open');
    await w.value.append({ type: 'attempt', to: 'a@x.com', at: 't', try: 1 });
    await w.value.close();
    await appendFile(file, '{"type":"sent","to":"a@x.c');
    const read = await readLedger(dir, '2025-03-10');
    expect(read.ok && read.value.states.get('a@x.com')).toBe('unknown');
    const w2 = await LedgerWriter.open(dir, '2025-03-10');
    if (!w2.ok) throw new Error('open');
    expect(w2.warnings.map((p) => p.message)).toEqual([expect.stringMatching(/incomplete last line/)]);
    await w2.value.append({ type: 'sent', to: 'a@x.com', at: 't' });
    await w2.value.close();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['attempt', 'sent']);
  });

  it('writes the rest of a record after a short write, so a resolved append is whole on disk', async () => {
    const w = await LedgerWriter.open(dir, '2025-03-10');
    if (!w.ok) throw new Error('open');
    const records = Array.from({ length: 20 }, (_, i) => ({ type: 'attempt' as const, to: `r${i}@x.com`, at: 't', try: 1 }));
    await withShortWrites((n) => Math.ceil(n / 3), () => Promise.all(records.map((r) => w.value.append(r))));
    await w.value.close();
    const lines = (await readFile(ledgerFile(dir, '2025-03-10'), 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(records);
  });

  it('fails the append (and every later one) when a write takes nothing, with a message naming no file', async () => {
    const w = await LedgerWriter.open(dir, '2025-03-10');
    if (!w.ok) throw new Error('open');
    const first = withShortWrites(() => 0, () => w.value.append({ type: 'attempt', to: 'a@x.com', at: 't', try: 1 }));
    await expect(first).rejects.toThrow(/^could not write the send ledger: wrote 0 of \d+ bytes/);
    await expect(w.value.append({ type: 'attempt', to: 'b@x.com', at: 't', try: 1 })).rejects.toThrow(/could not write/);
    await w.value.close();
  });

  it('syncs the parent of every directory it creates for the ledger, and nothing when they exist', async () => {
    const synced: string[] = [];
    const sync = async (d: string): Promise<void> => void synced.push(path.relative(dir, d) || '.');
    await mkdirDurable(path.join(dir, 'state', 'sends'), sync);
    expect(synced).toEqual(['state', '.']);
    synced.length = 0;
    await mkdirDurable(path.join(dir, 'state', 'sends'), sync);
    expect(synced).toEqual([]);
    await mkdirDurable(path.join(dir, 'state', 'sends', 'x'), sync);
    expect(synced).toEqual(['state/sends']);
  });

  it('a done record without retries left marks the edition complete', async () => {
    const w = await LedgerWriter.open(dir, '2025-03-10');
    if (!w.ok) throw new Error('open');
    await w.value.append({ type: 'done', at: 't', sent: 1, failed: 0, retryLater: 1, unknown: 0 });
    const midway = await readLedger(dir, '2025-03-10');
    expect(midway.ok && isComplete(midway.value)).toBe(false);
    await w.value.append({ type: 'done', at: 't', sent: 1, failed: 0, retryLater: 0, unknown: 0 });
    await w.value.close();
    const r = await readLedger(dir, '2025-03-10');
    expect(r.ok && isComplete(r.value)).toBe(true);
  });
});

describe('suppression list', () => {
  it('appends durably, survives a torn line from another writer and picks up appends on refresh', async () => {
    const loaded = await SuppressionList.load(dir);
    if (!loaded.ok) throw new Error('load');
    const list = loaded.value;
    expect(list.has('a@x.com')).toBe(false);
    await appendSuppression(dir, 'A@x.com', 'form');
    await appendFile(suppressionFile(dir), '{"address":"torn@x.co');
    await appendSuppression(dir, 'b@x.com', 'one-click');
    const problems = await list.refresh();
    expect(list.has('a@x.com')).toBe(true);
    expect(list.has('B@X.COM')).toBe(true);
    expect(problems.map((p) => p.message)).toEqual(['skipped a line that is not valid JSON']);
  });

  it('writes a whole line even when the disk takes it a few bytes at a time', async () => {
    await withShortWrites((n) => Math.min(n, 5), () => appendSuppression(dir, 'slow@x.com', 'form'));
    const text = await readFile(suppressionFile(dir), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ address: 'slow@x.com', via: 'form' });
  });
});

describe('send lock', () => {
  const DEAD_PID = 2 ** 22 + 12345;

  it('lets exactly one of several concurrent takers have a stale lock', async () => {
    const file = lockFile(dir, '2025-03-10');
    await mkdir(path.dirname(file), { recursive: true });
    for (let round = 0; round < 40; round++) {
      await writeFile(file, JSON.stringify({ pid: DEAD_PID, host: hostname(), startedAt: `round ${round}` }));
      const outcomes = await Promise.all(Array.from({ length: 4 }, () => acquireSendLock(dir, '2025-03-10')));
      const winners = outcomes.filter((o) => o.ok);
      expect(winners, `round ${round}`).toHaveLength(1);
      for (const o of outcomes) if (!o.ok) expect(o.problem.message, `round ${round}`).toMatch(/already running|starting right now|taking over this stale lock right now/);
      for (const w of winners) await w.release();
      expect(existsSync(file), `round ${round}: released`).toBe(false);
    }
    // Nothing left behind by the takeovers (no guards, no renamed copies).
    expect((await readdir(path.dirname(file))).filter((n) => n.includes('.lock'))).toEqual([]);
  });

  it('clears a takeover guard left by a taker that died in the middle of a takeover', async () => {
    const file = lockFile(dir, '2025-03-10');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ pid: DEAD_PID, host: hostname(), startedAt: 'then' }));
    await writeFile(`${file}.takeover`, JSON.stringify({ pid: DEAD_PID + 1, host: hostname(), startedAt: 'then' }));
    const lock = await acquireSendLock(dir, '2025-03-10');
    expect(lock.ok, lock.ok ? '' : lock.problem.message).toBe(true);
    if (lock.ok) await lock.release();
    expect(await readdir(path.dirname(file))).toEqual([]);
  });

  it('refuses a second holder and takes over a lock whose process is gone', async () => {
    const first = await acquireSendLock(dir, '2025-03-10');
    expect(first.ok).toBe(true);
    const second = await acquireSendLock(dir, '2025-03-10');
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.problem.message).toMatch(/already running \(pid \d+/);
    if (first.ok) await first.release();
    // A lock left by a killed process (pid that cannot exist).
    await writeFile(lockFile(dir, '2025-03-10'), JSON.stringify({ pid: DEAD_PID, host: hostname(), startedAt: 'then' }));
    const third = await acquireSendLock(dir, '2025-03-10');
    expect(third.ok && third.takenOver).toEqual({ holder: expect.objectContaining({ pid: DEAD_PID }), reason: 'its process is gone' });
    if (third.ok) await third.release();
  });

  it('takes over a lock from before the last boot even when its pid is alive again (recycled)', async () => {
    // This test process stands in for whatever got the old pid after the reboot.
    const old = { pid: process.pid, host: hostname(), bootTime: bootTime() - 86_400_000, startedAt: 'yesterday' };
    await mkdir(path.dirname(lockFile(dir, '2025-03-10')), { recursive: true });
    await writeFile(lockFile(dir, '2025-03-10'), JSON.stringify(old));
    const lock = await acquireSendLock(dir, '2025-03-10');
    expect(lock.ok && lock.takenOver).toEqual({ holder: old, reason: 'it is from before this host last booted' });
    if (!lock.ok) return;
    const written = JSON.parse(await readFile(lock.file, 'utf8')) as { pid: number; host: string; bootTime: number };
    expect(written).toMatchObject({ pid: process.pid, host: hostname() });
    expect(Math.abs(written.bootTime - bootTime())).toBeLessThanOrEqual(2000);
    await lock.release();
  });

  it('judges locks: boot-time wobble is the same boot, another host is never stale, torn is stale only when old', () => {
    const here = { host: 'box', bootTime: 1_700_000_000_000 };
    const lock = (extra: object): string => JSON.stringify({ pid: process.pid, host: 'box', startedAt: 't', ...extra });
    expect(judgeLock(lock({ bootTime: here.bootTime - 3000 }), 0, here).kind).toBe('running');
    expect(judgeLock(lock({}), 0, here).kind).toBe('running'); // written before boot times were recorded
    expect(judgeLock(lock({ bootTime: here.bootTime - 3_600_000 }), 0, here)).toMatchObject({ kind: 'stale', reason: 'it is from before this host last booted' });
    expect(judgeLock(lock({ host: 'other', bootTime: 0, pid: DEAD_PID }), 0, here).kind).toBe('foreign');
    expect(judgeLock(lock({ pid: DEAD_PID }), 0, here)).toMatchObject({ kind: 'stale', reason: 'its process is gone' });
    expect(judgeLock('{"pid":', 1000, here).kind).toBe('starting');
    expect(judgeLock('', 60_000, here).kind).toBe('stale');
  });

  it('refuses a lock from another host, saying how to release it', async () => {
    await mkdir(path.dirname(lockFile(dir, '2025-03-10')), { recursive: true });
    await writeFile(lockFile(dir, '2025-03-10'), JSON.stringify({ pid: DEAD_PID, host: 'elsewhere', bootTime: 0, startedAt: 'then' }));
    const lock = await acquireSendLock(dir, '2025-03-10');
    expect(lock.ok).toBe(false);
    if (!lock.ok) expect(lock.problem.message).toMatch(/started on host elsewhere .*If it is not, delete this file/);
  });
});

describe('SMTP configuration and error classification', () => {
  it('redacts the password in every form and never echoes a bad URL', () => {
    const url = 'smtps://mailer%40example.com:p%40ss-W0rd!@smtp.example.com:465';
    const t = parseSmtpUrl(url);
    if (!t.ok) throw new Error('parse');
    expect(t.value.display).toBe('smtps://smtp.example.com:465');
    const text = `failed for ${url}; pass=p@ss-W0rd! raw=p%40ss-W0rd! b64=${Buffer.from('p@ss-W0rd!').toString('base64')} other smtp://u:hunter2@h`;
    const red = t.value.redact(text);
    expect(red).not.toMatch(/W0rd|hunter2/);
    expect(red).not.toContain(Buffer.from('p@ss-W0rd!').toString('base64'));
    const bad = parseSmtpUrl('smtp//user:topsecret@host');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(JSON.stringify(bad.problems)).not.toContain('topsecret');
    expect(parseSmtpUrl(undefined).ok).toBe(false);
    expect(parseSmtpUrl('http://x').ok).toBe(false);
  });

  it('scrubs the environment\'s secrets from any text (for stack traces)', () => {
    const env = { SMTP_URL: 'smtp://mailer:p%40ss-W0rd!@smtp.example.com:587', UNSUBSCRIBE_SECRET: 'unsub-secret-0123456789' };
    const text = 'at smtp://mailer:p%40ss-W0rd!@smtp.example.com:587 pass=p@ss-W0rd! key=unsub-secret-0123456789 other=smtps://u:hunter2@h';
    expect(redactSecrets(text, env)).toBe('at *** pass=*** key=*** other=smtps://u:***@h');
    expect(redactSecrets('smtp://mailer:p%40ss-W0rd!@other.example', env)).toBe('smtp://mailer:***@other.example');
    expect(redactSecrets('nothing secret here', {})).toBe('nothing secret here');
  });

  it('warns when the DKIM domain does not align with the From domain', () => {
    const key = (domainName: string) => ({ domainName, keySelector: 's', privateKey: 'k' });
    expect(dkimAlignmentProblem(key('Example.com'), 'example.com')).toBeNull();
    expect(dkimAlignmentProblem(key('example.com'), 'news.example.com')).toBeNull();
    expect(dkimAlignmentProblem(key('mail.example.com'), 'example.com')).toBeNull();
    const p = dkimAlignmentProblem(key('esp.example'), 'example.com');
    expect(p && formatProblem(p)).toBe('DKIM_DOMAIN: warning: esp.example does not match the From domain example.com; DMARC will not count this signature');
    expect(dkimAlignmentProblem(key('ample.com'), 'example.com')).not.toBeNull();
  });

  it('classifies answers, drops before and after the body', () => {
    expect(classifySmtpError(Object.assign(new Error('no'), { responseCode: 550, permanent: true }), true).kind).toBe('permanent');
    expect(classifySmtpError(Object.assign(new Error('busy'), { responseCode: 421 }), true).kind).toBe('temporary');
    expect(classifySmtpError(Object.assign(new Error('bad seq'), { responseCode: 503 }), false).kind).toBe('temporary');
    expect(classifySmtpError(Object.assign(new Error('reset'), { code: 'ECONNECTION' }), false).kind).toBe('temporary');
    expect(classifySmtpError(Object.assign(new Error('reset'), { code: 'ECONNECTION' }), true).kind).toBe('unconfirmed');
  });

  it('turns messages/second into a pool limit, also below one per second', () => {
    expect(rateToPool(0)).toEqual({});
    expect(rateToPool(14)).toEqual({ rateLimit: 14, rateDelta: 1000 });
    expect(rateToPool(0.5)).toEqual({ rateLimit: 1, rateDelta: 2000 });
  });
});

describe('built editions', () => {
  it('lists dated directories with an edition.json file, oldest first, and skips half-built ones', async () => {
    const out = path.join(dir, 'out');
    await writeEdition(out, '2025-03-17');
    await writeEdition(out, '2025-03-10');
    await writeEdition(out, '2025-03-24');
    await rm(path.join(out, 'editions', '2025-03-24', 'edition.json'));
    await mkdir(path.join(out, 'editions', '2025-03-31', 'edition.json'), { recursive: true });
    await writeEdition(out, 'drafts');
    expect(await listBuiltEditions(out)).toEqual(['2025-03-10', '2025-03-17']);
    expect(await listBuiltEditions(path.join(dir, 'nothing-built'))).toEqual([]);
  });
});

describe('problem printing', () => {
  it('lists at most `limit` problems, then how many more, then the count of all', () => {
    let out = '';
    const stream = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
    const problems = [error('a.csv', 'bad', { line: 2 }), warning('a.csv', 'odd', { line: 3 }), error('a.csv', 'bad', { line: 4 }), warning('a.csv', 'odd', { line: 5 })];
    printProblems(problems, { stream, limit: 2 });
    expect(out).toBe('a.csv:2: error: bad\na.csv:3: warning: odd\n... and 2 more\n2 errors, 2 warnings\n');
    out = '';
    printProblems(problems.slice(0, 1), { stream });
    expect(out).toBe('a.csv:2: error: bad\n1 error\n');
  });
});

describe('message options', () => {
  it('keeps a From display name with a comma as one mailbox and fills the placeholder per part', () => {
    const sender = senderIdentity(
      { name: 'Smith & Jones Weekly!', from: '"Smith, Jones" <desk@News.Example>', baseUrl: 'https://news.example/a?b=1&c', timezone: 'UTC', language: 'en' },
      'newsletter.yml',
    );
    if (!sender.ok) throw new Error('sender');
    expect(sender.value).toMatchObject({ fromName: 'Smith, Jones', fromAddress: 'desk@News.Example', listId: 'smith-jones-weekly.news.example', messageIdDomain: 'news.example' });
    const edition = prepareEdition({ date: '2025-03-10', subject: 'S', html: `<a href="${UNSUBSCRIBE_URL_PLACEHOLDER}">x</a>`, text: `u: ${UNSUBSCRIBE_URL_PLACEHOLDER}` });
    const m = buildMessage({ edition, sender: sender.value, recipient: { address: 'a@b.example' }, token: 'T.K', messageIdHash: 'ab', date: new Date(0) });
    expect(m.from).toEqual({ name: 'Smith, Jones', address: 'desk@News.Example' });
    expect(m.html).toBe('<a href="https://news.example/a?b=1&amp;c/unsubscribe?token=T.K">x</a>');
    expect(m.text).toBe('u: https://news.example/a?b=1&c/unsubscribe?token=T.K');
    expect(m.messageId).toBe('<2025-03-10.ab@news.example>');
  });
});
