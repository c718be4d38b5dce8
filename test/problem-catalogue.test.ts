import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as catalogue from '../src/problem-catalogue.js';
import { error, formatProblem, warning } from '../src/problems.js';

const root = path.resolve(import.meta.dirname, '..');
const entries = Object.entries(catalogue as Record<string, unknown>).filter((e): e is [string, catalogue.ProblemDef] => typeof e[1] === 'object' && e[1] !== null && 'code' in e[1]);

describe('problem catalogue', () => {
  it('gives every entry a distinct code of the form BW_UPPER_CASE and a title', () => {
    expect(entries.length).toBeGreaterThan(40);
    for (const [name, def] of entries) {
      expect(def.code, name).toMatch(/^BW_[A-Z0-9]+(_[A-Z0-9]+)*$/);
      expect(def.title.trim(), name).not.toBe('');
    }
    const codes = entries.map(([, def]) => def.code);
    expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
  });

  it('has no entry that nothing in src/ reports', async () => {
    const files = (await readdir(path.join(root, 'src'), { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('problem-catalogue.ts'));
    const text = (await Promise.all(files.map((f) => readFile(path.join(root, 'src', f), 'utf8')))).join('\n');
    expect(entries.map(([name]) => name).filter((name) => !new RegExp(`\\b${name}\\b`).test(text))).toEqual([]);
  });

  it('docs/errors.md is what `npm run docs:errors` writes from the catalogue', async () => {
    const run = await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'errors-doc.mjs'), '--check']).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(run, 'run "npm run docs:errors" and commit docs/errors.md').toEqual({ code: 0, stderr: '' });
    const doc = await readFile(path.join(root, 'docs', 'errors.md'), 'utf8');
    for (const [, def] of entries) expect(doc).toContain(`## ${def.code}\n`);
  });
});

describe('problems from the catalogue', () => {
  it('carry the code, the message built from the arguments and the hint', () => {
    const p = error('content/editions/2025-03-10.md', catalogue.MetricUnknown, ['markte', 'market'], { line: 7, column: 3 });
    expect(p).toEqual({
      code: 'BW_METRIC_UNKNOWN',
      file: 'content/editions/2025-03-10.md',
      line: 7,
      column: 3,
      message: 'unknown metric "markte"',
      hint: 'did you mean "market"?',
      severity: 'error',
    });
    expect(formatProblem(p)).toBe('content/editions/2025-03-10.md:7:3: error[BW_METRIC_UNKNOWN]: unknown metric "markte"\n  hint: did you mean "market"?');
  });

  it('leave the hint out when the entry has none for the case', () => {
    const p = warning('subscribers.csv', catalogue.SubscriberDuplicate, ['a@example.com'], { line: 4 });
    expect(p).not.toHaveProperty('hint');
    expect(formatProblem(p)).toBe('subscribers.csv:4: warning[BW_SUBSCRIBER_DUPLICATE]: skipped: duplicate of an earlier row (a@example.com)');
    expect(error('x.md', catalogue.MetricNotNumber, ['a', '12', '%'])).not.toHaveProperty('hint');
    expect(error('x.md', catalogue.MetricNotNumber, ['a', '"12%"', '%']).hint).toContain('write the number alone');
  });

  // The assertions here are the @ts-expect-error lines: `npm test` type-checks this file and fails if any call compiles.
  it('check the message arguments at compile time', () => {
    // @ts-expect-error: MetricUnknown needs the key (and the nearest known one).
    error('x.md', catalogue.MetricUnknown);
    // @ts-expect-error: a message that takes no arguments takes none.
    error('x.md', catalogue.MetricsEmpty, ['extra']);
    // @ts-expect-error: free text is not a problem; add an entry to the catalogue.
    error('x.md', 'something went wrong');
    // @ts-expect-error: nor is a look-alike made up on the spot; only catalogue entries are.
    error('x.md', { code: 'BW_MADE_UP', title: 'Made up', message: 'made up' });
    // @ts-expect-error: codes compared in code are checked against the catalogue too.
    expect(error('x.md', catalogue.MetricsEmpty).code === 'BW_METRICS_EMTPY').toBe(false);
    // @ts-expect-error: arguments of the wrong type.
    error('x.md', catalogue.MetricShareRange, ['share', 140]);
    expect(error('x.md', catalogue.MetricShareRange, ['share', '140']).message).toContain('140');
  });
});
