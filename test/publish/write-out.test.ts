import { describe, expect, test } from 'vitest';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { OutDirConflict, settleOutDir, StagedOutDir, type OutRecord } from '../../src/publish/write-out.js';
import { listBuiltEditions, loadEdition } from '../../src/deliver/send/built-editions.js';
import { ok } from '../../src/problems.js';
import { thisProcess } from '../../src/util/process-owner.js';
import { tempDir } from '../support/fixtures.js';

const WITNESS = 'build-inputs.json';

/** Every file under dir, relative path -> text. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[path.relative(dir, path.join(e.parentPath, e.name))] = await readFile(path.join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

async function build(outDir: string, files: Record<string, string>, previous?: OutRecord): Promise<StagedOutDir> {
  const staged = await StagedOutDir.begin(outDir, previous, WITNESS);
  for (const [rel, text] of Object.entries(files)) await staged.write(rel, text);
  await staged.commit();
  return staged;
}

async function sandbox(): Promise<{ root: string; out: string }> {
  const root = await tempDir('briefwire-write-out-');
  return { root, out: path.join(root, 'out') };
}

const first = { [WITNESS]: 'inputs 1', 'a.txt': 'a', 'd/b.txt': 'b', 'd/e/c.txt': 'c' };

describe('the staged out/', () => {
  test('without a record of out/ the new tree replaces it whole; with one, out/ is updated in place: changed files moved in, unchanged ones left, files no longer made removed with their emptied directories', async () => {
    const { root, out } = await sandbox();
    const one = await build(out, first, {});
    expect(one.inPlace).toBe(false);
    const aBefore = await stat(path.join(out, 'a.txt'));

    const two = await build(out, { [WITNESS]: 'inputs 2', 'a.txt': 'a', 'f.txt': 'f' }, one.record);
    expect(two.inPlace).toBe(true);
    expect(two.reused).toBe(1);
    expect(await tree(out)).toEqual({ [WITNESS]: 'inputs 2', 'a.txt': 'a', 'f.txt': 'f' });
    expect((await stat(path.join(out, 'a.txt'))).ino).toBe(aBefore.ino);
    // No directory the build no longer writes into, no staging directory or journal left beside out/.
    expect(await readdir(out)).not.toContain('d');
    expect(await readdir(root)).toEqual(['out']);

    // The record holds after the move: a third build with nothing changed writes nothing.
    const three = await build(out, { [WITNESS]: 'inputs 2', 'a.txt': 'a', 'f.txt': 'f' }, two.record);
    expect(three.reused).toBe(3);
  });

  test('in place, a path that was a file and is now a directory (and the reverse) is handed over: removals come before moves', async () => {
    const { out } = await sandbox();
    const one = await build(out, { [WITNESS]: 'inputs 1', x: 'a file', 'd/y.txt': 'in a directory' }, {});
    const two = await build(out, { [WITNESS]: 'inputs 2', 'x/inside.txt': 'now a directory', d: 'now a file' }, one.record);
    expect(two.inPlace).toBe(true);
    expect(await tree(out)).toEqual({ [WITNESS]: 'inputs 2', 'x/inside.txt': 'now a directory', d: 'now a file' });
  });

  test('out/ rebuilt since the record (its witness is another file) is replaced whole, so no file of that other build survives', async () => {
    const { out } = await sandbox();
    const one = await build(out, first, {});
    // Another build (the uncached one) replaced out/ and wrote a file the record does not know.
    await build(out, { ...first, [WITNESS]: 'inputs by another build', 'stray.txt': 's' });
    const again = await build(out, first, one.record);
    expect(again.inPlace).toBe(false);
    expect(await tree(out)).toEqual(first);
  });

  test('an in-place build that fails before commit leaves out/ as it was', async () => {
    const { root, out } = await sandbox();
    const one = await build(out, first, {});
    const staged = await StagedOutDir.begin(out, one.record, WITNESS);
    expect(staged.inPlace).toBe(true);
    await staged.write('a.txt', 'changed');
    await staged.write('new.txt', 'new');
    await staged.abort();
    expect(await tree(out)).toEqual(first);
    expect(await readdir(root)).toEqual(['out']);
  });

  test('a commit killed after writing its journal is finished before out/ is next read: by the next build, or by send', async () => {
    const { root, out } = await sandbox();
    await build(out, { ...first, 'editions/2025-01-06/edition.json': '{}' }, {});
    // What a killed in-place commit leaves: a.txt moved already, the new edition and c.txt's removal still to do.
    const tmp = path.join(root, '.out.tmp-killed');
    await mkdir(path.join(tmp, 'editions', '2025-01-13'), { recursive: true });
    await writeFile(path.join(out, 'a.txt'), 'a2');
    await writeFile(path.join(tmp, 'editions', '2025-01-13', 'edition.json'), '{"new":true}');
    const journal = { tmp, moves: ['a.txt', 'editions/2025-01-13/edition.json'], deletes: ['d/e/c.txt'] };
    await writeFile(path.join(root, '.out.journal.json'), JSON.stringify(journal));

    expect(await listBuiltEditions(out)).toEqual(ok(['2025-01-06', '2025-01-13']));
    expect(await tree(out)).toEqual({ [WITNESS]: 'inputs 1', 'a.txt': 'a2', 'd/b.txt': 'b', 'editions/2025-01-06/edition.json': '{}', 'editions/2025-01-13/edition.json': '{"new":true}' });
    expect(await readdir(root)).toEqual(['out']);
    // Settled once, there is nothing left to do.
    await settleOutDir(out);
    expect(await readdir(root)).toEqual(['out']);
  });

  /** What an in-place commit in progress (or killed) leaves beside out/: a.txt still to move in, c.txt still to remove. */
  async function journalOf(root: string, owner: object): Promise<string> {
    const tmp = path.join(root, '.out.tmp-other');
    await mkdir(tmp, { recursive: true });
    await writeFile(path.join(tmp, 'a.txt'), 'a2');
    const journal = path.join(root, '.out.journal.json');
    await writeFile(journal, JSON.stringify({ tmp, moves: ['a.txt'], deletes: ['d/e/c.txt'], owner }));
    return journal;
  }

  test('a journal whose build is still running is left to that build: a send waits for it, then reports the busy out/ rather than move files from under it', async () => {
    const { root, out } = await sandbox();
    await build(out, first, {});
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const journal = await journalOf(root, { ...thisProcess(), pid: other.pid });
      const settled = await settleOutDir(out, 300).catch((e: unknown) => e);
      expect(settled).toBeInstanceOf(OutDirConflict);
      expect((settled as OutDirConflict).problem).toMatchObject({ code: 'BW_OUT_DIR_BUSY', file: out, message: `is being updated by the build of process ${other.pid} on ${os.hostname()}, still after 0 s` });
      expect(await tree(out)).toEqual(first);
      expect(await readFile(journal, 'utf8')).toContain('a.txt');

      // The sender's readers of out/ report it as a problem, not an exception (send --due, schedule, skip, send).
      const busy = { ok: false, problems: [expect.objectContaining({ code: 'BW_OUT_DIR_BUSY', file: out })] };
      expect(await listBuiltEditions(out, { settleWaitMs: 100 })).toEqual(busy);
      expect(await loadEdition(out, '2025-01-06', { settleWaitMs: 100 })).toEqual(busy);

      // That build finishing its commit (here: removing its journal) is what the wait is for.
      setTimeout(() => void rm(journal), 100);
      await settleOutDir(out, 5000);
      expect(await tree(out)).toEqual(first);
    } finally {
      other.kill();
    }
  });

  test('a journal whose build was killed is carried out by whoever reads out/ next', async () => {
    const { root, out } = await sandbox();
    await build(out, first, {});
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await once(gone, 'exit');
    await journalOf(root, { ...thisProcess(), pid: gone.pid });
    await settleOutDir(out, 300);
    expect(await tree(out)).toEqual({ [WITNESS]: 'inputs 1', 'a.txt': 'a2', 'd/b.txt': 'b' });
    expect(await readdir(root)).toEqual(['out']);
  });

  test('a damaged journal is reported with its code and nothing is removed, by a build or a send', async () => {
    const { root, out } = await sandbox();
    await build(out, first, {});
    // What a damaged journal could otherwise remove: a directory beside out/ and a file in it.
    const victim = path.join(root, 'victim');
    await mkdir(victim);
    await writeFile(path.join(victim, 'keep.txt'), 'kept');
    const tmp = path.join(root, '.out.tmp-killed');
    const journals = [
      '{"tmp": "',
      JSON.stringify({ tmp: victim, moves: [], deletes: [] }),
      JSON.stringify({ tmp, moves: [], deletes: ['../victim/keep.txt'] }),
      JSON.stringify({ tmp, moves: [path.join(victim, 'keep.txt')], deletes: [] }),
      JSON.stringify({ tmp, moves: 'a.txt', deletes: [] }),
    ];
    const file = path.join(root, '.out.journal.json');
    for (const text of journals) {
      await writeFile(file, text);
      const settled = await settleOutDir(out, 100).catch((e: unknown) => e);
      expect(settled, text).toBeInstanceOf(OutDirConflict);
      expect((settled as OutDirConflict).problem).toMatchObject({ code: 'BW_BUILD_JOURNAL_DAMAGED', file, severity: 'error' });
      await expect(StagedOutDir.begin(out, {}, WITNESS)).rejects.toBeInstanceOf(OutDirConflict);
      expect(await listBuiltEditions(out, { settleWaitMs: 100 })).toEqual({ ok: false, problems: [expect.objectContaining({ code: 'BW_BUILD_JOURNAL_DAMAGED', file })] });
      expect(await tree(out)).toEqual(first);
      expect(await readFile(path.join(victim, 'keep.txt'), 'utf8')).toBe('kept');
      expect(await readFile(file, 'utf8')).toBe(text);
    }
  });

  test('two in-place builds at once: the second to commit writes nothing once the first has replaced out/', async () => {
    const { root, out } = await sandbox();
    const one = await build(out, first, {});
    const a = await StagedOutDir.begin(out, one.record, WITNESS);
    const b = await StagedOutDir.begin(out, one.record, WITNESS);
    expect([a.inPlace, b.inPlace]).toEqual([true, true]);
    for (const [staged, n] of [[a, 'A'], [b, 'B']] as const) {
      await staged.write(WITNESS, `inputs ${n}`);
      await staged.write('a.txt', `a ${n}`);
      await staged.write(`only-${n}.txt`, n);
    }
    await a.commit();
    const second = await b.commit().catch((e: unknown) => e);
    expect(second).toBeInstanceOf(OutDirConflict);
    expect((second as OutDirConflict).problem).toMatchObject({ code: 'BW_OUT_DIR_REPLACED', file: out });
    // A's tree, whole; nothing of B's; no staging directory left.
    expect(await tree(out)).toEqual({ [WITNESS]: 'inputs A', 'a.txt': 'a A', 'only-A.txt': 'A' });
    expect(await readdir(root)).toEqual(['out']);
  });
});
