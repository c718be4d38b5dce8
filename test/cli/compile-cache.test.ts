/**
 * The CLI turns on V8's module compile cache where the runtime has it
 * (Node 22.1+) and runs exactly as before where it does not (Node 20). CI
 * runs this suite on both, so each side is asserted on its own runtime.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import module from 'node:module';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { tempDir } from '../support/fixtures.js';

const HAS_COMPILE_CACHE = typeof (module as unknown as { enableCompileCache?: unknown }).enableCompileCache === 'function';

let tmp: string;
beforeEach(async () => {
  tmp = await tempDir('bw-compile-cache-');
});
afterEach(async () => rm(tmp, { recursive: true, force: true }));

/** An environment whose temp directory is ours, so the default cache directory is too. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', TMPDIR: tmp, ...extra };
}

function cachedFiles(): string[] {
  try {
    return readdirSync(path.join(tmp, 'node-compile-cache'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
}

describe(`the module compile cache on Node ${process.versions.node}`, () => {
  it(HAS_COMPILE_CACHE ? 'is written by a command, in the default place' : 'is not there, and the command runs as before', () => {
    // --help loads every command's modules.
    const r = spawnSync(process.execPath, [CLI, '--help'], { env: env(), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('briefwire/');
    expect(r.status).toBe(0);
    if (HAS_COMPILE_CACHE) expect(cachedFiles().length).toBeGreaterThan(50);
    else expect(cachedFiles()).toEqual([]);
  });

  it('stays off when NODE_DISABLE_COMPILE_CACHE is set', () => {
    const r = spawnSync(process.execPath, [CLI, '--help'], { env: env({ NODE_DISABLE_COMPILE_CACHE: '1' }), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(cachedFiles()).toEqual([]);
  });

  it('hands its directory to worker threads (the MJML compiler, the file writer) through the environment', () => {
    const script = `const m = await import(${JSON.stringify(path.resolve('dist/cli/compile-cache.js'))});
      const directory = m.enableCompileCache() ?? null;
      console.log(JSON.stringify({ directory, inherited: process.env.NODE_COMPILE_CACHE ?? null }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: env(), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const seen = JSON.parse(r.stdout) as { directory: string | null; inherited: string | null };
    if (HAS_COMPILE_CACHE) {
      expect(seen.directory).toBe(path.join(tmp, 'node-compile-cache'));
      expect(seen.inherited).toBe(seen.directory);
    } else {
      expect(seen).toEqual({ directory: null, inherited: null });
    }
  });
});
