/**
 * Which process is doing something others must wait for (a send holding its
 * lock, a build moving files into out/), and whether it still is. An owner is
 * a pid on a host since a boot: a pid alone is not enough, since after a
 * reboot it may belong to an unrelated process.
 *
 * judgeOwner is the one place that decides:
 *  - another host: its processes cannot be seen, so it is never assumed gone;
 *  - an earlier boot of this host: gone, whatever its pid;
 *  - its pid is alive: still at work;
 *  - otherwise gone (it was killed).
 */
import { hostname, uptime } from 'node:os';

export interface ProcessOwner {
  pid: number;
  host: string;
  /** When the host booted, ms since the epoch to the second. Absent in records written by earlier versions (judged by pid alone). */
  bootTime?: number;
}

export type OwnerState = { kind: 'running' } | { kind: 'foreign' } | { kind: 'gone'; reason: string };

/**
 * Boot times computed as now - uptime wobble by a second or so, and more when
 * the clock is stepped (NTP); an owner counts as from an earlier boot only
 * when its boot time is earlier than this one's by more than this.
 */
const BOOT_TIME_SLACK_MS = 60_000;

/** When this host booted, ms since the epoch, rounded to the second. */
export function bootTime(): number {
  return Math.round((Date.now() - uptime() * 1000) / 1000) * 1000;
}

/** This process, as an owner. */
export function thisProcess(): ProcessOwner {
  return { pid: process.pid, host: hostname(), bootTime: bootTime() };
}

/** Whether `owner` is this very process (whose own record, left by a failure, is its to finish). */
export function isThisProcess(owner: ProcessOwner): boolean {
  return owner.pid === process.pid && owner.host === hostname();
}

export function judgeOwner(owner: ProcessOwner, here: { host: string; bootTime: number } = { host: hostname(), bootTime: bootTime() }): OwnerState {
  if (owner.host !== here.host) return { kind: 'foreign' };
  if (owner.bootTime !== undefined && owner.bootTime < here.bootTime - BOOT_TIME_SLACK_MS) return { kind: 'gone', reason: 'it is from before this host last booted' };
  if (isAlive(owner.pid)) return { kind: 'running' };
  return { kind: 'gone', reason: 'its process is gone' };
}

/** A record's owner field, checked field by field; undefined when it is not one. */
export function parseOwner(v: unknown): ProcessOwner | undefined {
  const o = v as Partial<ProcessOwner> | null | undefined;
  if (typeof o?.pid !== 'number' || typeof o.host !== 'string') return undefined;
  if (o.bootTime !== undefined && typeof o.bootTime !== 'number') return undefined;
  return o as ProcessOwner;
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
