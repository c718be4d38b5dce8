/**
 * The copy-paste check must be able to fail: jscpd with the project's own
 * .jscpd.json on a scratch tree, once with a planted clone (a function
 * copied from src/ into bench/), once with what the config lets through
 * (a short repeat, two modules importing the same names).
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir, writeTree } from '../support/fixtures.js';

const ROOT = path.resolve('.');
const JSCPD = path.join(ROOT, 'node_modules', '.bin', 'jscpd');

let dir = '';
useTempDir('bw-duplicates-', (d) => (dir = d));

async function jscpd(files: Record<string, string>): Promise<{ status: number | null; output: string }> {
  for (const d of ['src', 'test', 'bench']) await mkdir(path.join(dir, d), { recursive: true });
  await copyFile(path.join(ROOT, '.jscpd.json'), path.join(dir, '.jscpd.json'));
  await writeTree(dir, files);
  const r = spawnSync(JSCPD, [], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

/** A function of real size (about 60 tokens over 9 lines), the kind a copy-paste repeats. */
const WEIGHTED_MEAN = `export function weightedMean(values: number[], weights: number[]): number {
  let total = 0;
  let weight = 0;
  for (let i = 0; i < values.length; i++) {
    total += values[i]! * (weights[i] ?? 0);
    weight += weights[i] ?? 0;
  }
  return weight === 0 ? 0 : total / weight;
}
`;

const IMPORTS = "import { readFile, writeFile, mkdir, rm, stat, readdir } from 'node:fs/promises';\nimport { join, dirname, basename, relative } from 'node:path';\n";

describe('copy-paste check (jscpd, .jscpd.json)', () => {
  it('fails on a function copied from src/ into bench/, naming both files', async () => {
    const r = await jscpd({
      'src/compute/mean.ts': `${WEIGHTED_MEAN}\nexport const one = 1;\n`,
      'bench/mean-bench.ts': `export const two = 2;\n\n${WEIGHTED_MEAN}`,
    });
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/Found 1 clones?\./);
    expect(r.output).toContain('src/compute/mean.ts');
    expect(r.output).toContain('bench/mean-bench.ts');
  });

  it('passes a repeat below the threshold and import lists two modules share', async () => {
    const r = await jscpd({
      'src/a/one.ts': `${IMPORTS}export const a = (x: number): number => x + 1;\n`,
      'src/b/two.ts': `${IMPORTS}export const b = (x: number): number => x + 1;\n`,
      'test/mean.test.ts': WEIGHTED_MEAN,
    });
    expect(r.output).toContain('Found 0 clones.');
    expect(r.status).toBe(0);
  });
});
