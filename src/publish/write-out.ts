/**
 * Writes a build's files so that `out/` is either the previous build or the
 * new one, never a mix: everything goes to a sibling temporary directory,
 * which then replaces `out/` by rename. A failed build aborts the staging
 * directory and leaves the previous `out/` exactly as it was.
 *
 * Files can be written as they are produced (the build streams each edition
 * to disk as soon as it is rendered, so memory does not grow with the
 * archive) and the swap happens once, at commit.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit } from '../util/map-limit.js';

export class StagedOutDir {
  private readonly dirs = new Set<string>();
  private count = 0;

  private constructor(
    readonly outDir: string,
    readonly tmp: string,
    private readonly old: string,
  ) {}

  static async begin(outDir: string): Promise<StagedOutDir> {
    const parent = path.dirname(path.resolve(outDir));
    const base = path.basename(path.resolve(outDir));
    const stamp = `${process.pid}-${Date.now()}`;
    const staged = new StagedOutDir(outDir, path.join(parent, `.${base}.tmp-${stamp}`), path.join(parent, `.${base}.old-${stamp}`));
    await mkdir(staged.tmp, { recursive: true });
    return staged;
  }

  /** Files written so far. */
  get files(): number {
    return this.count;
  }

  async write(rel: string, data: string | Uint8Array): Promise<void> {
    const file = path.join(this.tmp, rel);
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.dirs.add(dir);
    }
    await writeFile(file, data);
    this.count++;
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
