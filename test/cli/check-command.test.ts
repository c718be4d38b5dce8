import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { brief, makeContent } from '../support/fixtures.js';

describe('briefwire check', () => {
  it('the sample: no problems, exit 0, nothing written', async () => {
    const before = await readdir('.');
    const r = await runCli(['check', '--content', 'content']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Checked 7 briefs: no problems.\n');
    expect(r.code).toBe(0);
    expect(await readdir('.')).toEqual(before);
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
    expect(r.stdout).toBe('Checked 1 brief: warnings only.\n');
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
