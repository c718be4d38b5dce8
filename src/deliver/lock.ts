/**
 * One sender per edition: `<state>/sends/<date>.lock`, created with O_EXCL and
 * holding the owner's pid and host. Two overlapping cron runs, or a manual
 * send started while cron is sending, would otherwise both see "not sent yet"
 * in the ledger and mail everyone twice.
 *
 * A lock whose pid is gone on this host is stale (the sender was killed) and
 * is taken over. A lock from another host is never assumed stale: we cannot
 * see its processes, and sharing a state dir across hosts is the operator's
 * call to make explicitly by deleting the file.
 */
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { error, type Problem } from '../problems.js';
import { sendsDir } from './ledger.js';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

export type LockOutcome =
  | { ok: true; file: string; takenOver?: LockInfo; release: () => Promise<void> }
  | { ok: false; file: string; holder?: LockInfo; problem: Problem };

/** A lock file that exists but has no readable content is only considered abandoned after this long. */
const EMPTY_LOCK_GRACE_MS = 10_000;

export function lockFile(stateDir: string, date: string): string {
  return path.join(sendsDir(stateDir), `${date}.lock`);
}

export async function acquireSendLock(stateDir: string, date: string, now = new Date()): Promise<LockOutcome> {
  const file = lockFile(stateDir, date);
  const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
  const text = JSON.stringify(mine) + '\n';
  let takenOver: LockInfo | undefined;
  await mkdir(path.dirname(file), { recursive: true });
  for (let tries = 0; tries < 5; tries++) {
    try {
      const fh = await open(file, 'wx');
      try {
        await fh.write(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      const release = async (): Promise<void> => {
        // Only remove the lock if it is still ours (it could have been broken by hand and retaken).
        if ((await readFile(file, 'utf8').catch(() => '')) === text) await unlink(file).catch(() => undefined);
      };
      return takenOver ? { ok: true, file, takenOver, release } : { ok: true, file, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return { ok: false, file, problem: error(file, `cannot create the send lock: ${(e as Error).message}`) };
    }
    const seen = await readFile(file, 'utf8').catch(() => null);
    if (seen === null) continue; // removed meanwhile: try again
    const holder = parseLock(seen);
    if (!holder) {
      const age = Date.now() - (await stat(file).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age < EMPTY_LOCK_GRACE_MS) {
        return { ok: false, file, problem: error(file, 'another send of this edition is starting right now') };
      }
    } else if (holder.host !== mine.host) {
      return {
        ok: false,
        file,
        holder,
        problem: error(file, `a send of ${date} was started on host ${holder.host} (pid ${holder.pid}) at ${holder.startedAt}; if it is not running, delete this file`),
      };
    } else if (isAlive(holder.pid)) {
      return {
        ok: false,
        file,
        holder,
        problem: error(file, `a send of ${date} is already running (pid ${holder.pid}, started ${holder.startedAt})`),
      };
    }
    // Stale. Re-read right before removing so we never delete a lock someone else just took over.
    if ((await readFile(file, 'utf8').catch(() => null)) === seen) {
      await unlink(file).catch(() => undefined);
      if (holder) takenOver = holder;
    }
  }
  return { ok: false, file, problem: error(file, 'could not take the send lock (it keeps changing); is another send starting?') };
}

/** The live holder of an edition's lock, or null when it is free or stale. */
export async function liveLockHolder(stateDir: string, date: string): Promise<LockInfo | null> {
  const seen = await readFile(lockFile(stateDir, date), 'utf8').catch(() => null);
  const holder = seen === null ? null : parseLock(seen);
  if (!holder) return null;
  return holder.host !== hostname() || isAlive(holder.pid) ? holder : null;
}

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.startedAt === 'string') return v as LockInfo;
  } catch {
    // torn or empty: the caller decides by age
  }
  return null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else; still alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
