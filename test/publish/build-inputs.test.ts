/**
 * The build's input fingerprint: recorded by a real build of the sample, then
 * compared after real edits to its files.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build } from '../../src/pipeline/build.js';
import { BUILD_INPUTS_FILE, checkBuildInputs, compareInputs, type BuildInputs } from '../../src/publish/build-inputs.js';
import { buildFreshnessProblems } from '../../src/deliver/send/preflight.js';
import { copySample } from '../support/fixtures.js';

let sample: Awaited<ReturnType<typeof copySample>>;
beforeEach(async () => {
  sample = await copySample();
});
afterEach(async () => rm(sample.root, { recursive: true, force: true }));

const FIRST = '2025-09-15';
const LAST = '2026-01-26';

describe('build input fingerprint', () => {
  it('a build records every input; an edit marks the editions that depend on it, and only those', async () => {
    const report = await build({ contentDir: sample.content, templatesDir: sample.templates, outDir: sample.out });
    expect(report.ok, JSON.stringify(report.problems)).toBe(true);
    const recorded = JSON.parse(await readFile(path.join(sample.out, BUILD_INPUTS_FILE), 'utf8')) as BuildInputs;
    const brief = path.join(sample.content, 'editions', '2026-01-19-qwen-700-million-downloads.md');
    expect(Object.keys(recorded.files)).toEqual(expect.arrayContaining([path.join(sample.content, 'newsletter.yml'), path.join(sample.content, 'metrics.yml'), brief, path.join(sample.templates, 'email.mjml.hbs')]));
    expect(await checkBuildInputs(sample.out, LAST)).toEqual({ kind: 'fresh' });

    // The title of the 2026-01-19 brief changes without a rebuild.
    const text = await readFile(brief, 'utf8');
    await writeFile(brief, text.replace(/^title: .*$/m, 'title: A new title'));
    expect(await checkBuildInputs(sample.out, LAST)).toEqual({ kind: 'stale', changes: [{ file: brief, change: 'changed' }] });
    // An earlier edition does not depend on a later brief.
    expect(await checkBuildInputs(sample.out, FIRST)).toEqual({ kind: 'fresh' });

    // A template change affects every edition; a new brief counts for editions on or after its date.
    await writeFile(path.join(sample.templates, 'partials', 'extra.mjml.hbs'), '<mj-text>x</mj-text>');
    const added = path.join(sample.content, 'editions', '2025-10-01-inserted.md');
    await writeFile(added, '---\ntitle: Inserted\n---\nText.\n');
    const first = await checkBuildInputs(sample.out, FIRST);
    expect(first).toEqual({ kind: 'stale', changes: [{ file: path.join(sample.templates, 'partials', 'extra.mjml.hbs'), change: 'added' }] });
    const last = await checkBuildInputs(sample.out, LAST);
    expect(last.kind === 'stale' && last.changes.map((c) => c.change)).toEqual(['added', 'changed', 'added']);

    // Rebuilding makes it fresh again.
    await rm(added);
    await rm(path.join(sample.templates, 'partials', 'extra.mjml.hbs'));
    expect((await build({ contentDir: sample.content, templatesDir: sample.templates, outDir: sample.out })).ok).toBe(true);
    expect(await checkBuildInputs(sample.out, LAST)).toEqual({ kind: 'fresh' });
  });

  it('an out/ without a fingerprint is "unknown", not fresh', async () => {
    expect(await checkBuildInputs(sample.out, LAST)).toMatchObject({ kind: 'unknown', file: path.join(sample.out, BUILD_INPUTS_FILE) });
  });

  it('a damaged fingerprint is "damaged", and the send refuses the edition with its code', async () => {
    await mkdir(sample.out, { recursive: true });
    const file = path.join(sample.out, BUILD_INPUTS_FILE);
    const damaged = [
      ['{"version": 1,', /not JSON/],
      [JSON.stringify({ version: 2, contentDir: 'c', templatesDir: 't', files: {} }), /version/],
      [JSON.stringify({ version: 1, contentDir: 'c', templatesDir: 't', files: { 'c/metrics.yml': 'not a hash' } }), /files\.c\/metrics\.yml: not a SHA-256/],
      [JSON.stringify({ version: 1, templatesDir: 't', files: {} }), /contentDir/],
    ] as const;
    for (const [text, reason] of damaged) {
      await writeFile(file, text);
      const check = await checkBuildInputs(sample.out, LAST);
      expect(check, text).toMatchObject({ kind: 'damaged', file, reason: expect.stringMatching(reason) });
      expect(await buildFreshnessProblems(sample.out, LAST)).toEqual([expect.objectContaining({ code: 'BW_BUILD_INPUTS_DAMAGED', file, severity: 'error' })]);
    }
  });

  it('compareInputs reports removed files and ignores briefs dated after the edition', () => {
    const base: BuildInputs = {
      version: 1,
      contentDir: 'c',
      templatesDir: 't',
      files: { 'c/metrics.yml': 'a', 'c/editions/2025-01-06-x.md': 'b', 'c/editions/2025-01-13-y.md': 'c', 't/email.mjml.hbs': 'd' },
    };
    const now: BuildInputs = { ...base, files: { 'c/metrics.yml': 'a', 'c/editions/2025-01-13-y.md': 'CHANGED', 't/email.mjml.hbs': 'd' } };
    expect(compareInputs(base, now, '2025-01-06')).toEqual([{ file: 'c/editions/2025-01-06-x.md', change: 'removed' }]);
    expect(compareInputs(base, now, '2025-01-13')).toEqual([
      { file: 'c/editions/2025-01-06-x.md', change: 'removed' },
      { file: 'c/editions/2025-01-13-y.md', change: 'changed' },
    ]);
  });
});
