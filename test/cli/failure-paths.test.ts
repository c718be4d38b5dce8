/**
 * Every failure a user can meet on the command line says what it is with a
 * stable BW_ code, and none prints "internal error" or a stack trace: damaged
 * state files, a port in use, an unreadable out/, missing templates, a bad
 * environment. In-process (runInProcess): what is under test is the
 * commands' output, not the process.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { journalFile } from '../../src/publish/journal.js';
import type { CliResult } from '../support/cli.js';
import { SAMPLE_CONTENT, SAMPLE_TEMPLATES } from '../support/fixtures.js';
import { setUpSend, useCliSandbox } from '../support/deliver.js';

/** The failure is a coded problem: the code named, no stack, no "internal error". */
function expectCoded(r: CliResult, code: string, exit = 1): void {
  const output = r.stdout + r.stderr;
  expect(output).toContain(`[${code}]`);
  expect(output).not.toContain('internal error');
  expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(r.code).toBe(exit);
}

const box = useCliSandbox();
let blocker: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
});

/** A port another server holds. */
async function portInUse(): Promise<number> {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
  return (blocker.address() as { port: number }).port;
}

async function maildir(): Promise<string> {
  const dir = path.join(box.dir, 'Maildir');
  for (const sub of ['new', 'cur', 'tmp']) await mkdir(path.join(dir, sub), { recursive: true });
  return dir;
}

describe('the CLI\'s failure paths', () => {
  it('damaged state files: bounces and send name the file and the code', async () => {
    const p = box.paths();
    const md = await maildir();
    await mkdir(path.join(p.state, 'feedback.jsonl'), { recursive: true });
    expectCoded(await box.run(['bounces', '--maildir', md, '--state', p.state]), 'BW_IO');

    const other = path.join(box.dir, 'state2');
    await mkdir(path.join(other, 'suppressed.jsonl'), { recursive: true });
    expectCoded(await box.run(['bounces', '--maildir', md, '--state', other]), 'BW_IO');

    // A garbage ledger line is a warning with its code, never silently dropped.
    const third = path.join(box.dir, 'state3');
    await mkdir(path.join(third, 'sends'), { recursive: true });
    await writeFile(path.join(third, 'sends', '2025-03-10.jsonl'), 'not json\n');
    const warned = await box.run(['bounces', '--maildir', md, '--state', third]);
    expect(warned.stderr).toContain(`${path.join(third, 'sends', '2025-03-10.jsonl')}:1: warning[BW_JSONL_LINE_SKIPPED]`);
    expect(warned.code).toBe(0);
  });

  it('a damaged suppression line stops a send before anything goes out, and the dry run says so', async () => {
    const p = box.paths();
    await setUpSend(p, '2025-03-10', 3);
    await mkdir(p.state, { recursive: true });
    await writeFile(path.join(p.state, 'suppressed.jsonl'), '{"address":"gone@readers.example","at":"2025-03-01T00:00:00Z","via":"form"}\n{"addre\n');
    const dry = await box.run(box.sendArgs('2025-03-10', ['--dry-run']), box.env());
    expectCoded(dry, 'BW_SUPPRESSION_LINE_DAMAGED');
    expect(dry.stderr).toContain('suppressed.jsonl:2: error[BW_SUPPRESSION_LINE_DAMAGED]');
    expectCoded(await box.run(box.sendArgs('2025-03-10'), box.env()), 'BW_SUPPRESSION_LINE_DAMAGED');
    expect(box.sink.received).toHaveLength(0);
  });

  it('a port in use: serve and preview', async () => {
    const p = box.paths();
    await mkdir(path.join(p.out, 'site'), { recursive: true });
    const port = String(await portInUse());
    expectCoded(await box.run(['serve', '--port', port, '--out', p.out, '--state', p.state, '--content', p.content], box.env()), 'BW_PORT_IN_USE');
    expectCoded(await box.run(['preview', '--port', port, '--content', SAMPLE_CONTENT, '--templates', SAMPLE_TEMPLATES]), 'BW_PORT_IN_USE');
    expectCoded(await box.run(['serve', '--port', '0', '--host', '192.0.2.1', '--out', p.out, '--state', p.state], box.env()), 'BW_LISTEN_FAILED');
  });

  it('an unreadable out/ and a damaged build journal', async () => {
    const p = box.paths();
    await setUpSend(p, '2025-03-10', 1);
    const notADir = path.join(box.dir, 'out-file');
    await writeFile(notADir, 'not a directory\n');
    expectCoded(await box.run(box.sendArgs('latest', ['--out', notADir, '--dry-run']), box.env()), 'BW_NO_BUILT_EDITIONS');
    await writeFile(journalFile(p.out), '{"moves": "half a journ');
    expectCoded(await box.run(box.sendArgs('latest', ['--dry-run']), box.env()), 'BW_BUILD_JOURNAL_DAMAGED');
  });

  it('missing templates: build, check and preview', async () => {
    const missing = path.join(box.dir, 'no-templates');
    const out = path.join(box.dir, 'out');
    expectCoded(await box.run(['build', '--content', SAMPLE_CONTENT, '--templates', missing, '--out', out]), 'BW_TEMPLATE_MISSING');
    expectCoded(await box.run(['check', '--content', SAMPLE_CONTENT, '--templates', missing]), 'BW_IO');
    expectCoded(await box.run(['preview', '--port', '0', '--content', SAMPLE_CONTENT, '--templates', missing]), 'BW_DIR_MISSING', 2);
  });

  it('a bad environment: no UNSUBSCRIBE_SECRET, a malformed SMTP_URL, an unknown transport, half the DKIM settings', async () => {
    const p = box.paths();
    await setUpSend(p, '2025-03-10', 1);
    const { UNSUBSCRIBE_SECRET: _secret, ...noSecret } = box.env();
    expectCoded(await box.run(box.sendArgs('2025-03-10'), noSecret), 'BW_UNSUBSCRIBE_SECRET');
    expectCoded(await box.run(box.sendArgs('2025-03-10'), box.env({ SMTP_URL: 'smtp://user:pa ss@[bad' })), 'BW_SMTP_URL_INVALID');
    expectCoded(await box.run(box.sendArgs('2025-03-10'), box.env({ MAIL_TRANSPORT: 'pigeon' })), 'BW_MAIL_TRANSPORT_UNKNOWN');
    expectCoded(await box.run(box.sendArgs('2025-03-10'), box.env({ DKIM_DOMAIN: 'aicloudweekly.example' })), 'BW_DKIM_INCOMPLETE');
    await mkdir(path.join(p.out, 'site'), { recursive: true });
    expectCoded(await box.run(['serve', '--port', '0', '--out', p.out, '--state', p.state], {}), 'BW_UNSUBSCRIBE_SECRET');
  });
});
