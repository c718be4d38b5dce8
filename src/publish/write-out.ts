/**
 * Writes a build's files so that `out/` is either the previous build or the
 * new one, never a mix: everything goes to a sibling temporary directory,
 * which then replaces `out/` by rename. A failed build never gets here, so
 * it leaves the previous `out/` exactly as it was.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit } from '../util/map-limit.js';

export async function writeOutDir(outDir: string, files: ReadonlyMap<string, string | Uint8Array>): Promise<void> {
  const parent = path.dirname(path.resolve(outDir));
  const base = path.basename(path.resolve(outDir));
  const stamp = `${process.pid}-${Date.now()}`;
  const tmp = path.join(parent, `.${base}.tmp-${stamp}`);
  const old = path.join(parent, `.${base}.old-${stamp}`);
  await mkdir(tmp, { recursive: true });
  try {
    const dirs = new Set([...files.keys()].map((f) => path.dirname(path.join(tmp, f))));
    await Promise.all([...dirs].map((d) => mkdir(d, { recursive: true })));
    // Bounded, so a 520-edition build does not open thousands of files at once.
    await mapLimit([...files], 64, ([rel, data]) => writeFile(path.join(tmp, rel), data));
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  let hadOld = true;
  try {
    await rename(outDir, old);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
    hadOld = false;
  }
  try {
    await rename(tmp, outDir);
  } catch (e) {
    // Put the previous build back rather than leave no out/ at all.
    if (hadOld) await rename(old, outDir);
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}
