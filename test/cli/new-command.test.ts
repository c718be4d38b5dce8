/**
 * `briefwire new` end to end: spawns the compiled CLI (npm test runs tsc first)
 * on a temporary copy of the sample content.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

let dir: string;
let contentDir: string;
let editionsDir: string;

/** "Now" for the command: the day after the sample's latest edition (a Tuesday in Shanghai). */
const NOW = '2026-01-27T12:00:00Z';

function briefwire(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  return briefwireAt(NOW, ...args);
}

function briefwireAt(now: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BRIEFWIRE_NOW: now } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'briefwire-new-'));
  contentDir = path.join(dir, 'content');
  editionsDir = path.join(contentDir, 'editions');
  await cp(path.join(ROOT, 'content'), contentDir, { recursive: true });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('briefwire new', () => {
  it('scaffolds the next Monday slot after the latest edition (2026-02-09 -> 2026-02-16) and prints the path', async () => {
    const r = briefwire('new', '--content', contentDir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const file = path.join(editionsDir, '2026-02-16.md');
    expect(r.stdout.trim()).toBe(file);

    const text = await readFile(file, 'utf8');
    expect(text).toContain('#   alibaba_ai_cloud_share: { value: 38.1, period: "2025", source: Omdia }  # latest, from 2026-02-02\n');
    expect(text).toContain('#   qwen_downloads: { value: 700, period: 2026-01-14, label: 14 January 2026, source: Press reports of 14 January 2026 }  # latest, from 2026-01-19\n');

    const loaded = await loadContent(contentDir, { includeDrafts: true });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const brief = loaded.value.briefs.at(-1)!;
    expect(brief.date).toBe('2026-02-16');
    expect(brief.draft).toBe(true);
    expect(brief.title).toBe('TODO: headline');
    // Nothing counts as reported until the analyst writes it.
    expect(brief.metrics).toEqual([]);
  });

  it('--date picks the date, and the brief compares with the editions before it', async () => {
    const r = briefwire('new', '--date', '2025-10-20', '--content', contentDir);
    expect(r.code).toBe(0);
    const file = path.join(editionsDir, '2025-10-20.md');
    expect(r.stdout.trim()).toBe(file);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('#   alibaba_ai_cloud_share: { value: 35.8, period: H1 2025, source: Omdia }  # latest, from 2025-10-13\n');
    // First reported on 2025-12-01, after this date.
    expect(text).toContain('#   ai_revenue_run_rate: { value: , period: , source: }  # never reported\n');
    expect((await loadContent(contentDir)).ok).toBe(true);
  });

  it('defaults to the next slot from today, not the slot after a months-old brief', async () => {
    const r = briefwireAt('2026-12-01T09:00:00+08:00', 'new', '--content', contentDir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(path.join(editionsDir, '2026-12-07.md'));
    expect(r.stderr).toBe('');
  });

  it('warns when --date is not a slot day (nothing would send it), and still writes the brief', async () => {
    const r = briefwire('new', '--date', '2026-12-08', '--content', contentDir);
    expect(r.code).toBe(0);
    const file = path.join(editionsDir, '2026-12-08.md');
    expect(r.stdout.trim()).toBe(file);
    expect(r.stderr).toContain(`${file}: warning[BW_BRIEF_OFF_SLOT]: dated 2026-12-08, a Tuesday, but the schedule sends on Mondays: no slot will send this edition`);
    expect(r.stderr).toContain('Rename it to 2026-12-14, or send it by hand with "briefwire send 2026-12-08".');
  });

  it('refuses to overwrite an existing brief: exit 1, names the file, leaves it unchanged', async () => {
    expect(briefwire('new', '--content', contentDir).code).toBe(0);
    const file = path.join(editionsDir, '2026-02-16.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace('TODO: headline', 'Edited headline'));
    const edited = await readFile(file, 'utf8');

    const again = briefwire('new', '--date', '2026-02-16', '--content', contentDir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(file);
    expect(again.stderr).toMatch(/already exists/);
    expect(again.stdout).toBe('');
    expect(await readFile(file, 'utf8')).toBe(edited);
  });

  it('refuses a date that already has a brief under another slug', async () => {
    const before = await readdir(editionsDir);
    const r = briefwire('new', '--date', '2026-01-26', '--content', contentDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(path.join(editionsDir, '2026-01-26-omdia-full-year-2025.md'));
    expect(await readdir(editionsDir)).toEqual(before);
  });

  it.each([['2026-02-30'], ['next-monday']])('bad --date %s: exit 2, nothing written', async (bad) => {
    const before = await readdir(editionsDir);
    const r = briefwire('new', '--date', bad, '--content', contentDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--date/);
    expect(await readdir(editionsDir)).toEqual(before);
  });

  it('content with errors: prints them and exits 1 without writing', async () => {
    await writeFile(path.join(contentDir, 'metrics.yml'), 'broken: { label: Broken }\n');
    const before = await readdir(editionsDir);
    const r = briefwire('new', '--content', contentDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(path.join(contentDir, 'metrics.yml'));
    expect(await readdir(editionsDir)).toEqual(before);
  });
});

describe('what new says it does', () => {
  it('--help and the README describe today\'s new: a draft whose metric lines are comments, nothing pre-filled', async () => {
    const { runCli } = await import('../support/cli.js');
    const help = (await runCli(['new', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('as a comment to copy, nothing reported until you uncomment a line');
    expect(help).not.toMatch(/pre-filled|filled in/);
    const readme = (await readFile('README.md', 'utf8')).replace(/\s+/g, ' ');
    expect(readme).toContain('Every metric line is a comment');
    expect(readme).not.toMatch(/source filled in|pre-filled/);
  });
});
