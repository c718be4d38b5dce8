/**
 * The scheduling examples in docs/sending.md are copied into real crontabs and
 * /etc/systemd/system, so they are checked as such: the crontab line is parsed
 * (schedule by cron-parser, command by the shell) and the systemd units go
 * through `systemd-analyze verify`. The README's commands are checked for the
 * one mistake a newcomer cannot recover from: a bare `briefwire`, which is
 * not on PATH after `npm ci`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { INTERRUPTED } from '../../src/cli/command-io.js';

const SENDING = readFileSync('docs/sending.md', 'utf8');
const README = readFileSync('README.md', 'utf8');

interface Block {
  lang: string;
  text: string;
  /** Prose after the block, up to the next block. */
  after: string;
}

function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const re = /^```(\w*)\n([\s\S]*?)^```\n/gm;
  let m: RegExpExecArray | null;
  const found: { lang: string; text: string; end: number; start: number }[] = [];
  while ((m = re.exec(markdown))) found.push({ lang: m[1]!, text: m[2]!, start: m.index, end: m.index + m[0].length });
  found.forEach((b, i) => blocks.push({ lang: b.lang, text: b.text, after: markdown.slice(b.end, found[i + 1]?.start ?? markdown.length) }));
  return blocks;
}

const blocks = fencedBlocks(SENDING);

describe('the crontab example', () => {
  const crontab = blocks.filter((b) => b.lang === 'crontab');
  const lines = crontab.flatMap((b) => b.text.split('\n')).filter((l) => l.trim() && !l.trim().startsWith('#'));

  it('is one entry whose schedule runs every five minutes', () => {
    expect(lines).toHaveLength(1);
    const fields = lines[0]!.trim().split(/\s+/);
    const schedule = fields.slice(0, 5).join(' ');
    const expr = CronExpressionParser.parse(schedule, { currentDate: new Date('2026-12-07T07:58:00Z'), tz: 'UTC' });
    const runs = [expr.next(), expr.next(), expr.next()].map((d) => d.toISOString());
    expect(runs).toEqual(['2026-12-07T08:00:00.000Z', '2026-12-07T08:05:00.000Z', '2026-12-07T08:10:00.000Z']);
  });

  it('has a command the shell parses, that cron will not cut at a %, and that names briefwire by an absolute path', () => {
    const command = lines[0]!.trim().split(/\s+/).slice(5).join(' ');
    expect(command).not.toContain('%');
    const syntax = spawnSync('sh', ['-n', '-c', command], { encoding: 'utf8' });
    expect(syntax.status, syntax.stderr).toBe(0);
    // cron's PATH is minimal: every program is a shell builtin or an absolute path.
    const programs = command.split(/&&|\|\||;/).map((part) => part.trim().split(/\s+/)[0]!);
    for (const program of programs) expect(['cd', 'set', '.', 'export'].includes(program) || program.startsWith('/'), program).toBe(true);
    expect(command).toMatch(/ \/usr\/bin\/node \/srv\/briefwire\/dist\/cli\.js send latest --due >> /);
    expect(command).not.toMatch(/\bnpx\b/);
  });
});

describe('every scheduling example', () => {
  it('runs node on the installed dist/cli.js, never npx (which needs a writable home folder)', () => {
    const scheduling = SENDING.slice(SENDING.indexOf('## Scheduling'), SENDING.indexOf('## Unsubscribe'));
    const examples = [...fencedBlocks(scheduling), ...fencedBlocks(readFileSync('docs/state.md', 'utf8'))].filter((b) => ['crontab', 'ini', 'yaml'].includes(b.lang));
    const commands = examples.flatMap((b) => b.text.split('\n')).filter((l) => /briefwire send|cli\.js/.test(l));
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const line of commands) {
      expect(line, line).not.toMatch(/\bnpx\b/);
      expect(line, line).toMatch(/\bnode (\/srv\/briefwire\/)?dist\/cli\.js send latest --due\b/);
    }
  });
});

describe('the systemd units', () => {
  const units = blocks
    .filter((b) => b.lang === 'ini')
    .map((b) => ({ text: b.text, name: /Save it as `\/etc\/systemd\/system\/([\w.@-]+)`/.exec(b.after)?.[1] }));

  it('come one unit per block, each with its file name, with no comments after a value', () => {
    expect(units.map((u) => u.name)).toEqual(['briefwire-send.service', 'briefwire-send.timer']);
    for (const u of units) {
      expect(u.text.match(/^\[Unit\]$/gm)).toHaveLength(1);
      // systemd has no trailing comments: "EnvironmentFile=/etc/x # note" names a file called "/etc/x # note".
      for (const line of u.text.split('\n')) if (/^\w+=/.test(line)) expect(line, line).not.toMatch(/\s[#;]/);
    }
    expect(units[0]!.text).toMatch(/^ExecStart=\/usr\/bin\/node \/srv\/briefwire\/dist\/cli\.js send latest --due$/m);
    expect(units[0]!.text).toMatch(/^EnvironmentFile=\/etc\/briefwire\.env$/m);
  });

  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  const available = analyze.status === 0;
  if (!available) console.log('systemd-analyze is not installed: the systemd units are checked for form only, not verified (apt-get install systemd)');

  it.skipIf(!available)('pass systemd-analyze verify without a warning', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bw-units-'));
    try {
      const files = units.map((u) => {
        const file = path.join(dir, u.name!);
        writeFileSync(file, u.text);
        return file;
      });
      const r = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr.trim(), r.stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the README', () => {
  it('runs briefwire through npx (it is not on PATH after npm ci) in every command example', () => {
    const commands = fencedBlocks(README)
      .filter((b) => b.lang === 'sh')
      .flatMap((b) => b.text.split('\n'))
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(commands.some((c) => c.startsWith('npx briefwire'))).toBe(true);
    for (const c of commands) expect(c, c).not.toMatch(/^briefwire\b/);
  });

  it('gives the exit codes the commands return, and no other', () => {
    const paragraph = /^Exit codes: [\s\S]*?\n\n/m.exec(README)?.[0] ?? '';
    const codes = [...paragraph.matchAll(/`(\d+)`/g)].map((m) => Number(m[1]));
    expect(codes).toEqual([0, 1, 2, INTERRUPTED]);
    expect(paragraph).toMatch(/`2` bad usage or a send not confirmed \(declined\s+at the prompt/);
  });

  it('stays a short guide that links into docs/, and every linked doc exists', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(160);
    const links = [...README.matchAll(/\]\((docs\/[\w.-]+\.md)(#[\w-]+)?\)/g)].map((m) => m[1]!);
    expect(new Set(links).size).toBeGreaterThanOrEqual(8);
    for (const link of links) expect(() => readFileSync(link), link).not.toThrow();
  });
});
