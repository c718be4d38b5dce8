import { describe, expect, test } from 'vitest';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, runInProcess } from '../support/cli.js';
import { copySample } from '../support/fixtures.js';

/** Every file under dir with its bytes and mtime, to prove a failed build touched nothing. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of (await readdir(dir, { recursive: true })).sort()) {
    const file = path.join(dir, rel);
    const s = await stat(file);
    out[rel] = s.isDirectory() ? 'dir' : `${s.mtimeMs}:${(await readFile(file)).toString('base64')}`;
  }
  return out;
}

/** `briefwire build` over a copy of the sample, called in-process (no process boundary is under test here). */
function buildSample(s: { content: string; templates: string; out: string }) {
  return runInProcess(['build', '--content', s.content, '--templates', s.templates, '--out', s.out]);
}

/** A copy of the sample, built once, with a snapshot of its out/ to compare a failed build against. */
async function builtCopy() {
  const s = await copySample();
  expect((await buildSample(s)).code).toBe(0);
  return { s, before: await snapshot(s.out) };
}

describe('briefwire build', () => {
  test('builds the sample into --out and exits 0', async () => {
    const s = await copySample();
    const r = await buildSample(s);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Built 8 editions \(\d+ files\) into .*out\/ in \d+ ms\n$/);
    const dates = await readdir(path.join(s.out, 'editions'));
    expect(dates).toHaveLength(8);
    for (const d of dates) {
      expect((await readdir(path.join(s.out, 'editions', d))).sort()).toEqual(expect.arrayContaining(['edition.json', 'email.html', 'email.txt']));
    }
  });

  test('a first build compiles the layout with MJML on a worker thread: its validation errors still name the template file and line, exit 1', async () => {
    const s = await copySample();
    const layout = path.join(s.templates, 'email.mjml.hbs');
    const text = await readFile(layout, 'utf8');
    await writeFile(layout, text.replace('<mj-column>', '<mj-column colour="red">'));
    const line = text.slice(0, text.indexOf('<mj-column>')).split('\n').length;
    const r = await buildSample(s);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${layout}:${line}: error[BW_MJML_INVALID]: `);
    expect(r.stderr).toContain('<mj-column> Attribute colour is illegal');
  });

  test('bad content: every problem with file and line on stderr, no stack trace, exit 1, previous out/ untouched', async () => {
    const { s, before } = await builtCopy();

    const editions = path.join(s.content, 'editions');
    const [first, second] = (await readdir(editions)).sort();
    const firstFile = path.join(editions, first!);
    await writeFile(firstFile, (await readFile(firstFile, 'utf8')).replace(/^title: .*$/m, 'title:'));
    const secondFile = path.join(editions, second!);
    await writeFile(secondFile, (await readFile(secondFile, 'utf8')).replace(/^(\s+)alibaba_ai_cloud_share:/m, '$1alibaba_ai_cloud_shares:'));

    const r = await buildSample(s);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${firstFile}:`);
    expect(r.stderr).toMatch(new RegExp(`${escapeRe(secondFile)}:\\d+:\\d+: error\\[BW_METRIC_UNKNOWN\\]: unknown metric "alibaba_ai_cloud_shares"\\n  hint: did you mean "alibaba_ai_cloud_share"\\?\\n`));
    expect(r.stderr).toMatch(/2 errors\n/);
    expect(r.stderr).toContain('Build failed');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await snapshot(s.out)).toEqual(before);
  });

  test('a template error also leaves out/ untouched', async () => {
    const { s, before } = await builtCopy();
    await writeFile(path.join(s.templates, 'partials', 'section.mjml.hbs'), '<mj-section><mj-column><mj-text>{{#if}}</mj-text></mj-column></mj-section>');
    const r = await buildSample(s);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(path.join(s.templates, 'partials', 'section.mjml.hbs'));
    expect(await snapshot(s.out)).toEqual(before);
  });
});

describe('usage', () => {
  test('--help works for the CLI and for build', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('build');
    const build = await runCli(['build', '--help']);
    expect(build.code).toBe(0);
    expect(build.stdout).toContain('--content <dir>');
    expect(build.stdout).toContain('--out <dir>');
  });

  test('bad usage exits 2', async () => {
    expect((await runInProcess([])).code).toBe(2);
    const unknown = await runInProcess(['bulid']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "bulid": did you mean "build"?');
    const option = await runInProcess(['build', '--outt', 'x']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/Unknown option `--outt`: did you mean "--out"\?/);
  });

  test('did-you-mean for mistyped commands and options, from the command\'s own options; none when nothing is close', async () => {
    expect((await runInProcess(['biuld'])).stderr).toContain('did you mean "build"?');
    expect((await runInProcess(['build', '--otu', 'x'])).stderr).toContain('did you mean "--out"?');
    expect((await runInProcess(['send', 'latest', '--dryrun'])).stderr).toContain('did you mean "--dry-run"?');
    const far = await runInProcess(['xyzzy']);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain('unknown command "xyzzy"\n');
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
