/**
 * Bounce and complaint processing from a mailbox: realistic multipart/report
 * messages (Postfix and Exim DSNs, a Yahoo-style ARF report) parsed with
 * mailparser, matched against send ledgers, applied to the suppression list,
 * through the command line (in-process: nothing here is about the process) on
 * a Maildir and an mbox.
 */
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { feedbackFile } from '../../src/deliver/audience/feedback.js';
import { suppressionFile } from '../../src/deliver/audience/suppression.js';
import { runInProcess } from '../support/cli.js';
import { readJsonLinesFile, tempDir } from '../support/fixtures.js';

const REPORTS = path.resolve('test/support/reports');
const report = (name: string): Promise<Buffer> => readFile(path.join(REPORTS, name));

let dir: string;
let state: string;

beforeEach(async () => {
  dir = await tempDir('bw-bounces-');
  state = path.join(dir, 'state');
  // What we sent: the editions the reports refer to.
  await writeLedger('2025-03-03', ['full@example.net', 'ann@example.com']);
  await writeLedger('2025-03-10', ['gone@example.org', 'angry@example.com', 'full@example.net', 'slow@example.org', 'ann@example.com']);
  await writeLedger('2025-03-17', ['full@example.net', 'ann@example.com']);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeLedger(date: string, to: string[]): Promise<void> {
  await mkdir(path.join(state, 'sends'), { recursive: true });
  const at = `${date}T09:00:00.000Z`;
  const lines = to.flatMap((t) => [{ type: 'attempt', to: t, at, try: 1 }, { type: 'sent', to: t, at, response: '250 OK' }]);
  await writeFile(path.join(state, 'sends', `${date}.jsonl`), lines.map((l) => JSON.stringify(l) + '\n').join(''));
}

async function maildir(names: string[]): Promise<string> {
  const md = path.join(dir, 'Maildir');
  await mkdir(path.join(md, 'new'), { recursive: true });
  await mkdir(path.join(md, 'cur'), { recursive: true });
  await mkdir(path.join(md, 'tmp'), { recursive: true });
  for (const [i, name] of names.entries()) await copyFile(path.join(REPORTS, name), path.join(md, 'new', `17415973${i}.M1P2.host,S=1`));
  return md;
}

const suppressionLines = () => readJsonLinesFile(suppressionFile(state));

const ALL = [
  'postfix-hard-bounce.eml',
  'exim-soft-bounce-1.eml',
  'exim-soft-bounce-2.eml',
  'exim-soft-bounce-3.eml',
  'yahoo-arf-complaint.eml',
  'postfix-unmatched-bounce.eml',
  'postfix-delay-warning.eml',
  'out-of-office.eml',
];

describe('briefwire bounces', () => {
  it('suppresses hard bounces, complaints and the third soft bounce; ignores the rest; a second read changes nothing', async () => {
    const md = await maildir(ALL);
    const first = await runInProcess(['bounces', '--maildir', md, '--state', state]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Read 8 messages (0 unreadable).');
    expect(first.stdout).toContain('Per verdict: hard 2, soft 3, complaint 1, ignored 2.');
    expect(first.stdout).toContain('Suppressed now: 1 hard bounce, 1 complaint, 1 soft bounce');
    expect(first.stdout).toMatch(/stranger@example\.org .*no message of ours/);
    expect(first.stdout).toContain('slow@example.org: delayed');
    expect(first.stdout).toMatch(/Per reason: .*userunknown 2/);

    const lines = await suppressionLines();
    expect(lines.map((l) => [l['address'], l['reason'], l['via']])).toEqual([
      ['gone@example.org', 'hard-bounce', 'dsn'],
      ['full@example.net', 'soft-bounce', 'dsn'],
      ['angry@example.com', 'complaint', 'arf'],
    ]);
    expect(lines[0]!['source']).toBe('<2025-03-10.0123456789abcdef0123456789abcdef@aicloudweekly.example>');
    expect(lines[2]!['source']).toBe('<2025-03-10.0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f@aicloudweekly.example>');

    const before = [await readFile(suppressionFile(state), 'utf8'), await readFile(feedbackFile(state), 'utf8')];
    const second = await runInProcess(['bounces', '--maildir', md, '--state', state]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Suppressed now: 0 hard bounce, 0 complaint, 0 soft bounce');
    expect(second.stdout).toContain('Read before (unchanged): 5');
    expect([await readFile(suppressionFile(state), 'utf8'), await readFile(feedbackFile(state), 'utf8')]).toEqual(before);
  });

  it('two soft bounces only count; the third, read later, suppresses', async () => {
    const md = await maildir(['exim-soft-bounce-1.eml', 'exim-soft-bounce-2.eml']);
    const first = await runInProcess(['bounces', '--maildir', md, '--state', state]);
    expect(first.stdout).toContain('Soft bounces counted, not yet suppressing: 2.');
    expect(await suppressionLines()).toEqual([]);
    await copyFile(path.join(REPORTS, 'exim-soft-bounce-3.eml'), path.join(md, 'cur', '1741597399.M9P9.host,S=1:2,S'));
    const second = await runInProcess(['bounces', '--maildir', md, '--state', state]);
    expect(second.stdout).toContain('1 soft bounce');
    expect((await suppressionLines()).map((l) => l['address'])).toEqual(['full@example.net']);
  });

  it('reads an mbox (mboxrd escaping undone) with the same result as the Maildir', async () => {
    const parts = await Promise.all(ALL.map((n) => report(n)));
    const mbox = parts
      .map((raw, i) => `From MAILER-DAEMON Mon Mar 10 09:0${i}:11 2025\n${raw.toString('utf8').replace(/^(>*From )/gm, '>$1')}\n`)
      .join('');
    const file = path.join(dir, 'bounces.mbox');
    await writeFile(file, mbox);
    const res = await runInProcess(['bounces', '--mbox', file, '--state', state]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Read 8 messages (0 unreadable).');
    expect((await suppressionLines()).map((l) => l['address']).sort()).toEqual(['angry@example.com', 'full@example.net', 'gone@example.org']);
  });

  it('bad input: a missing Maildir is a usage error, a file that is not an mbox is an error; nothing is written', async () => {
    const missing = await runInProcess(['bounces', '--maildir', path.join(dir, 'nope'), '--state', state]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('not a Maildir');
    const file = path.join(dir, 'notes.txt');
    await writeFile(file, 'Just some notes\nFrom the desk\n');
    const notMbox = await runInProcess(['bounces', '--mbox', file, '--state', state]);
    expect(notMbox.code).toBe(1);
    expect(notMbox.stderr).toContain('not an mbox file');
    const both = await runInProcess(['bounces', '--mbox', file, '--maildir', dir, '--state', state]);
    expect(both.code).toBe(2);
    expect(await readdir(state)).toEqual(['sends']);
  });

  it('--dry-run --json prints one decision per message and changes nothing, from a Maildir and from an mbox', async () => {
    const md = await maildir(ALL);
    const res = await runInProcess(['bounces', '--maildir', md, '--state', state, '--dry-run', '--json']);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(8);
    const gone = lines.find((l) => (l['recipients'] as string[]).includes('gone@example.org'))!;
    expect(gone).toMatchObject({ verdict: 'hard', reason: 'userunknown', matched: [true] });
    expect(String(gone['message'])).toContain(path.join(md, 'new'));
    expect(String(gone['diagnostic'])).toContain('User unknown');
    expect(lines.find((l) => (l['recipients'] as string[]).includes('stranger@example.org'))).toMatchObject({ matched: [false] });
    expect(res.stderr).toContain('Dry run: ');
    expect(await readdir(state)).toEqual(['sends']);

    const mbox = path.join(dir, 'bounces.mbox');
    const parts = await Promise.all(['out-of-office.eml', 'yahoo-arf-complaint.eml'].map((n) => report(n)));
    await writeFile(mbox, parts.map((raw) => `From MAILER-DAEMON Mon Mar 10 09:00:00 2025\n${raw.toString('utf8')}\n`).join(''));
    const fromMbox = await runInProcess(['bounces', '--mbox', mbox, '--state', state, '--dry-run', '--json']);
    const decided = fromMbox.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(decided.map((d) => [d['message'], d['verdict']])).toEqual([[1, 'ignored'], [2, 'complaint']]);
    expect(decided[1]).toMatchObject({ reason: 'feedback', recipients: ['angry@example.com'], matched: [true] });
    expect(await readdir(state)).toEqual(['sends']);
  });

  it('a refusal of our DKIM suppresses nobody and warns the operator; garbage and an unreadable entry are counted and named', async () => {
    await writeLedger('2025-03-24', ['kijitora@google.example.com']);
    const md = await maildir(['postfix-hard-bounce.eml']);
    await copyFile(path.resolve('test/fixtures/bounces/sisimai/rhost-google-03.eml'), path.join(md, 'new', '1741597500.M1P2.host,S=1'));
    await writeFile(path.join(md, 'new', '1741597600.M1P2.host,S=1'), Buffer.from([0x00, 0xff, 0xfe, 0x00]));
    await mkdir(path.join(md, 'new', '1741597700.M1P2.host,S=1'));
    const res = await runInProcess(['bounces', '--maildir', md, '--state', state]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Warning: 1 recipient\(s\) refused for reasons on our side \(authfailure 1\); nobody was suppressed/);
    expect(res.stdout).toContain('DKIM');
    expect(res.stdout).toContain('Read 4 messages (1 unreadable).');
    expect(res.stdout).toMatch(/1741597700\.M1P2\.host,S=1: cannot be read \(EISDIR\)/);
    expect(res.stdout).toMatch(/1741597600\.M1P2\.host,S=1: not a bounce or complaint report/);
    expect((await suppressionLines()).map((l) => l['address'])).toEqual(['gone@example.org']);
  });
});
