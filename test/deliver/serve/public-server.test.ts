/**
 * The unsubscribe endpoint and static archive, over real HTTP on loopback.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { suppressionFile } from '../../../src/deliver/audience/suppression.js';
import type { RunningServer } from '../../../src/deliver/serve/public-server.js';
import { createLegacyUnsubscribeToken, createUnsubscribeToken, LEGACY_TOKENS_ACCEPTED_UNTIL } from '../../../src/deliver/audience/unsubscribe-token.js';
import { listeningUrl, runInProcess, startCli } from '../../support/cli.js';
import { readJsonLinesFile, tempDir } from '../../support/fixtures.js';
import { cliAvailable, closeAndRemove, SECRET, startTestServer } from '../../support/deliver.js';

let dir: string;
let server: RunningServer;

beforeEach(async () => {
  dir = await tempDir('bw-serve-');
  await mkdir(path.join(dir, 'site', 'editions'), { recursive: true });
  await writeFile(path.join(dir, 'site', 'index.html'), '<h1>Archive</h1>');
  await writeFile(path.join(dir, 'site', '.env'), 'NOT=public');
  server = await startTestServer(path.join(dir, 'state'), { siteDir: path.join(dir, 'site') });
});

afterEach(() => closeAndRemove(server, dir));

const suppressed = async (): Promise<string[]> => (await readJsonLinesFile(suppressionFile(path.join(dir, 'state')))).map((r) => r['address']!);

const oneClick = (token: string) =>
  fetch(`${server.url}/unsubscribe?token=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });

describe('unsubscribe endpoint', () => {
  it('GET shows a confirmation form and changes nothing', async () => {
    const token = createUnsubscribeToken('ann@example.com', SECRET);
    const res = await fetch(`${server.url}/unsubscribe?token=${token}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<form method="post" action="unsubscribe">');
    expect(html).toContain(`name="token" value="${token}"`);
    expect(html).toContain('ann@example.com');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await suppressed()).toEqual([]);
  });

  it('one-click POST suppresses exactly that address, once', async () => {
    const res = await oneClick(createUnsubscribeToken('Ann@Example.com', SECRET));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('has been unsubscribed');
    expect(await suppressed()).toEqual(['ann@example.com']);
    const again = await oneClick(createUnsubscribeToken('ann@example.com', SECRET));
    expect(await again.text()).toContain('already unsubscribed');
    expect(await suppressed()).toEqual(['ann@example.com']);
    const line = JSON.parse((await readFile(suppressionFile(path.join(dir, 'state')), 'utf8')).trim()) as { via: string };
    expect(line.via).toBe('one-click');
  });

  it('the confirmation form (token in the body) works, also under a path prefix', async () => {
    const res = await fetch(`${server.url}/ai-cloud-weekly/unsubscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: createUnsubscribeToken('bob@example.org', SECRET) }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await suppressed()).toEqual(['bob@example.org']);
  });

  it('refuses forged, tampered, spliced, foreign-secret and missing tokens with 400 and writes nothing', async () => {
    const ann = createUnsubscribeToken('ann@example.com', SECRET);
    const raw = Buffer.from(ann, 'base64url');
    const flipped = Buffer.from(raw);
    flipped[raw.length - 20] = flipped[raw.length - 20]! ^ 0x40; // a ciphertext byte
    const bad = [
      `${Buffer.from('ann@example.com').toString('base64url')}.${Buffer.alloc(32, 7).toString('base64url')}`, // forged legacy MAC
      flipped.toString('base64url'),
      ann.slice(0, -2),
      createUnsubscribeToken('ann@example.com', 'some-other-secret-123456'),
      '',
    ];
    for (const token of bad) {
      const res = await oneClick(token);
      expect(res.status, token).toBe(400);
      const get = await fetch(`${server.url}/unsubscribe?token=${encodeURIComponent(token)}`);
      expect(get.status).toBe(400);
    }
    const noToken = await fetch(`${server.url}/unsubscribe`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(noToken.status).toBe(400);
    expect(await suppressed()).toEqual([]);
    expect((await fetch(`${server.url}/unsubscribe?token=${ann}`, { method: 'PUT' })).status).toBe(405);
  });

  it('a link mailed before sealing unsubscribes until the cut-off, then gets an "expired" page and writes nothing', async () => {
    const legacy = createLegacyUnsubscribeToken('old@example.com', SECRET);
    let now = new Date(LEGACY_TOKENS_ACCEPTED_UNTIL.getTime() - 60_000);
    const clocked = await startTestServer(path.join(dir, 'state'), { now: () => now });
    try {
      const post = (token: string) => fetch(`${clocked.url}/unsubscribe?token=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      expect((await post(legacy)).status).toBe(200);
      expect(await suppressed()).toEqual(['old@example.com']);
      now = LEGACY_TOKENS_ACCEPTED_UNTIL;
      const late = createLegacyUnsubscribeToken('later@example.com', SECRET);
      const expired = await post(late);
      expect(expired.status).toBe(410);
      const html = await expired.text();
      expect(html).toContain('no longer works');
      expect(html).toContain('reply to any issue');
      expect((await fetch(`${clocked.url}/unsubscribe?token=${late}`)).status).toBe(410);
      expect(await suppressed()).toEqual(['old@example.com']);
    } finally {
      await clocked.close();
    }
  });

  it('serves the archive but not dotfiles', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('Archive');
    expect((await fetch(`${server.url}/.env`)).status).toBe(404);
    expect((await fetch(`${server.url}/missing`)).status).toBe(404);
    await writeFile(path.join(dir, 'site', '404.html'), '<h1>Not in the archive</h1>');
    const missing = await fetch(`${server.url}/missing`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Not in the archive');
    // The site is rebuilt under a running server; new files show up without a restart.
    await writeFile(path.join(dir, 'site', 'editions', 'new.html'), 'fresh');
    expect(await (await fetch(`${server.url}/editions/new`)).text()).toBe('fresh');
  });

  it('briefwire serve refuses to start without the built site (exit 2), instead of serving 404s', async () => {
    if (!cliAvailable()) throw new Error('dist/cli.js is missing: run tsc first');
    const out = path.join(dir, 'never-built');
    // In-process: without the check the server would start and the test would time out.
    const r = await runInProcess(['serve', '--port', '0', '--out', out, '--state', path.join(dir, 'state')], { env: { UNSUBSCRIBE_SECRET: SECRET } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(out, 'site')}: error[BW_DIR_MISSING]: site: no such directory\n  hint: serve needs the archive that "briefwire build" writes`);
    expect(r.stdout).not.toContain('Serving');
  });

  it('briefwire serve needs UNSUBSCRIBE_SECRET, then serves until SIGTERM', async () => {
    if (!cliAvailable()) throw new Error('dist/cli.js is missing: run tsc first');
    const args = ['serve', '--port', '0', '--out', dir, '--state', path.join(dir, 'state'), '--content', path.join(dir, 'no-content')];
    const refused = await startCli(args, { cwd: dir, cleanEnv: true }).done;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/UNSUBSCRIBE_SECRET: error\[BW_UNSUBSCRIBE_SECRET\]: is not set/);

    const running = startCli(args, { cwd: dir, env: { UNSUBSCRIBE_SECRET: SECRET }, cleanEnv: true });
    const url = await listeningUrl(running.child);
    const direct = await fetch(`${url}/unsubscribe?token=${encodeURIComponent(createUnsubscribeToken('dee@example.com', SECRET))}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(direct.status).toBe(200);
    running.child.kill('SIGTERM');
    const done = await running.done;
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/unsubscribed d\*\*\*@example\.com \(one-click\)/);
    // What is wrong with newsletter.yml is shown, not just counted; serving goes on regardless.
    const newsletterFile = path.join(dir, 'no-content', 'newsletter.yml');
    expect(done.stderr).toContain(`${newsletterFile}: error[BW_IO]: not found\n`);
    expect(done.stderr).toContain(`${newsletterFile}: warning[BW_SERVE_WITHOUT_NAME]: serving anyway; the pages say "this newsletter"`);
  });
});
