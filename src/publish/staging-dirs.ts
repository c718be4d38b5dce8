/**
 * What a build keeps beside out/ (`besideOutDir`: the journal, and the
 * directories it stages out/ in): `.out.tmp-<stamp>` for
 * the new files and `.out.old-<stamp>` for the tree a whole swap replaces.
 * A build that is killed (Ctrl-C, SIGKILL, a crash) leaves them behind, up
 * to a whole archive's worth each. The stamp names the build that made them
 * (host, boot, pid), so the next build removes those whose build is gone and
 * leaves alone those of a build still running, here or on another host.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { judgeOwner, thisProcess, type ProcessOwner } from '../util/process-owner.js';

export interface StagingDirs {
  /** Where the new files are staged. */
  tmp: string;
  /** Where a whole swap moves the previous out/ before removing it. */
  old: string;
}

const KINDS = ['tmp', 'old'] as const;

/** What a build keeps beside outDir is named `.<out>.<suffix>`, in out/'s parent directory. */
export function besideOutDir(outDir: string, suffix: string): { parent: string; name: string; file: string } {
  const resolved = path.resolve(outDir);
  const parent = path.dirname(resolved);
  const name = `.${path.basename(resolved)}.${suffix}`;
  return { parent, name, file: path.join(parent, name) };
}

/** A new pair of staging directories for this process: unique even for two builds it starts in one millisecond. */
export function stagingDirs(outDir: string): StagingDirs {
  const me = thisProcess();
  const stamp = `${me.host}-${me.bootTime}-${me.pid}-${Date.now()}-${randomBytes(4).toString('hex')}`;
  return { tmp: besideOutDir(outDir, `tmp-${stamp}`).file, old: besideOutDir(outDir, `old-${stamp}`).file };
}

/** host-boot-pid-ms-random; the host may hold dashes, the rest are digits. */
const STAMP = /^(.+)-(\d+)-(\d+)-\d+-[0-9a-f]{8}$/;
/** pid-ms-random, as earlier versions named them: judged by pid alone, as their journals are. */
const EARLIER_STAMP = /^(\d+)-\d+-[0-9a-f]{8}$/;

/** The build a staging directory's stamp names, or undefined for a name that is not one. */
export function stampOwner(stamp: string, host: string = thisProcess().host): ProcessOwner | undefined {
  const m = STAMP.exec(stamp);
  if (m) return { host: m[1]!, bootTime: Number(m[2]), pid: Number(m[3]) };
  const earlier = EARLIER_STAMP.exec(stamp);
  return earlier ? { host, pid: Number(earlier[1]) } : undefined;
}

/** Removes the staging directories beside outDir whose build is gone; returns their names. */
export async function removeLeftStagingDirs(outDir: string): Promise<string[]> {
  const { parent } = besideOutDir(outDir, '');
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const left = names.filter((name) =>
    KINDS.some((kind) => {
      const p = besideOutDir(outDir, `${kind}-`).name;
      const owner = name.startsWith(p) ? stampOwner(name.slice(p.length)) : undefined;
      return owner !== undefined && judgeOwner(owner).kind === 'gone';
    }),
  );
  await Promise.all(left.map((name) => rm(path.join(parent, name), { recursive: true, force: true })));
  return left;
}
