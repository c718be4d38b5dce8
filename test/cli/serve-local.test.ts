/**
 * The local recipe for trying `serve` (docs/audience.md): the documented
 * command's options, with a free port, run in-process against a loopback
 * smtp-server. Confirmation links point at the local server (--base-url), and
 * sign-ups past the limit per client address still get through
 * (--no-rate-limit); without that option the sixth one in ten minutes is refused.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../../src/cli/command-io.js';
import { runBriefwire } from '../../src/cli/run-briefwire.js';
import { CLI } from '../support/cli.js';
import { parse, useCliSandbox, writeContent } from '../support/deliver.js';
import { freePort } from '../support/postgres.js';

const box = useCliSandbox();

/** The `briefwire serve ...` line of the recipe in docs/audience.md, as arguments after "serve". */
async function documentedServeOptions(): Promise<string[]> {
  const doc = await readFile('docs/audience.md', 'utf8');
  const recipe = /### Trying it locally[\s\S]*?```sh\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  const line = recipe.split('\n').find((l) => l.startsWith('npx briefwire serve '));
  if (!line) throw new Error('docs/audience.md has no "npx briefwire serve" line in its local recipe');
  return line.replace(/#.*$/, '').trim().split(/\s+/).slice(3);
}

/** `briefwire serve` in this process; `stop` interrupts it as Ctrl-C would. */
function serveInProcess(args: string[], env: NodeJS.ProcessEnv): { url: Promise<string>; stop: () => Promise<number>; output: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let output = '';
  stdout.on('data', (d: Buffer) => (output += d.toString()));
  stderr.on('data', (d: Buffer) => (output += d.toString()));
  const handlers = new Set<(s: NodeJS.Signals) => void>();
  const io: CommandIo = {
    stdout,
    stderr,
    stdin: Readable.from([]),
    env: { PATH: process.env['PATH'] ?? '', ...env },
    onInterrupt: (h) => (handlers.add(h), () => handlers.delete(h)),
  };
  const exit = runBriefwire([process.execPath, CLI, 'serve', ...args], io);
  const url = new Promise<string>((resolve, reject) => {
    stdout.on('data', () => {
      const m = /on (http:\/\/\S+) /.exec(output);
      if (m) resolve(m[1]!);
    });
    void exit.then((code) => reject(new Error(`serve exited (${code}): ${output}`)));
  });
  return {
    url,
    output: () => output,
    stop: async () => {
      for (const h of [...handlers]) h('SIGINT');
      return exit;
    },
  };
}

const signUp = (url: string, email: string) =>
  fetch(`${url}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, website: '' }).toString() });

async function site(): Promise<void> {
  const p = box.paths();
  await writeContent(p.content);
  await mkdir(path.join(p.out, 'site'), { recursive: true });
  await writeFile(path.join(p.out, 'site', 'index.html'), '<h1>Archive</h1>');
}

describe('trying serve locally, as docs/audience.md says', () => {
  it('mails confirmation links to the local server, which confirm there, and takes more sign-ups than the public limit', async () => {
    await site();
    const p = box.paths();
    const port = await freePort();
    const documented = await documentedServeOptions();
    expect(documented).toEqual(expect.arrayContaining(['--base-url', '--no-rate-limit', '--port', '--state']));
    // The recipe as written, on a free port and with this test's state and folders.
    const args = documented.map((a) => a.replace('8080', String(port))).map((a, i, all) => (all[i - 1] === '--state' ? p.state : a));
    const serve = serveInProcess([...args, '--out', p.out, '--content', p.content], box.env());
    const url = await serve.url;
    try {
      expect(url).toBe(`http://127.0.0.1:${port}`);
      expect(serve.output()).toContain(`Confirmation links point at http://127.0.0.1:${port} (--base-url)`);
      for (let i = 0; i < 8; i++) expect((await signUp(url, `trial${i}@example.org`)).status).toBe(200);
      expect(box.sink.received).toHaveLength(8);
      const text = (await parse(box.sink.received[0]!.raw)).text ?? '';
      const link = new RegExp(`http://127\\.0\\.0\\.1:${port}/confirm\\?token=[A-Za-z0-9_%-]+`).exec(text)?.[0];
      expect(link, text).toBeDefined();
      expect(text).not.toContain('aicloudweekly.example/confirm');
      expect((await fetch(link!)).status).toBe(200);
      const token = decodeURIComponent(new URL(link!).searchParams.get('token')!);
      const confirmed = await fetch(`${url}/confirm`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
      expect(await confirmed.text()).toContain('trial0@example.org will receive');
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    await writeFile(p.subscribers, 'email,name\n');
    const count = await box.run(['subscribers', '--state', p.state, '--subscribers', p.subscribers]);
    expect(count.stdout, count.stderr).toContain('Confirmed through the form: 1');
  });

  it('without --no-rate-limit the sixth sign-up from one address in ten minutes gets 429', async () => {
    await site();
    const p = box.paths();
    const serve = serveInProcess(['--port', '0', '--out', p.out, '--content', p.content, '--state', p.state], box.env());
    const url = await serve.url;
    try {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await signUp(url, `limited${i}@example.org`)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      expect(serve.output()).not.toContain('--base-url');
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('refuses a --base-url that is not an http(s) URL, with its code (exit 2)', async () => {
    await site();
    const p = box.paths();
    for (const bad of ['127.0.0.1:8080', 'ftp://127.0.0.1/', 'http://127.0.0.1:8080/?x=1']) {
      const r = await box.run(['serve', '--base-url', bad, '--out', p.out, '--state', p.state, '--content', p.content], box.env());
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain('error[BW_SERVE_BASE_URL_INVALID]');
    }
  });
});
