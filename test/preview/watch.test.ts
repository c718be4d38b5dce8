import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { batchChanges, RECHECK_MS, watchPaths, type Watcher } from '../../src/preview/watch.js';

/** Stamps under the test's control: a path's version is whatever the map says. */
function versions(): { stamp: (p: string) => Promise<string>; set: (p: string, v: string) => void } {
  const map = new Map<string, string>();
  return { stamp: async (p) => map.get(p) ?? 'v0', set: (p, v) => map.set(p, v) };
}

describe('batchChanges (fake clock)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands over a burst of saves as one batch once the tree has been quiet for the debounce', async () => {
    vi.useFakeTimers();
    const batches: string[][] = [];
    const batcher = batchChanges((b) => batches.push(b), { debounceMs: 60, stamp: versions().stamp });
    batcher.add('a.md');
    await vi.advanceTimersByTimeAsync(50);
    batcher.add('b.md');
    await vi.advanceTimersByTimeAsync(50);
    batcher.add('a.md');
    await vi.advanceTimersByTimeAsync(59);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([['a.md', 'b.md']]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(batches).toHaveLength(1);
    batcher.close();
  });

  it('never holds a file rewritten without pause longer than maxWaitMs', async () => {
    vi.useFakeTimers();
    const batches: { at: number; paths: string[] }[] = [];
    const start = Date.now();
    const batcher = batchChanges((paths) => batches.push({ at: Date.now() - start, paths }), { debounceMs: 40, maxWaitMs: 400, stamp: versions().stamp });
    for (let t = 0; t < 1000; t += 20) {
      batcher.add('busy.md');
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches[0]!.at).toBeLessThanOrEqual(400);
    expect(batches.every((b) => b.paths.join() === 'busy.md')).toBe(true);
    batcher.close();
  });

  it('hands a path over again when it changed after the hand-over without an event (chokidar throttle)', async () => {
    vi.useFakeTimers();
    const { stamp, set } = versions();
    const batches: string[][] = [];
    const batcher = batchChanges((b) => batches.push(b), { debounceMs: 0, stamp });
    batcher.add('brief.md');
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([['brief.md']]);
    set('brief.md', 'v1'); // the second save, whose event chokidar swallowed
    await vi.advanceTimersByTimeAsync(RECHECK_MS + 1);
    expect(batches).toEqual([['brief.md'], ['brief.md']]);
    // Unchanged since: nothing more.
    await vi.advanceTimersByTimeAsync(10 * RECHECK_MS);
    expect(batches).toHaveLength(2);
    batcher.close();
  });

  it('hands nothing over after close', async () => {
    vi.useFakeTimers();
    const batches: string[][] = [];
    const batcher = batchChanges((b) => batches.push(b), { debounceMs: 10, stamp: versions().stamp });
    batcher.add('a.md');
    batcher.close();
    batcher.add('b.md');
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches).toEqual([]);
  });
});

describe('watchPaths (real files)', () => {
  let watcher: Watcher | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await watcher?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Resolves when every wanted base name has been handed over in some batch. */
  function collector(wanted: readonly string[]): { onBatch: (b: string[]) => void; all: Promise<void>; seen: Set<string> } {
    const seen = new Set<string>();
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    return {
      seen,
      all,
      onBatch: (b) => {
        for (const p of b) seen.add(path.basename(p));
        if (wanted.every((w) => seen.has(w))) done();
      },
    };
  }

  it('hands over every file written, once the initial scan is ready', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'briefwire-watch-'));
    const c = collector(['a.md', 'b.md']);
    watcher = watchPaths([dir], c.onBatch);
    await watcher.ready;
    for (const name of ['a.md', 'b.md', 'a.md']) await writeFile(path.join(dir, name), name);
    await c.all;
    expect([...c.seen].sort()).toEqual(['a.md', 'b.md']);
  });

  it('does not lose a save made right after the previous one was handed over', async () => {
    // chokidar drops a file's change event that comes within 50 ms of the previous one;
    // without the watcher's re-check the second save below would never be reported.
    dir = await mkdtemp(path.join(os.tmpdir(), 'briefwire-watch-'));
    const file = path.join(dir, 'brief.md');
    await writeFile(file, 'zero');
    const seen: string[] = [];
    const waiting = new Map<string, () => void>();
    const saw = (text: string) => new Promise<void>((r) => waiting.set(text, r));
    const one = saw('one');
    const two = saw('two!');
    watcher = watchPaths(
      [dir],
      (batch) => {
        if (!batch.includes(file)) return;
        // Read at hand-over, as the preview does.
        void readFile(file, 'utf8').then((t) => {
          seen.push(t);
          waiting.get(t)?.();
        });
      },
      { debounceMs: 0 },
    );
    await watcher.ready;
    await writeFile(file, 'one');
    await one;
    await writeFile(file, 'two!');
    await two;
    expect(seen.indexOf('one')).toBeLessThan(seen.indexOf('two!'));
  });
});
