/**
 * The benchmarks run on an archive generated from the sample (its settings,
 * registry and prose, with synthetic figures). A change to the sample can
 * break that archive without breaking the sample itself: a brief that quotes
 * a new metric, a derived metric, a longer email. This builds a small one,
 * long enough to reuse every sample brief's prose, so `npm run bench` is not
 * the first to find out.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateArchive } from '../../bench/generate-archive.js';
import { renderAll } from '../../src/pipeline/build.js';
import { SAMPLE_CONTENT, SAMPLE_TEMPLATES, tempDir } from '../support/fixtures.js';

describe('the benchmarks\' generated archive', () => {
  it('builds without an error, every sample brief\'s prose used at least once', { timeout: 180_000 }, async () => {
    const samples = (await readdir(path.join(SAMPLE_CONTENT, 'editions'))).filter((f) => f.endsWith('.md')).length;
    const dir = await tempDir();
    await generateArchive(dir, samples + 3);
    const r = await renderAll({ contentDir: dir, templatesDir: SAMPLE_TEMPLATES });
    // Warnings are the synthetic figures' own (a derived metric whose inputs a week did not all report); an error stops a benchmark.
    expect(r.problems.filter((p) => p.severity === 'error').map((p) => `${p.code} ${p.file ?? ''}: ${p.message}`)).toEqual([]);
    expect('files' in r).toBe(true);
  });
});
