/**
 * The checks that span content files have one implementation, run by the
 * loader (build, send) and by the preview on its cached parses: the same
 * files give the same problems in both.
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkAcrossFiles } from '../../src/content/content-checks.js';
import { loadContent } from '../../src/content/load.js';
import { PreviewState } from '../../src/preview/state.js';
import { readContentSources, readTemplates } from '../../src/preview/sources.js';
import type { Brief } from '../../src/model.js';
import type { Problem } from '../../src/problems.js';
import { brief, makeContent, SAMPLE_TEMPLATES } from '../support/fixtures.js';

const shown = (problems: readonly Problem[]) => problems.map((p) => [p.code, p.file, p.line, p.message]);

async function buildAndPreviewProblems(dir: string): Promise<{ build: Problem[]; preview: Problem[] }> {
  const loaded = await loadContent(dir);
  const state = new PreviewState(await readContentSources(dir), await readTemplates(SAMPLE_TEMPLATES));
  const report = await state.update();
  return { build: loaded.ok ? loaded.warnings : loaded.problems, preview: report.problems };
}

describe('problems across content files: build and preview agree', () => {
  test('two briefs for one date (one of them a draft): the same BW_BRIEF_DATE_DUPLICATE in both', async () => {
    const draft = brief('B', '  share_a: 2').replace('title: B', 'title: B\ndraft: true');
    const dir = await makeContent({ '2025-01-06-a.md': brief('A', '  share_a: 1'), '2025-01-06-b.md': draft });
    const { build, preview } = await buildAndPreviewProblems(dir);
    expect(build.map((p) => p.code)).toEqual(['BW_BRIEF_DATE_DUPLICATE']);
    expect(build[0]!.file).toBe(path.join(dir, 'editions', '2025-01-06-b.md'));
    expect(shown(preview)).toEqual(shown(build));
  });

  test('an editions folder without briefs: the same BW_EDITIONS_EMPTY in both', async () => {
    const dir = await makeContent({});
    const { build, preview } = await buildAndPreviewProblems(dir);
    expect(build.map((p) => [p.code, p.file])).toEqual([['BW_EDITIONS_EMPTY', path.join(dir, 'editions')]]);
    expect(shown(preview)).toEqual(shown(build));
  });
});

describe('checkAcrossFiles', () => {
  const at = (date: string, file: string): Brief => ({ file, date, title: file, metrics: [], body: '', bodyLine: 1, placeholders: [] });

  test('sorts by date, then file, and reports each later brief of a date against the one before it', () => {
    const r = checkAcrossFiles({ editionsDir: 'e', briefFiles: 3, briefs: [at('2025-02-01', 'c'), at('2025-01-01', 'b'), at('2025-01-01', 'a')], fileProblems: [] });
    expect(r.briefs.map((b) => b.file)).toEqual(['a', 'b', 'c']);
    expect(r.problems.map((p) => [p.code, p.file])).toEqual([['BW_BRIEF_DATE_DUPLICATE', 'b']]);
  });

  test('an empty editions folder is reported only when nothing else is wrong (a brief that failed to parse still counts as a file)', () => {
    expect(checkAcrossFiles({ editionsDir: 'e', briefFiles: 0, briefs: [], fileProblems: [] }).problems.map((p) => p.code)).toEqual(['BW_EDITIONS_EMPTY']);
    const broken = checkAcrossFiles({ editionsDir: 'e', briefFiles: 0, briefs: [], fileProblems: [{ severity: 'error', file: 'n', code: 'BW_IO', message: 'x' } as Problem] });
    expect(broken.problems).toEqual([]);
    expect(checkAcrossFiles({ editionsDir: 'e', briefFiles: 1, briefs: [], fileProblems: [] }).problems).toEqual([]);
  });
});
