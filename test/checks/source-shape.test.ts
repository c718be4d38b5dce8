/**
 * scripts/check-source-shape.mjs must be able to fail: run it on scratch trees
 * holding a long function (in src/ or bench/), a stale allow-list entry and two modules with one
 * file name.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../support/fixtures.js';

const SCRIPT = path.resolve('scripts/check-source-shape.mjs');

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const fn = (name: string, lines: number) => `export function ${name}(): number {\n${'  void 0;\n'.repeat(lines - 3)}  return 1;\n}\n`;

async function check(files: Record<string, string>, allow: Record<string, number> = {}): Promise<{ status: number | null; output: string }> {
  dir = await tempDir('bw-shape-');
  for (const d of ['src', 'bench', 'test']) await mkdir(path.join(dir, d), { recursive: true });
  await writeFile(path.join(dir, 'function-size-allow.json'), JSON.stringify({ functions: allow }));
  await writeTree(dir, files);
  const r = spawnSync(process.execPath, [SCRIPT], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('source shape check', () => {
  it('passes functions of up to 80 lines and distinct file names', async () => {
    const r = await check({ 'src/a/one.ts': fn('short', 80), 'src/b/two.ts': fn('other', 10) });
    expect(r.output).toContain('source shape ok');
    expect(r.status).toBe(0);
  });

  it('holds bench/ to the same length: a long benchmark function fails the check', async () => {
    const r = await check({ 'src/a/one.ts': fn('short', 10), 'bench/run-bench.ts': fn('runBench', 84) });
    expect(r.status).toBe(1);
    expect(r.output).toContain('bench/run-bench.ts:1: runBench is 84 lines (at most 80): split it');
    expect(r.output).not.toContain('source shape ok');
  });

  it('names a long function, a method, a stale allow-list entry and a shared file name', async () => {
    const method = `export class Box {\n  big(): void {\n${'    void 0;\n'.repeat(80)}  }\n}\n`;
    const r = await check(
      {
        'src/a/long.ts': fn('tooLong', 81),
        'src/a/box.ts': method,
        'src/a/listed.ts': fn('listed', 90),
        'src/a/names.ts': 'export {};\n',
        'src/b/names.ts': 'export {};\n',
      },
      { 'src/a/listed.ts:listed': 85, 'src/a/gone.ts:split': 120 },
    );
    expect(r.status).toBe(1);
    expect(r.output).toContain('src/a/long.ts:1: tooLong is 81 lines (at most 80)');
    expect(r.output).toContain('src/a/box.ts:2: Box.big is 82 lines');
    expect(r.output).toContain('src/a/listed.ts:1: listed grew to 90 lines (allow-listed at 85');
    expect(r.output).toContain('src/a/gone.ts:split is now at most 80 lines or gone: remove it');
    expect(r.output).toContain('same file name: src/a/names.ts, src/b/names.ts');
  });
});
