/**
 * The real MJML worker pool: worker threads running the worker module built
 * from the current source (transpiled here, so this never tests a stale
 * dist/), including a worker that dies with jobs in flight.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MjmlError, MjmlPool, type MjmlOptions } from '../../src/render/mjml-pool.js';

const OPTIONS: MjmlOptions = { validationLevel: 'strict', keepComments: false, fonts: {}, filePath: 'templates/email.mjml.hbs' };

function doc(text: string): string {
  return `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;
}

/** Inside node_modules so the worker's own imports (mjml) resolve as they do from dist/. */
const WORKER = path.resolve('node_modules/.cache/briefwire-test/mjml-worker.mjs');

beforeAll(async () => {
  const source = await readFile('src/render/mjml-worker.ts', 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  await mkdir(path.dirname(WORKER), { recursive: true });
  await writeFile(WORKER, outputText);
});

describe('MjmlPool', () => {
  let pool: MjmlPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('compiles on worker threads, and reports validation errors with their lines', async () => {
    pool = new MjmlPool(WORKER, 2);
    const htmls = await Promise.all(['one', 'two', 'three'].map((t) => pool!.compile(doc(t), OPTIONS)));
    htmls.forEach((html, i) => expect(html).toContain(['one', 'two', 'three'][i]));
    expect(pool.workers).toHaveLength(2);
    const threadIds = new Set(pool.workers.map((w) => w.threadId));
    expect(threadIds.size).toBe(2);

    const invalid = await pool.compile('<mjml><mj-body><mj-nonsense /></mj-body></mjml>', OPTIONS).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(MjmlError);
    expect((invalid as MjmlError).errors?.[0]?.tagName).toBe('mj-nonsense');
  });

  it('when a worker dies mid-job: its own jobs fail with a clear error, the others complete, and the pool carries on', async () => {
    pool = new MjmlPool(WORKER, 2);
    // Jobs go to the least busy worker: 0, 1, 0, 1.
    const jobs = ['a0', 'b1', 'c0', 'd1'].map((t) => pool!.compile(doc(`job ${t}`), OPTIONS).then((html) => ({ html }), (error: unknown) => ({ error })));
    const [victim, survivor] = pool.workers;
    // Killed before it can have answered: a fresh worker spends far longer loading mjml than this takes.
    await victim!.terminate();
    const results = await Promise.all(jobs);

    for (const i of [0, 2]) {
      const { error } = results[i] as { error: unknown };
      expect(error).toBeInstanceOf(MjmlError);
      expect((error as MjmlError).message).toMatch(/^MJML worker stopped \(exit code \d+\) while compiling this email; the other emails were not affected/);
    }
    for (const i of [1, 3]) expect((results[i] as { html: string }).html).toContain(`job ${['a0', 'b1', 'c0', 'd1'][i]}`);

    // Still usable, at full size: the dead worker was replaced, the survivor kept.
    const after = await Promise.all(['e', 'f', 'g'].map((t) => pool!.compile(doc(`after ${t}`), OPTIONS)));
    after.forEach((html, i) => expect(html).toContain(`after ${['e', 'f', 'g'][i]}`));
    expect(pool.workers).toHaveLength(2);
    expect(pool.workers).toContain(survivor);
    expect(pool.workers).not.toContain(victim);
  });

  it('fails each job, instead of hanging, when workers cannot start at all', async () => {
    const broken = path.join(path.dirname(WORKER), 'broken-worker.mjs');
    await writeFile(broken, "throw new Error('cannot start');\n");
    pool = new MjmlPool(broken, 2);
    const first = await pool.compile(doc('x'), OPTIONS).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(MjmlError);
    expect((first as Error).message).toMatch(/^MJML worker crashed: cannot start while compiling this email/);
    // The next job starts a worker again and fails the same way: no job waits forever on a dead worker.
    const second = await pool.compile(doc('y'), OPTIONS).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(MjmlError);
  });
});
