import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchPaths, type Watcher } from '../../src/preview/watch.js';

describe('watchPaths', () => {
  let watcher: Watcher | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await watcher?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('hands over a burst of saves as one batch', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'briefwire-watch-'));
    const batches: string[][] = [];
    watcher = watchPaths([dir], (b) => batches.push(b), { debounceMs: 60 });
    await watcher.ready;
    for (const name of ['a.md', 'b.md', 'a.md']) await writeFile(path.join(dir, name), name);
    await waitFor(() => batches.length > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((p) => path.basename(p)).sort()).toEqual(['a.md', 'b.md']);
  });

  it('does not lose a save made right after the previous one was handed over', async () => {
    // chokidar drops a file's change event that comes within 50 ms of the previous one;
    // without the watcher's re-check the second save below would never be reported.
    dir = await mkdtemp(path.join(os.tmpdir(), 'briefwire-watch-'));
    const file = path.join(dir, 'brief.md');
    await writeFile(file, 'zero');
    const seen: string[] = [];
    let resolveFirst: () => void;
    const first = new Promise<void>((r) => (resolveFirst = r));
    watcher = watchPaths(
      [dir],
      (batch) => {
        if (!batch.includes(file)) return;
        // Read at hand-over, as the preview does.
        void readFile(file, 'utf8').then((t) => {
          seen.push(t);
          resolveFirst();
        });
      },
      { debounceMs: 0 },
    );
    await watcher.ready;
    await writeFile(file, 'one');
    await first;
    await writeFile(file, 'two!');
    await waitFor(() => seen.at(-1) === 'two!', 2000);
    expect(seen[0]).toBe('one');
  });
});

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
