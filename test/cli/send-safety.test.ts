/**
 * Safe operation of `briefwire send` through the compiled CLI and a real SMTP
 * server on loopback: confirmation, stale builds, the dry run's preflight, and
 * due slots that report a missing edition once.
 */
import { existsSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askToSend, type SendPreview } from '../../src/cli/confirm-send.js';
import { build } from '../../src/pipeline/build.js';
import { SAMPLE_TEMPLATES } from '../support/fixtures.js';
import { startSink, useCliSandbox, writeContent, writeEdition, writeSubscribers } from '../support/deliver.js';
import { runInProcess } from '../support/cli.js';

const box = useCliSandbox();
const { paths, sendArgs, env, run } = box;
const LONDON_MONDAY_8 = { weekday: 1, time: '08:00', timezone: 'Europe/London' };

/** Content, one built edition and `readers` subscribers: a send ready to go. */
async function readyToSend(p: ReturnType<typeof paths>, readers: number): Promise<void> {
  await writeContent(p.content);
  await writeEdition(p.out, '2025-03-10');
  await writeSubscribers(p.subscribers, readers);
}

/** sendArgs without the --yes it adds for the other tests. */
const unconfirmed = (which: string, extra: string[] = []) => sendArgs(which, extra).filter((a) => a !== '--yes');

