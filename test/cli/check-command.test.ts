import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runInProcess } from '../support/cli.js';
import { startPreview } from '../../src/preview/server.js';
import { brief, copySample, makeContent, SAMPLE_TEMPLATES, tempDir } from '../support/fixtures.js';

/** The report's rows under one heading of the compatibility section: client -> text. */
function reportRows(stdout: string, heading: RegExp): Map<string, string> {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => heading.test(l));
  const rows = new Map<string, string>();
  for (const line of lines.slice(start + 1)) {
    const m = /^ {4}(\S+(?: \S+)*?) {2,}(.+)$/.exec(line);
    if (!m) break;
    rows.set(m[1]!, m[2]!);
  }
  return rows;
}

const MAJOR = ['Gmail', 'Outlook for Windows', 'Outlook.com', 'Apple Mail'];
const ALL_CLIENTS = [...MAJOR, 'Yahoo Mail', 'Samsung Email'];

describe('briefwire check', () => {
  it('the sample: no problems, exit 0, nothing written; the email client report says our templates add nothing for the major clients', async () => {
    const before = await readdir('.');
    const state = await tempDir('bw-check-state-');
    const r = await runCli(['check', '--content', 'content', '--state', state]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Email client compatibility \(caniemail\), 8 editions:\n/);
    expect(r.stdout.endsWith('Checked 8 briefs: no problems.\n')).toBe(true);
    expect(r.code).toBe(0);
    // Nothing written but the memory of the report printed, in the state directory.
    expect(await readdir('.')).toEqual(before);
    expect(await readdir(state)).toEqual(['check-compat.json']);
    await rm(state, { recursive: true, force: true });
    const added = reportRows(r.stdout, /^ {2}Added by our templates:$/);
    const mjml = reportRows(r.stdout, /^ {2}MJML's own markup/);
    expect([...added.keys()]).toEqual(ALL_CLIENTS);
    expect([...mjml.keys()]).toEqual(ALL_CLIENTS);
    for (const client of MAJOR) expect(added.get(client), client).toBe('none');
    // MJML's own gaps are reported, so the split is measured: its responsive <style> is lost on Gmail's mobile web.
    expect(mjml.get('Gmail')).toMatch(/@media.*Class selector.*\(only mobile-webmail\)/);
    expect(mjml.get('Outlook for Windows')).not.toBe('none');
  });

  it('a template that adds <time> and white-space:nowrap: the report and a warning name them, exit 0', async () => {
    const sample = await copySample();
    try {
      const partial = `${sample.templates}/partials/metrics-table.mjml.hbs`;
      const original = await readFile(partial, 'utf8');
      const changed = original.replace('Key metrics</h2>', 'Key metrics <time datetime="{{date}}" style="white-space:nowrap">{{date}}</time></h2>');
      expect(changed).not.toBe(original);
      await writeFile(partial, changed);
      const r = await runCli(['check', '--content', sample.content, '--templates', sample.templates, '--state', path.join(sample.root, 'state')]);
      expect(r.code).toBe(0);
      const added = reportRows(r.stdout, /^ {2}Added by our templates:$/);
      expect(added.get('Outlook for Windows')).toBe('HTML5 semantics in every edition; white-space in every edition');
      expect(added.get('Samsung Email')).toBe('white-space in every edition');
      expect(added.get('Yahoo Mail')).toBe('HTML5 semantics in every edition');
      for (const client of ['Gmail', 'Outlook.com', 'Apple Mail']) expect(added.get(client), client).toBe('none');
      const warnings = r.stderr.split('\n').filter((l) => l.includes('[BW_EMAIL_CLIENT_UNSUPPORTED]'));
      expect(warnings).toEqual([
        expect.stringMatching(/email\.mjml\.hbs: warning\[BW_EMAIL_CLIENT_UNSUPPORTED\]: the email uses "HTML5 semantics", which Outlook for Windows does not support .*\(8 editions: /),
        expect.stringMatching(/email\.mjml\.hbs: warning\[BW_EMAIL_CLIENT_UNSUPPORTED\]: the email uses "white-space", which Outlook for Windows does not support .*\(8 editions: /),
      ]);
      expect(r.stdout.endsWith('Checked 8 briefs: warnings only.\n')).toBe(true);
    } finally {
      await rm(sample.root, { recursive: true, force: true });
    }
  });

  it('prints every finding as file:line:col, errors and warnings together; exit 1 on an error', async () => {
    const dir = await makeContent({
      '2025-01-06.md': brief('First', '  market: { value: 56.7, period: Q1 2025 }', 'Intro.\n\n## TODO\n'),
      '2025-01-13.md': brief('Second', '  market: { value: 567, period: Q2 2025, source: Omdia }'),
    });
    const r = await runCli(['check', '--content', dir, '--state', path.join(dir, 'state')]);
    const file1 = path.join(dir, 'editions', '2025-01-06.md');
    const file2 = path.join(dir, 'editions', '2025-01-13.md');
    expect(r.stderr.split('\n')).toEqual([
      `${file1}:4:11: warning[BW_AUDIT_NO_SOURCE]: metric "market" has no source`,
      expect.stringMatching(/^  hint: /),
      `${file1}:8:4: error[BW_AUDIT_PLACEHOLDER]: scaffold placeholder "TODO" left in a brief that is not a draft`,
      expect.stringMatching(/^  hint: /),
      `${file2}:4:11: warning[BW_AUDIT_SLIP]: metric "market" is 10x or more of the figure it is compared with (567 against 56.7 reported on 2025-01-06): possible unit or decimal slip`,
      expect.stringMatching(/^  hint: /),
      '1 error, 2 warnings',
      '',
    ]);
    expect(r.code).toBe(1);
    // Nothing was built.
    expect(await readdir(dir)).toEqual(['editions', 'metrics.yml', 'newsletter.yml', 'state']);
  });

  it('warnings only: exit 0', async () => {
    const dir = await makeContent({ '2025-01-06.md': brief('First', '  market: 51.8') });
    const r = await runCli(['check', '--content', dir, '--state', path.join(dir, 'state')]);
    expect(r.stderr).toContain('warning[BW_AUDIT_NO_SOURCE]: metric "market" has no source');
    expect(r.stdout).toMatch(/^Email client compatibility \(caniemail\), 1 edition:\n[^]*\nChecked 1 brief: warnings only\.\n$/);
    expect(r.code).toBe(0);
  });

  it('content errors (a period outside the grammar) are reported the same way, exit 1', async () => {
    const dir = await makeContent({ '2025-01-06.md': brief('First', '  market: { value: 51.8, period: FY2025 forecast }') });
    const r = await runCli(['check', '--content', dir, '--state', path.join(dir, 'state')]);
    expect(r.stderr).toMatch(/2025-01-06\.md:4:\d+: error\[BW_PERIOD_INVALID\]: metric "market": period "FY2025 forecast" is not in the period grammar: .*\n  hint: did you mean "FY2025E"\?/);
    expect(r.code).toBe(1);
  });

  it('build fails on an audit error and leaves out/ as it was', async () => {
    const dir = await makeContent({ '2025-01-06.md': brief('"TODO: headline"', '  market: { value: 1, source: X }') });
    const out = path.join(dir, 'out');
    const r = await runCli(['build', '--content', dir, '--out', out]);
    expect(r.stderr).toMatch(/2025-01-06\.md:2:\d+: error\[BW_AUDIT_PLACEHOLDER\]: scaffold placeholder "TODO"/);
    expect(r.code).toBe(1);
    expect(await readdir(dir)).not.toContain('out');
  });
});

describe('briefwire check: the email client report', () => {
  it('is printed the first time, then only with --compat or when a gap comes or goes; the preview pane shows it whatever check printed', async () => {
    const dir = await makeContent({ '2025-01-06.md': brief('First', '  share_a: { value: 51.8, period: 2025, source: Omdia }') });
    const templates = path.join(dir, 'templates');
    await cp(SAMPLE_TEMPLATES, templates, { recursive: true });
    const args = ['check', '--content', dir, '--templates', templates, '--state', path.join(dir, 'state')];
    try {
      const first = await runInProcess(args);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^Email client compatibility \(caniemail\), 1 edition:\n {2}Added by our templates:\n/);
      expect(first.stdout).toContain("MJML's own markup (the same in every edition):");

      const second = await runInProcess(args);
      expect(second.code).toBe(0);
      const today = new Date().toISOString().slice(0, 10);
      expect(second.stdout).toBe(`Email client compatibility: unchanged since ${today} ("briefwire check --compat" prints it).\nChecked 1 brief: no problems.\n`);
      // A second edition with the same gaps is no change.
      await writeFile(path.join(dir, 'editions', '2025-01-13.md'), brief('Second', '  share_a: { value: 52.4, period: 2026, source: Omdia }'));
      expect((await runInProcess(args)).stdout).toContain('unchanged since');

      const asked = await runInProcess([...args, '--compat']);
      expect(asked.stdout).toMatch(/^Email client compatibility \(caniemail\), 2 editions:\n/);
      expect(asked.stdout).not.toContain('changed since');

      // A template adds what Outlook lacks: the report comes back, saying it changed, and then rests again.
      const partial = path.join(templates, 'partials', 'metrics-table.mjml.hbs');
      await writeFile(partial, (await readFile(partial, 'utf8')).replace('Key metrics</h2>', 'Key metrics <time datetime="{{date}}">{{date}}</time></h2>'));
      const changed = await runInProcess(args);
      expect(changed.stdout).toMatch(new RegExp(`^Email client compatibility \\(caniemail\\), 2 editions, changed since ${today}:\\n`));
      expect(reportRows(changed.stdout, /^ {2}Added by our templates:$/).get('Outlook for Windows')).toBe('HTML5 semantics in every edition');
      expect((await runInProcess(args)).stdout).toContain('unchanged since');

      // The preview's pane for the same edition has the whole table, though check just printed one line.
      const preview = await startPreview({ contentDir: dir, templatesDir: templates, port: 0, logger: { info: () => undefined, problems: () => undefined } });
      try {
        await preview.ready;
        let page = '';
        for (let i = 0; i < 100 && !page.includes('id="clients-table"'); i++) {
          page = await (await fetch(`${preview.url}editions/2025-01-13/`)).text();
          if (!page.includes('id="clients-table"')) await new Promise((r) => setTimeout(r, 200));
        }
        expect(page).toContain('id="clients-table"');
        expect(page).toMatch(/<tr data-client="Outlook for Windows" data-added="1">/);
      } finally {
        await preview.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
