import { describe, expect, test } from 'vitest';
import path from 'node:path';
import { loadContent } from '../../src/content/load.js';
import type { Problem } from '../../src/problems.js';
import { brief, makeContent, SAMPLE_CONTENT } from '../support/fixtures.js';

async function problemsOf(briefs: Record<string, string>, files?: { newsletter?: string; metrics?: string }): Promise<Problem[]> {
  const dir = await makeContent(briefs, files);
  const r = await loadContent(dir);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.problems;
}

describe('content contract', () => {
  test('the sample newsletter loads: settings, registry in file order, briefs sorted by date', async () => {
    const r = await loadContent(SAMPLE_CONTENT);
    if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 2));
    const c = r.value;
    expect(c.newsletter.name).toBe('AI Cloud Weekly');
    expect(c.newsletter.timezone).toBe('Asia/Shanghai');
    expect(c.newsletter.schedule).toEqual({ weekday: 1, time: '08:00', timezone: 'Asia/Shanghai' });
    expect(c.metrics[0]!.key).toBe('alibaba_ai_cloud_share');
    expect(c.briefs.length).toBeGreaterThanOrEqual(5);
    const dates = c.briefs.map((b) => b.date);
    expect(dates).toEqual([...dates].sort());
    for (const b of c.briefs) expect(b.title.length).toBeGreaterThan(0);
  });

  test('long and short metric forms; value text keeps the precision written', async () => {
    const dir = await makeContent({
      '2025-01-06-first.md': brief('First', '  share_a: { value: 35.80, period: H1 2025, source: Omdia, note: n }\n  market: 51.8'),
    });
    const r = await loadContent(dir);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const b = r.value.briefs[0]!;
    expect(b.slug).toBe('first');
    expect(b.metrics).toEqual([
      { key: 'share_a', value: '35.80', period: { label: 'H1 2025', start: '2025-01-01', end: '2025-06-30', length: 'half' }, periodText: 'H1 2025', basis: 'actual', source: 'Omdia', note: 'n', line: 4, column: 12 },
      { key: 'market', value: '51.8', basis: 'actual', line: 5, column: 11 },
    ]);
    expect(b.bodyLine).toBe(7);
  });
});

describe('bad input: each problem names the file (and line), all at once', () => {
  const ok = (date: string) => ({ [`${date}.md`]: brief(`Edition ${date}`, '  share_a: 30') });

  test('malformed YAML gives line and column', async () => {
    const problems = await problemsOf({ '2025-01-06.md': '---\ntitle: Fine\nmetrics:\n  share_a: [1, 2\n---\nBody\n' });
    expect(problems[0]!.file).toMatch(/editions[/\\]2025-01-06\.md$/);
    expect(problems[0]!.code).toBe('BW_YAML_INVALID');
    expect(problems[0]!.line).toBeGreaterThanOrEqual(4);
    expect(problems[0]!.column).toBeGreaterThan(0);
  });

  test('a missing title', async () => {
    const [p] = await problemsOf({ '2025-01-06.md': '---\nsummary: no title here\n---\nBody\n' });
    expect(p).toMatchObject({ code: 'BW_FIELD_REQUIRED', message: '"title" is required' });
    expect(p!.file).toMatch(/2025-01-06\.md$/);
  });

  test('an unknown metric key suggests the nearest registry key, at its line', async () => {
    const [p] = await problemsOf({ '2025-01-06.md': brief('T', '  share_a: 1\n  markte: 5') });
    expect(p).toMatchObject({ code: 'BW_METRIC_UNKNOWN', line: 5, hint: 'did you mean "market"?' });
    expect(p!.message).toContain('"markte"');
  });

  test('a non-numeric value', async () => {
    const [p] = await problemsOf({ '2025-01-06.md': brief('T', '  share_a: 35.8%') });
    expect(p).toMatchObject({ code: 'BW_METRIC_NOT_NUMBER', line: 4 });
    expect(p!.message).toContain('"35.8%"');
    expect(p!.hint).toContain('write the number alone');
  });

  test('a share outside 0-100', async () => {
    const [p] = await problemsOf({ '2025-01-06.md': brief('T', '  share_a: { value: 140, period: FY }') });
    expect(p).toMatchObject({ code: 'BW_METRIC_SHARE_RANGE' });
    expect(p!.message).toContain('140');
  });

  test('a unit that differs from the registry', async () => {
    const [p] = await problemsOf({ '2025-01-06.md': brief('T', '  market: { value: 7.8, unit: USD bn }') });
    expect(p).toMatchObject({ code: 'BW_METRIC_UNIT_MISMATCH', line: 4 });
  });

  test('an invalid date in the file name, and a frontmatter date that does not match', async () => {
    const problems = await problemsOf({
      '2025-02-30.md': brief('T', '  share_a: 1'),
      '2025-01-06.md': `---\ntitle: T\ndate: 2025-01-07\n---\nBody\n`,
      'notes.md': brief('T', '  share_a: 1'),
    });
    expect(problems.map((p) => [path.basename(p.file), p.code])).toEqual([
      ['2025-01-06.md', 'BW_BRIEF_DATE_MISMATCH'],
      ['2025-02-30.md', 'BW_BRIEF_FILE_DATE'],
      ['notes.md', 'BW_BRIEF_FILE_NAME'],
    ]);
  });

  test('two briefs with the same date', async () => {
    const problems = await problemsOf({ '2025-01-06-a.md': brief('A', '  share_a: 1'), '2025-01-06-b.md': brief('B', '  share_a: 2') });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.code).toBe('BW_BRIEF_DATE_DUPLICATE');
    expect(problems[0]!.message).toMatch(/2025-01-06-a\.md and .*2025-01-06-b\.md/);
  });

  test('bad settings and registry entries are reported with their lines', async () => {
    const problems = await problemsOf(ok('2025-01-06'), {
      newsletter: 'name: X\nfrom: not an address\nbaseUrl: ftp://x\ntimezone: Mars/Olympus\nlanguage: en-GB\nnmae: typo\n',
      metrics: 'share_a:\n  label: A\n  kind: share\n  unit: "%"\n  decimals: 1\n  better: up\nmarket:\n  label: M\n  kind: cash\n  unit: x\n  decimals: 1\n  better: up\n',
    });
    expect(problems.map((p) => `${path.basename(p.file)}:${p.line}: ${p.code} ${p.message.split(' ')[0]}`)).toEqual([
      'metrics.yml:9: BW_FIELD_INVALID "market.kind"',
      'newsletter.yml:2: BW_FIELD_INVALID "from"',
      'newsletter.yml:3: BW_FIELD_INVALID "baseUrl"',
      'newsletter.yml:4: BW_FIELD_INVALID "timezone"',
      'newsletter.yml:6: BW_FIELD_UNKNOWN unknown',
    ]);
    expect(problems.at(-1)!.hint).toBe('did you mean "name"?');
  });

  test('every problem of every file comes back in one go, sorted by file and line', async () => {
    const problems = await problemsOf({
      '2025-01-06.md': brief('T', '  share_a: 101\n  nope: 1'),
      '2025-01-13.md': '---\nsummary: x\n---\n',
    });
    expect(problems.map((p) => [path.basename(p.file), p.line])).toEqual([
      ['2025-01-06.md', 4],
      ['2025-01-06.md', 5],
      ['2025-01-13.md', 2],
    ]);
  });

  test('missing files are named', async () => {
    const r = await loadContent(path.join(SAMPLE_CONTENT, 'does-not-exist'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => path.basename(p.file))).toEqual(['editions', 'metrics.yml', 'newsletter.yml']);
  });
});

