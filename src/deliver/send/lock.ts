/**
 * One sender per edition: `<state>/sends/<date>.lock`, created with O_EXCL and
 * holding the owner's pid, host and the host's boot time. Two overlapping cron
 * runs, or a manual send started while cron is sending, would otherwise both
 * see "not sent yet" in the ledger and mail everyone twice.
 *
 * `judgeLock` decides what an existing lock means, its holder judged by
 * util/process-owner.ts:
 *  - from another host: never assumed stale (we cannot see its processes);
 *    sharing a state dir across hosts is the operator's call, made by deleting
 *    the file, so it is reported as an error;
 *  - from an earlier boot of this host: stale, whatever its pid (after a
 *    reboot the pid may belong to some unrelated process now);
 *  - its pid is alive: a send is running;
 *  - otherwise stale (the sender was killed), and taken over.
 *
 * A takeover must not remove a lock that someone else just took over, and a
 * read-compare-unlink by several takers at once cannot promise that. So
 * takeovers are serialised by a guard file, `<date>.lock.takeover` (O_EXCL,
 * held for milliseconds): only its holder removes a stale lock, after reading
 * it once more. Nobody else removes a lock (its holder removes only its own,
 * and only the guard holder removes a stale one), so the re-read lock is still
 * the one that is removed. Creation is always O_EXCL, so exactly one sender
 * holds the lock.
 *
 * A guard left by a taker that crashed in those milliseconds is judged like a
 * lock and removed by renaming it aside (only one rename can win), checking it
 * is still what was judged, and linking it back otherwise.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { error, type Problem } from '../../problems.js';
import { SendLockFailed, SendLockForeign, SendRunning, SendStarting } from '../../problem-catalogue.js';
import { mkdirDurable } from '../jsonl.js';
import { sendsDir } from '../store/ledger.js';
import { bootTime, judgeOwner, parseOwner, thisProcess, type ProcessOwner } from '../../util/process-owner.js';

export interface LockInfo extends ProcessOwner {
  startedAt: string;
  /** Random per acquisition, so two locks never have the same content. */
  id?: string;
}

/** What an existing lock file means for someone who wants to send. */
export type LockState =
  | { kind: 'free' }
  | { kind: 'running'; holder: LockInfo }
  /** The file exists but has no readable content yet: its creator is writing it. */
  | { kind: 'starting' }
  | { kind: 'foreign'; holder: LockInfo }
  | { kind: 'stale'; holder?: LockInfo; reason: string };

export interface TakenOverLock {
  holder?: LockInfo;
  /** Why it was stale, e.g. "its process is gone". */
  reason: string;
}

export type LockOutcome =
  | { ok: true; file: string; takenOver?: TakenOverLock; release: () => Promise<void> }
  | { ok: false; file: string; state?: LockState; problem: Problem };

/** A lock file that exists but has no readable content is only considered abandoned after this long. */
const EMPTY_LOCK_GRACE_MS = 10_000;

export function lockFile(stateDir: string, date: string): string {
  return path.join(sendsDir(stateDir), `${date}.lock`);
}

/** Decides what a lock's content means. `ageMs` is the file's age, for unreadable content. */
export function judgeLock(text: string, ageMs: number, here = { host: hostname(), bootTime: bootTime() }): LockState {
  const holder = parseLock(text);
  if (!holder) {
    return ageMs < EMPTY_LOCK_GRACE_MS ? { kind: 'starting' } : { kind: 'stale', reason: 'it was left empty or unreadable' };
  }
  const owner = judgeOwner(holder, here);
  return owner.kind === 'gone' ? { kind: 'stale', holder, reason: owner.reason } : { kind: owner.kind, holder };
}

/** The state of an edition's lock right now, without changing anything (for `send --due`). */
export async function inspectSendLock(stateDir: string, date: string): Promise<{ file: string; state: LockState }> {
  const file = lockFile(stateDir, date);
  const seen = await readLock(file);
  return { file, state: seen ? judgeLock(seen.text, seen.ageMs) : { kind: 'free' } };
}

/** Why a lock in `state` keeps us from sending; for the states that do. */
export function lockProblem(file: string, date: string, state: LockState): Problem {
  switch (state.kind) {
    case 'running':
      return error(file, SendRunning, [date, state.holder.pid, state.holder.startedAt]);
    case 'starting':
      return error(file, SendStarting, [date]);
    case 'foreign':
      return error(file, SendLockForeign, [date, state.holder.host, state.holder.pid, state.holder.startedAt]);
    default:
      return error(file, SendLockFailed, [`the send lock of ${date} is ${state.kind}`]);
  }
}

