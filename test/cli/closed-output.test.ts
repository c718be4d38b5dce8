/**
 * A reader that stops reading (`briefwire schedule | head -1`) must not make
 * the CLI print a stack trace: the compiled CLI, a real pipe, a real `head`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { makeContent } from '../support/fixtures.js';

let content: string;
beforeEach(async () => {
  content = await makeContent({});
});
afterEach(async () => rm(content, { recursive: true, force: true }));

const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', BRIEFWIRE_NOW: '2026-12-01T10:00:00Z' };

describe('closed stdout', () => {
  it('`schedule | head -1` prints one line and no stack trace', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" schedule --count 520 --content "${content}" | head -1`], { env, encoding: 'utf8' });
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stdout).toMatch(/^Test Weekly sends every Monday/);
    expect(r.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
  });

  it('a pipe closed before the first write ends the command quietly with its normal exit code', async () => {
    const child = spawn(process.execPath, [CLI, 'schedule', '--count', '520', '--content', content], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Close our end at once: every write the CLI makes meets a closed pipe (EPIPE), deterministically.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