describe('send confirmation', () => {
  it('without a terminal and without --yes, sends and records nothing (exit 2)', async () => {
    const p = paths();
    await readyToSend(p, 3);
    const r = await run(unconfirmed('latest'), env());
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('--yes');
    expect(box.sink.received).toHaveLength(0);
    expect(existsSync(p.state)).toBe(false);
    const confirmed = await run([...unconfirmed('latest'), '--yes'], env());
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(box.sink.received).toHaveLength(3);
  });

  it('declined at the terminal, sends and records nothing and exits 2, the code the README gives a send without confirmation', async () => {
    const p = paths();
    await readyToSend(p, 3);
    const r = await runInProcess(unconfirmed('latest'), { env: env(), terminalInput: 'n\n' });
    expect(r.stderr).toContain('Send edition 2025-03-10 to 3 recipients now? [y/N]');
    expect(r.stderr).toContain('Not sent; nothing recorded.');
    expect(r.code).toBe(2);
    expect(box.sink.received).toHaveLength(0);
    expect(existsSync(path.join(p.state, 'sends'))).toBe(false);
    const readme = await readFile('README.md', 'utf8');
    expect(readme).toMatch(/`2` bad usage[^`]*declined\s+at the prompt/);
    expect(await readFile('docs/sending.md', 'utf8')).toMatch(/declined[^.]*exits 2|exits 2[^.]*declined/);
  });

  it('a rerun with nothing left to send says so and asks nothing, at a terminal or without one', async () => {
    const p = paths();
    await readyToSend(p, 3);
    expect((await run(sendArgs('latest'), env())).code).toBe(0);
    expect(box.sink.received).toHaveLength(3);
    for (const terminalInput of ['y\n', undefined]) {
      const again = await runInProcess(unconfirmed('latest'), { env: env(), ...(terminalInput ? { terminalInput } : {}) });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('Nothing to send: edition 2025-03-10 has no recipient left (3 already sent, 0 suppressed, 0 failed earlier, 0 unknown, of 3 in the list).');
      expect(again.stderr).not.toContain('now? [y/N]');
      expect(again.stderr).not.toContain('--yes');
    }
    expect(box.sink.received).toHaveLength(3);
  });

  it('asks at a terminal, showing edition, subject, counts and SMTP host; only "y" or "yes" sends', async () => {
    const preview: SendPreview = { date: '2025-03-10', number: 4, subject: 'Cloud weekly', toSend: 2, total: 3, suppressed: 1, alreadySent: 0, smtp: 'smtp://127.0.0.1:2525', subscribersFile: 'subscribers.csv' };
    const ask = async (answer: string | null) => {
      const input = Object.assign(new PassThrough(), { isTTY: answer !== null });
      const output = new PassThrough();
      let shown = '';
      output.on('data', (d: Buffer) => (shown += d.toString()));
      const result = askToSend(preview, { input, output });
      if (answer !== null) input.end(`${answer}\n`);
      return { result: await result, shown };
    };
    const yes = await ask('y');
    expect(yes.result).toBe('yes');
    expect(yes.shown).toContain('Edition    2025-03-10 (#4)');
    expect(yes.shown).toContain('Subject    Cloud weekly');
    expect(yes.shown).toContain('Recipients 2 to send, of 3 in subscribers.csv (1 suppressed, 0 already sent)');
    expect(yes.shown).toContain('SMTP       smtp://127.0.0.1:2525');
    expect(yes.shown).toContain('Send edition 2025-03-10 to 2 recipients now? [y/N]');
    expect((await ask('YES')).result).toBe('yes');
    expect((await ask('')).result).toBe('no');
    expect((await ask('nope')).result).toBe('no');
    expect((await ask(null)).result).toBe('no-terminal');
  });
});

describe('stale builds', () => {
  it('refuses to send, dry-run or --due an edition whose brief changed since the build, naming the file; a rebuild clears it', async () => {
    const p = paths();
    await writeContent(p.content, LONDON_MONDAY_8);
    const templates = path.join(box.dir, 'templates');
    await cp(SAMPLE_TEMPLATES, templates, { recursive: true });
    const briefFile = path.join(p.content, 'editions', '2025-03-10.md');
    await writeSubscribers(p.subscribers, 2);
    // The build runs in-process: what matters here is the fingerprint it leaves in out/.
    const built = await build({ contentDir: p.content, templatesDir: templates, outDir: p.out });
    expect(built.ok, JSON.stringify(built.problems)).toBe(true);

    await writeFile(briefFile, (await readFile(briefFile, 'utf8')).replace('title: A brief', 'title: A better brief'));
    const send = await run(sendArgs('2025-03-10'), env());
    expect(send.code).toBe(1);
    expect(send.stderr).toContain(`${briefFile} (changed)`);
    expect(send.stderr).toContain('briefwire build');
    const dry = await run(sendArgs('2025-03-10', ['--dry-run']), env());
    expect(dry.code).toBe(1);
    expect(dry.stderr).toContain(`${briefFile} (changed)`);
    const due = await run(sendArgs('latest', ['--due']), env({ BRIEFWIRE_NOW: '2025-03-10T09:00:00Z' }));
    expect(due.code).toBe(1);
    expect(due.stderr.trim().split('\n')).toHaveLength(1);
    expect(due.stderr).toContain(`${briefFile} (changed)`);
    expect(box.sink.received).toHaveLength(0);
    expect(existsSync(path.join(p.state, 'sends'))).toBe(false);

    expect((await build({ contentDir: p.content, templatesDir: templates, outDir: p.out })).ok).toBe(true);
    const after = await run(sendArgs('2025-03-10'), env());
    expect(after.code, after.stderr).toBe(0);
    expect(box.sink.received).toHaveLength(2);
  }, 180_000); // two real builds and four CLI runs
});

describe('dry-run preflight', () => {
  it('reports every missing setting and file at once and exits 1', async () => {
    const p = paths();
    await writeContent(p.content);
    await writeEdition(p.out, '2025-03-10');
    const r = await run(sendArgs('latest', ['--dry-run']), {});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^SMTP_URL: error\[BW_SMTP_URL_MISSING\]/m);
    expect(r.stderr).toMatch(/^UNSUBSCRIBE_SECRET: error\[BW_UNSUBSCRIBE_SECRET\]: is not set/m);
    expect(r.stderr).toContain(p.subscribers);
  });

  it('passes with everything in place, and --verify connects to the SMTP server', async () => {
    const p = paths();
    await readyToSend(p, 2);
    const r = await run(sendArgs('latest', ['--dry-run', '--verify']), env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Dry run: nothing sent, nothing recorded.');
    expect(r.stdout).toContain(`Verified  connected to smtp://127.0.0.1:${box.sink.port} (SMTP_URL names no user, so no login)\n`);
    // Without --verify nothing connects, and nothing says it did.
    expect((await run(sendArgs('latest', ['--dry-run']), env())).stdout).not.toContain('Verified');
    // With a login: the line says so, and names neither the user nor the password.
    const guarded = await startSink({ auth: { user: 'sender-name', pass: 'pa55-word' } });
    try {
      const login = await run(sendArgs('latest', ['--dry-run', '--verify']), env({ SMTP_URL: `smtp://sender-name:pa55-word@127.0.0.1:${guarded.port}` }));
      expect(login.code, login.stderr).toBe(0);
      expect(login.stdout).toMatch(new RegExp(`^Verified  connected to smtp://127\\.0\\.0\\.1:${guarded.port} and logged in$`, 'm'));
      expect(login.stdout + login.stderr).not.toMatch(/sender-name|pa55-word/);
      const wrong = await run(sendArgs('latest', ['--dry-run', '--verify']), env({ SMTP_URL: `smtp://sender-name:wrong@127.0.0.1:${guarded.port}` }));
      expect(wrong.code).toBe(1);
      expect(wrong.stdout).not.toContain('Verified');
    } finally {
      await guarded.close();
    }
    const refused = await run(sendArgs('latest', ['--dry-run', '--verify']), env({ SMTP_URL: 'smtp://127.0.0.1:1' }));
    expect(refused.code).toBe(1);
    expect(box.sink.received).toHaveLength(0);
  });
});

describe('dry-run preflight: the numbers audit', () => {
  it('a published brief with a scaffold TODO left in fails the dry run, naming the brief and line; a draft does not', async () => {
    const p = paths();
    await readyToSend(p, 2);
    const brief = path.join(p.content, 'editions', '2025-03-10.md');
    await writeFile(brief, '---\ntitle: A brief\n---\n\nBody text. TODO: the market figure.\n');
    const r = await run(sendArgs('latest', ['--dry-run']), env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${brief.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+: error\\[BW_AUDIT_PLACEHOLDER\\]`, 'm'));
    expect(box.sink.received).toHaveLength(0);

    await writeFile(path.join(p.content, 'editions', '2025-03-17.md'), '---\ntitle: Next\ndraft: true\n---\n\nTODO everything.\n');
    await writeFile(brief, '---\ntitle: A brief\n---\n\nBody text.\n');
    const clean = await run(sendArgs('latest', ['--dry-run']), env());
    expect(clean.stderr).not.toContain('BW_AUDIT_PLACEHOLDER');
    expect(clean.code, clean.stderr).toBe(0);
  });
});

describe('send --due with no edition for the slot', () => {
  it('reports a missing edition once per slot, then stays quiet with exit 0 until the next slot', async () => {
    const p = paths();
    await writeContent(p.content, LONDON_MONDAY_8);
    await writeEdition(p.out, '2025-03-03');
    await writeSubscribers(p.subscribers, 2);
    const tick = (now: string) => run(sendArgs('latest', ['--due']), env({ BRIEFWIRE_NOW: now }));
    const first = await tick('2025-03-10T08:05:00Z');
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('no built edition for the slot Mon 2025-03-10 08:00');
    for (const now of ['2025-03-10T08:10:00Z', '2025-03-12T12:00:00Z']) {
      const later = await tick(now);
      expect(later.code, later.stderr).toBe(0);
      expect(later.stdout + later.stderr).toBe('');
    }
    const nextSlot = await tick('2025-03-17T08:05:00Z');
    expect(nextSlot.code).toBe(1);
    expect(nextSlot.stderr).toContain('no built edition for the slot Mon 2025-03-17 08:00');
    expect(box.sink.received).toHaveLength(0);
  });

  it('a skipped slot is never reported, even with its edition built', async () => {
    const p = paths();
    await writeContent(p.content, LONDON_MONDAY_8);
    await writeEdition(p.out, '2025-03-10');
    await writeSubscribers(p.subscribers, 2);
    expect((await run(['skip', '2025-03-10', '--content', p.content, '--out', p.out, '--state', p.state])).code).toBe(0);
    const r = await run(sendArgs('latest', ['--due']), env({ BRIEFWIRE_NOW: '2025-03-10T08:05:00Z' }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('skipped');
    expect(box.sink.received).toHaveLength(0);
  });
});
