/**
 * `briefwire preview` as a command: spawns the compiled CLI (npm test runs
 * tsc first), reads the URL it prints, and stops it the way a person does.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../support/cli.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function briefwire(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('briefwire preview (CLI)', () => {
  // A cold CLI process and six real MJML renders: on a busy two-core machine that outlasts the default 60 s.
  it('prints a loopback URL, serves the preview, and exits 0 on Ctrl+C', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'briefwire-preview-cli-'));
    await cp(path.join(ROOT, 'content'), path.join(tmp, 'content'), { recursive: true });
    const args = ['preview', '--port', '0', '--content', path.join(tmp, 'content'), '--templates', path.join(ROOT, 'templates')];
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    /** Resolves when stdout matches; fails if the process exits first (the test timeout bounds the wait). */
    const printed = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(stdout);
          if (m) (child.stdout.off('data', check), resolve(m));
        };
        child.stdout.on('data', check);
        void exited.then((code) => reject(new Error(`exited with ${code} before printing ${pattern}; stdout: ${stdout} stderr: ${stderr}`)));
        check();
      });
    try {
      const url = (await printed(/at (http:\/\/127\.0\.0\.1:\d+\/)/))[1]!;
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('AI Cloud Weekly');
      // The first render is reported on the terminal.
      await printed(/Rendered 8 editions in \d+ ms/);
    } finally {
      child.kill('SIGINT');
      await exited;
      await rm(tmp, { recursive: true, force: true });
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  }, 180_000);

  it('rejects a bad port or a missing directory as usage errors (exit 2)', async () => {
    const port = await runInProcess(['preview', '--port', 'abc']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port must be a whole number from 0 to 65535');
    const dir = await runInProcess(['preview', '--port', '0', '--content', 'no-such-dir']);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain('no-such-dir: error[BW_DIR_MISSING]: --content: no such directory');
  });

  it('lists preview in the help', () => {
    expect(briefwire('--help').stdout).toMatch(/preview\s+Serve a live preview/);
  });
});
