/**
 * Watches directories with chokidar 4 and hands over changed paths in
 * batches. Editors save in bursts (write, rename, touch a backup; "save all"
 * writes several files), so events are collected until the tree has been
 * quiet for `debounceMs`, but never held longer than `maxWaitMs`, so a file
 * rewritten continuously still shows up. chokidar 4 has no globs: every path
 * is passed on and sources.ts decides what it is.
 *
 * chokidar drops a file's "change" events that follow its previous one
 * within 50 ms (no trailing event), so a second save in quick succession
 * (format-on-save, a script writing twice) would leave the preview on the
 * first version. Each batch is therefore stat-ed when handed over and again
 * shortly after that window; a file that changed in between goes out again.
 *
 * The batching (batchChanges) is apart from chokidar, so its timing is
 * tested with a fake clock.
 */
import { stat } from 'node:fs/promises';
import { watch } from 'chokidar';

export interface BatchOptions {
  /** Quiet time before a batch is handed over. Short: a save should show within a second. */
  debounceMs?: number;
  maxWaitMs?: number;
  /** Identity and version of a path; a file's stat by default. */
  stamp?: (p: string) => Promise<string>;
}

export interface WatchOptions extends BatchOptions {
  onError?: (err: unknown) => void;
}

export interface Watcher {
  /** Resolves once the initial scan is done and changes are being seen. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface Batcher {
  /** A path changed (any event). */
  add(changed: string): void;
  close(): void;
}

const IGNORED = /(^|[/\\])(\.git|node_modules)([/\\]|$)/;
/** Past chokidar's 50 ms change throttle. */
export const RECHECK_MS = 80;

/** Identity and version of a path: a different value means it was written, replaced or removed. */
async function statStamp(p: string): Promise<string> {
  try {
    const s = await stat(p);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

export function batchChanges(onBatch: (changed: string[]) => void, options: BatchOptions = {}): Batcher {
  const debounceMs = options.debounceMs ?? 40;
  const maxWaitMs = options.maxWaitMs ?? 400;
  const stamp = options.stamp ?? statStamp;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let firstAt = 0;
  let closed = false;

  const schedule = (delay: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), delay);
  };

  const flush = async () => {
    timer = undefined;
    if (closed || pending.size === 0) return;
    const batch = [...pending];
    pending.clear();
    const before = await Promise.all(batch.map(stamp));
    if (closed) return;
    onBatch(batch);
    const recheck = setTimeout(async () => {
      if (closed) return;
      const after = await Promise.all(batch.map(stamp));
      const missed = batch.filter((_, i) => after[i] !== before[i]);
      if (missed.length === 0 || closed) return;
      if (pending.size === 0) firstAt = Date.now();
      for (const p of missed) pending.add(p);
      schedule(0);
    }, RECHECK_MS);
    recheck.unref();
  };

  return {
    add(changed) {
      if (closed) return;
      const now = Date.now();
      if (pending.size === 0) firstAt = now;
      pending.add(changed);
      schedule(now - firstAt >= maxWaitMs ? 0 : debounceMs);
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}

export function watchPaths(paths: readonly string[], onBatch: (changed: string[]) => void, options: WatchOptions = {}): Watcher {
  const batcher = batchChanges(onBatch, options);
  const watcher = watch([...paths], {
    ignoreInitial: true,
    ignored: (p: string) => IGNORED.test(p),
    // No awaitWriteFinish: its polling adds its threshold to every save;
    // the debounce already waits for the burst to end.
  });
  watcher.on('all', (_event, changed) => batcher.add(changed));
  watcher.on('error', (err) => options.onError?.(err));

  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      batcher.close();
      await watcher.close();
    },
  };
}