export async function acquireSendLock(stateDir: string, date: string, now = new Date()): Promise<LockOutcome> {
  const file = lockFile(stateDir, date);
  const mine: LockInfo = { ...thisProcess(), startedAt: now.toISOString(), id: randomBytes(6).toString('hex') };
  const text = JSON.stringify(mine) + '\n';
  let takenOver: TakenOverLock | undefined;
  try {
    await mkdirDurable(path.dirname(file));
  } catch (e) {
    return { ok: false, file, problem: error(path.dirname(file), SendLockFailed, [`cannot create the directory for the send lock: ${(e as Error).message}`]) };
  }
  for (let tries = 0; tries < 5; tries++) {
    try {
      const fh = await open(file, 'wx');
      try {
        await fh.writeFile(text);
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
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return { ok: false, file, problem: error(file, SendLockFailed, [`cannot create the send lock: ${(e as Error).message}`]) };
    }
    const seen = await readLock(file);
    if (!seen) continue; // removed meanwhile: try again
    const state = judgeLock(seen.text, seen.ageMs);
    if (state.kind !== 'stale') return { ok: false, file, state, problem: lockProblem(file, date, state) };
    const guard = await takeGuard(file, date);
    if (!guard.ok) return { ok: false, file, problem: guard.problem };
    try {
      // Under the guard nobody else removes the lock, so if it still reads the same it is the stale one.
      if ((await readFile(file, 'utf8').catch(() => null)) === seen.text) {
        await unlink(file);
        takenOver = state.holder ? { holder: state.holder, reason: state.reason } : { reason: state.reason };
      }
    } catch (e) {
      return { ok: false, file, problem: error(file, SendLockFailed, [`cannot remove the stale send lock: ${(e as Error).message}`]) };
    } finally {
      await guard.release();
    }
  }
  return { ok: false, file, problem: error(file, SendLockFailed, ['could not take the send lock (it keeps changing); is another send starting?']) };
}

/** The takeover guard: like the lock, but held only while one stale lock is removed. */
async function takeGuard(lock: string, date: string): Promise<{ ok: true; release: () => Promise<void> } | { ok: false; problem: Problem }> {
  const guard = `${lock}.takeover`;
  const text = JSON.stringify({ ...thisProcess(), startedAt: new Date().toISOString(), id: randomBytes(6).toString('hex') });
  for (let tries = 0; tries < 3; tries++) {
    try {
      await writeFile(guard, text, { flag: 'wx' });
      return { ok: true, release: () => unlink(guard).catch(() => undefined) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return { ok: false, problem: error(guard, SendLockFailed, [`cannot create the takeover guard: ${(e as Error).message}`]) };
    }
    const seen = await readLock(guard);
    if (!seen) continue;
    const state = judgeLock(seen.text, seen.ageMs);
    if (state.kind === 'foreign') return { ok: false, problem: lockProblem(guard, date, state) };
    if (state.kind !== 'stale') return { ok: false, problem: error(lock, SendStarting, [date]) };
    await removeIfUnchanged(guard, seen.text);
  }
  return { ok: false, problem: error(guard, SendLockFailed, ['could not take the takeover guard (it keeps changing); is another send starting?']) };
}

/**
 * Removes `file` only if it still holds `expected`, even with other processes doing the same:
 * it is renamed to a name of our own first (only one rename of it can succeed). Returns true
 * when this call removed it; false when someone else got there first (the caller looks again).
 */
async function removeIfUnchanged(file: string, expected: string): Promise<boolean> {
  const aside = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.taking-over`;
  try {
    await rename(file, aside);
  } catch {
    return false; // gone: another taker moved it first
  }
  const moved = await readFile(aside, 'utf8').catch(() => null);
  if (moved === expected) {
    await unlink(aside).catch(() => undefined);
    return true;
  }
  // Between our read and the rename another taker replaced the stale lock with its own: give it back.
  // link fails if a lock appeared meanwhile; that one then stands, and we look again either way.
  await link(aside, file).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  return false;
}

async function readLock(file: string): Promise<{ text: string; ageMs: number } | null> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { text, ageMs: Date.now() - info.mtimeMs };
  } catch {
    return null;
  }
}

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (parseOwner(v) && typeof v.startedAt === 'string') return v as LockInfo;
  } catch {
    // torn or empty: the caller decides by age
  }
  return null;
}

