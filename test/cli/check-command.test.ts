import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { brief, copySample, makeContent } from '../support/fixtures.js';

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
    const r = await runCli(['check', '--content', 'content']);
    // The derived AI revenue has no value where the sample has revenue and the AI share for different quarters, and says so.
    const warnings = r.stderr.split('\n').filter((l) => /warning\[/.test(l));
    expect(warnings).toHaveLength(3);
    for (const w of warnings) expect(w).toMatch(/warning\[BW_DERIVED_NO_VALUE\]: derived metric "alibaba_cloud_ai_revenue" has no value in this edition: .* Q[12] FY2026/);
    expect(r.stderr).not.toMatch(/error\[/);
    expect(r.stdout).toMatch(/^Email client compatibility \(caniemail\), 8 editions:\n/);
    expect(r.stdout.endsWith('Checked 8 briefs: warnings only.\n')).toBe(true);
    expect(r.code).toBe(0);
    expect(await readdir('.')).toEqual(before);
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
      const r = await runCli(['check', '--content', sample.content, '--templates', sample.templates]);
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
    const r = await runCli(['check', '--content', dir]);
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
    expect(await readdir(dir)).toEqual(['editions', 'metrics.yml', 'newsletter.yml']);
  });

  it('warnings only: exit 0', async () => {
    const dir = await makeContent({ '2025-01-06.md': brief('First', '  market: 51.8') });
    const r = await runCli(['check', '--content', dir]);
    expect(r.stderr).toContain('warning[BW_AUDIT_NO_SOURCE]: metric "market" has no source');
    expect(r.stdout).toMatch(/^Email client compatibility \(caniemail\), 1 edition:\n[^]*\nChecked 1 brief: warnings only\.\n$/);
    expect(r.code).toBe(0);
  });

  it('content errors (a period outside the grammar) are reported the same way, exit 1', async () => {
    const dir = await makeContent({ '2025-01-06.md': brief('First', '  market: { value: 51.8, period: FY2025 forecast }') });
    const r = await runCli(['check', '--content', dir]);
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
