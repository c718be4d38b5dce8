/**
 * Writes a build's files so that `out/` is either the previous build or the
 * new one, never a mix: everything goes to a sibling temporary directory,
 * which then replaces `out/` by rename. A failed build aborts the staging
 * directory and leaves the previous `out/` exactly as it was.
 *
 * Files can be written as they are produced (the build streams each edition
 * to disk as soon as it is rendered, so memory does not grow with the
 * archive) and the swap happens once, at commit.
 *
 * Given a record of what the previous build wrote (OutRecord), a file whose
 * bytes are the same as last time is hard-linked from the previous out/
 * instead of written again, provided it is still the file that build wrote
 * (same inode, size and modification time: edited or replaced since, it is
 * written afresh). The previous out/ itself is never modified, so a failed
 * build still leaves it as it was.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, linkSync, lstatSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit } from '../util/map-limit.js';

interface WrittenFile {
  sha256: string;
  ino: number;
  size: number;
  mtimeMs: number;
}

/**
 * A file whose bytes are known by hash before they are read: when the
 * previous out/ holds those bytes the file is linked and `load` never runs.
 */
export interface DeferredFile {
  sha256: string;
  load: () => Promise<string>;
  /** The bytes `load` gives are known to hash to sha256 (they were hashed in this build): not hashed again. */
  verified?: boolean;
}

/** The SHA-256 of a file's bytes, as the out/ record holds it. */
export function contentHash(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function isDeferred(data: string | Uint8Array | DeferredFile): data is DeferredFile {
  return typeof data === 'object' && 'load' in data;
}

/** Each file of a built out/, by path: its content hash and the identity it had when written. */
export type OutRecord = Record<string, WrittenFile>;

const isWritten = (w: unknown): w is WrittenFile => {
  const f = w as WrittenFile | undefined;
  return typeof f?.sha256 === 'string' && typeof f.ino === 'number' && typeof f.size === 'number' && typeof f.mtimeMs === 'number';
};

/** A record read back from storage, checked field by field (anything odd: no reuse). */
export function parseOutRecord(text: string | undefined): OutRecord {
  try {
    const value = JSON.parse(text ?? 'null') as unknown;
    return value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).filter(([, w]) => isWritten(w))) : {};
  } catch {
    return {};
  }
}

export class StagedOutDir {
  private readonly dirs = new Set<string>();
  private count = 0;
  /** Files hard-linked from the previous out/ rather than written. */
  reused = 0;
  /** What this build wrote, when asked to keep a record (see begin). */
  readonly record: OutRecord = {};

  private constructor(
    readonly outDir: string,
    readonly tmp: string,
    private readonly old: string,
    private readonly previous: OutRecord | undefined,
  ) {}

  /** `previous`: the record of the out/ being replaced, or undefined to neither reuse files nor keep a record. */
  static async begin(outDir: string, previous?: OutRecord): Promise<StagedOutDir> {
    const parent = path.dirname(path.resolve(outDir));
    const base = path.basename(path.resolve(outDir));
    const stamp = `${process.pid}-${Date.now()}`;
    const staged = new StagedOutDir(outDir, path.join(parent, `.${base}.tmp-${stamp}`), path.join(parent, `.${base}.old-${stamp}`), previous);
    await mkdir(staged.tmp, { recursive: true });
    return staged;
  }

  /** Files written so far. */
  get files(): number {
    return this.count;
  }

  /**
   * Synchronous file calls on purpose: a build writes thousands of small
   * files and has nothing else to do meanwhile, and each asynchronous write
   * (open, write, stat, close, each a trip through libuv's thread pool) cost
   * more than the write itself.
   */
  async write(rel: string, data: string | Uint8Array | DeferredFile): Promise<void> {
    const file = path.join(this.tmp, rel);
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    this.count++;
    if (!this.previous) return writeFileSync(file, isDeferred(data) ? await data.load() : data);
    const before = this.previous[rel];
    const expected = isDeferred(data) ? data.sha256 : contentHash(data);
    if (before?.sha256 === expected && this.linkUnchanged(rel, before, file)) {
      this.record[rel] = before;
      this.reused++;
      return;
    }
    const bytes = isDeferred(data) ? await data.load() : data;
    // The record holds the hash of what was written, whatever was expected.
    const sha256 = isDeferred(data) && !data.verified ? contentHash(bytes) : expected;
    const fd = openSync(file, 'w');
    try {
      writeFileSync(fd, bytes);
      const s = fstatSync(fd);
      this.record[rel] = { sha256, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
    } finally {
      closeSync(fd);
    }
  }

  /** Links the previous build's file when it is still the one that build wrote; false when not (or linking fails). */
  private linkUnchanged(rel: string, before: WrittenFile, file: string): boolean {
    const source = path.join(this.outDir, rel);
    try {
      const s = lstatSync(source);
      if (!s.isFile() || s.ino !== before.ino || s.size !== before.size || s.mtimeMs !== before.mtimeMs) return false;
      linkSync(source, file);
      return true;
    } catch {
      return false;
    }
  }

  async abort(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true });
  }

  /** Swaps the staged directory in for out/. */
  async commit(): Promise<void> {
    let hadOld = true;
    try {
      await rename(this.outDir, this.old);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        await this.abort();
        throw e;
      }
      hadOld = false;
    }
    try {
      await rename(this.tmp, this.outDir);
    } catch (e) {
      // Put the previous build back rather than leave no out/ at all.
      if (hadOld) await rename(this.old, this.outDir);
      await this.abort();
      throw e;
    }
    if (hadOld) await rm(this.old, { recursive: true, force: true });
  }
}

export async function writeOutDir(outDir: string, files: ReadonlyMap<string, string | Uint8Array>): Promise<void> {
  const staged = await StagedOutDir.begin(outDir);
  try {
    // Bounded, so a 520-edition build does not open thousands of files at once.
    await mapLimit([...files], 64, ([rel, data]) => staged.write(rel, data));
  } catch (e) {
    await staged.abort();
    throw e;
  }
  await staged.commit();
}