describe('drafts', () => {
  test('a draft is left out of the content unless asked for, but still counts for duplicate dates', async () => {
    const dir = await makeContent({
      '2025-01-06.md': brief('Live', '  share_a: 30'),
      '2025-01-13-next.md': `---\ntitle: Next\ndraft: true\n---\nBody\n`,
    });
    const built = await loadContent(dir);
    expect(built.ok && built.value.briefs.map((b) => b.title)).toEqual(['Live']);
    const previewed = await loadContent(dir, { includeDrafts: true });
    expect(previewed.ok && previewed.value.briefs.map((b) => [b.title, b.draft ?? false])).toEqual([
      ['Live', false],
      ['Next', true],
    ]);
    const clash = await makeContent({ '2025-01-06-a.md': brief('Live', '  share_a: 30'), '2025-01-06-b.md': `---\ntitle: Draft\ndraft: true\n---\n` });
    const r = await loadContent(clash);
    expect(r.ok).toBe(false);
  });
});

describe('drafts in the compute stage (the preview passes them)', () => {
  test('a draft between published editions changes neither their deltas nor their numbers and links', async () => {
    const { computeEditions } = await import('../../src/compute/editions.js');
    const dir = await makeContent({
      '2025-01-06.md': brief('One', '  share_a: 30.0'),
      '2025-01-13.md': `---\ntitle: Draft\ndraft: true\nmetrics:\n  share_a: 99.0\n---\nBody\n`,
      '2025-01-20.md': brief('Two', '  share_a: 31.0'),
    });
    const withDrafts = await loadContent(dir, { includeDrafts: true });
    const built = await loadContent(dir);
    if (!withDrafts.ok || !built.ok) throw new Error('fixture should load');
    const preview = computeEditions(withDrafts.value);
    const build = computeEditions(built.value);
    const previewTwo = preview.find((e) => e.date === '2025-01-20')!;
    const buildTwo = build.find((e) => e.date === '2025-01-20')!;
    expect(previewTwo).toEqual({ ...buildTwo, draft: false });
    expect(buildTwo.number).toBe(2);
    expect(buildTwo.previousDate).toBe('2025-01-06');
    expect(buildTwo.metrics[0]!.delta).toMatchObject({ abs: 1, unit: 'pp' });
    expect(buildTwo.history['share_a']!.map((p) => p.value)).toEqual([30, 31]);
    // The draft itself is compared with the edition before it and numbered as the next one.
    const draft = preview.find((e) => e.draft)!;
    expect([draft.number, draft.previousDate, draft.nextDate]).toEqual([2, '2025-01-06', '2025-01-20']);
    expect(draft.metrics[0]!.delta).toMatchObject({ abs: 69, direction: 'up' });
    expect(preview.find((e) => e.date === '2025-01-06')!.nextDate).toBe('2025-01-20');
  });
});
