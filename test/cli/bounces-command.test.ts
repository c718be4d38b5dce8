/**
 * Bounce and complaint processing from a mailbox: realistic multipart/report
 * messages (Postfix and Exim DSNs, a Yahoo-style ARF report) parsed with
 * mailparser, matched against send ledgers, applied to the suppression list,
 * through the real CLI on a Maildir and an mbox.
 */
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { feedbackFile } from '../../src/deliver/audience/feedback.js';
import { suppressionFile } from '../../src/deliver/audience/suppression.js';
import { runCli } from '../support/cli.js';
import { readJsonLinesFile, tempDir } from '../support/fixtures.js';
import { cliAvailable } from '../support/deliver.js';

const REPORTS = path.resolve('test/support/reports');
const report = (name: string): Promise<Buffer> => readFile(path.join(REPORTS, name));

let dir: string;
let state: string;

beforeAll(() => {
  if (!cliAvailable()) throw new Error('dist/cli.js is missing: run "npx tsc -p tsconfig.json" first');
});

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
    const first = await runCli(['bounces', '--maildir', md, '--state', state], { cwd: dir, cleanEnv: true });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Read 8 messages: 7 reports, 1 other.');
    expect(first.stdout).toContain('Suppressed now: 1 hard bounce, 1 complaint, 1 soft bounce');
    expect(first.stdout).toMatch(/stranger@example\.org .*no message of ours/);
    expect(first.stdout).toContain('slow@example.org: a delay warning');
    expect(first.stdout).toContain('subject "Out of office: AI Cloud Weekly"');

    const lines = await suppressionLines();
    expect(lines.map((l) => [l['address'], l['reason'], l['via']])).toEqual([
      ['gone@example.org', 'hard-bounce', 'dsn'],
      ['full@example.net', 'soft-bounce', 'dsn'],
      ['angry@example.com', 'complaint', 'arf'],
    ]);
    expect(lines[0]!['source']).toBe('<2025-03-10.0123456789abcdef0123456789abcdef@aicloudweekly.example>');
    expect(lines[2]!['source']).toBe('<2025-03-10.0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f@aicloudweekly.example>');

    const before = [await readFile(suppressionFile(state), 'utf8'), await readFile(feedbackFile(state), 'utf8')];
    const second = await runCli(['bounces', '--maildir', md, '--state', state], { cwd: dir, cleanEnv: true });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Suppressed now: 0 hard bounce, 0 complaint, 0 soft bounce');
    expect(second.stdout).toContain('Read before (unchanged): 5');
    expect([await readFile(suppressionFile(state), 'utf8'), await readFile(feedbackFile(state), 'utf8')]).toEqual(before);
  });

  it('two soft bounces only count; the third, read later, suppresses', async () => {
    const md = await maildir(['exim-soft-bounce-1.eml', 'exim-soft-bounce-2.eml']);
    const first = await runCli(['bounces', '--maildir', md, '--state', state], { cwd: dir, cleanEnv: true });
    expect(first.stdout).toContain('Soft bounces counted, not yet suppressing: 2.');
    expect(await suppressionLines()).toEqual([]);
    await copyFile(path.join(REPORTS, 'exim-soft-bounce-3.eml'), path.join(md, 'cur', '1741597399.M9P9.host,S=1:2,S'));
    const second = await runCli(['bounces', '--maildir', md, '--state', state], { cwd: dir, cleanEnv: true });
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
    const res = await runCli(['bounces', '--mbox', file, '--state', state], { cwd: dir, cleanEnv: true });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Read 8 messages: 7 reports, 1 other.');
    expect((await suppressionLines()).map((l) => l['address']).sort()).toEqual(['angry@example.com', 'full@example.net', 'gone@example.org']);
  });

  it('bad input: a missing Maildir is a usage error, a file that is not an mbox is an error; nothing is written', async () => {
    const missing = await runCli(['bounces', '--maildir', path.join(dir, 'nope'), '--state', state], { cwd: dir, cleanEnv: true });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('not a Maildir');
    const file = path.join(dir, 'notes.txt');
    await writeFile(file, 'Just some notes\nFrom the desk\n');
    const notMbox = await runCli(['bounces', '--mbox', file, '--state', state], { cwd: dir, cleanEnv: true });
    expect(notMbox.code).toBe(1);
    expect(notMbox.stderr).toContain('not an mbox file');
    const both = await runCli(['bounces', '--mbox', file, '--maildir', dir, '--state', state], { cwd: dir, cleanEnv: true });
    expect(both.code).toBe(2);
    expect(await readdir(state)).toEqual(['sends']);
  });
});
