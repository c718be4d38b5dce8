import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireSendLock, judgeLock, lockFile } from '../../../src/deliver/send/lock.js';
import { bootTime } from '../../../src/util/process-owner.js';
import { useTempDir } from '../../support/fixtures.js';

let dir: string;
useTempDir('bw-deliver-', (d) => (dir = d));

describe('send lock', () => {
  const DEAD_PID = 2 ** 22 + 12345;

  it('lets exactly one of several concurrent takers have a stale lock', async () => {
    const file = lockFile(dir, '2025-03-10');
    await mkdir(path.dirname(file), { recursive: true });
    for (let round = 0; round < 40; round++) {
      await writeFile(file, JSON.stringify({ pid: DEAD_PID, host: hostname(), startedAt: `round ${round}` }));
      const outcomes = await Promise.all(Array.from({ length: 4 }, () => acquireSendLock(dir, '2025-03-10')));
      const winners = outcomes.filter((o) => o.ok);
      expect(winners, `round ${round}`).toHaveLength(1);
      for (const o of outcomes) if (!o.ok) expect(['BW_SEND_RUNNING', 'BW_SEND_STARTING'], `round ${round}`).toContain(o.problem.code);
      for (const w of winners) await w.release();
      expect(existsSync(file), `round ${round}: released`).toBe(false);
    }
    // Nothing left behind by the takeovers (no guards, no renamed copies).
    expect((await readdir(path.dirname(file))).filter((n) => n.includes('.lock'))).toEqual([]);
  });

  it('clears a takeover guard left by a taker that died in the middle of a takeover', async () => {
    const file = lockFile(dir, '2025-03-10');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ pid: DEAD_PID, host: hostname(), startedAt: 'then' }));
    await writeFile(`${file}.takeover`, JSON.stringify({ pid: DEAD_PID + 1, host: hostname(), startedAt: 'then' }));
    const lock = await acquireSendLock(dir, '2025-03-10');
    expect(lock.ok, lock.ok ? '' : lock.problem.message).toBe(true);
    if (lock.ok) await lock.release();
    expect(await readdir(path.dirname(file))).toEqual([]);
  });

  it('refuses a second holder and takes over a lock whose process is gone', async () => {
    const first = await acquireSendLock(dir, '2025-03-10');
    expect(first.ok).toBe(true);
    const second = await acquireSendLock(dir, '2025-03-10');
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.problem).toMatchObject({ code: 'BW_SEND_RUNNING', message: expect.stringMatching(/\(pid \d+/) });
    if (first.ok) await first.release();
    // A lock left by a killed process (pid that cannot exist).
    await writeFile(lockFile(dir, '2025-03-10'), JSON.stringify({ pid: DEAD_PID, host: hostname(), startedAt: 'then' }));
    const third = await acquireSendLock(dir, '2025-03-10');
    expect(third.ok && third.takenOver).toEqual({ holder: expect.objectContaining({ pid: DEAD_PID }), reason: 'its process is gone' });
    if (third.ok) await third.release();
  });

  it('takes over a lock from before the last boot even when its pid is alive again (recycled)', async () => {
    // This test process stands in for whatever got the old pid after the reboot.
    const old = { pid: process.pid, host: hostname(), bootTime: bootTime() - 86_400_000, startedAt: 'yesterday' };
    await mkdir(path.dirname(lockFile(dir, '2025-03-10')), { recursive: true });
    await writeFile(lockFile(dir, '2025-03-10'), JSON.stringify(old));
    const lock = await acquireSendLock(dir, '2025-03-10');
    expect(lock.ok && lock.takenOver).toEqual({ holder: old, reason: 'it is from before this host last booted' });
    if (!lock.ok) return;
    const written = JSON.parse(await readFile(lock.file, 'utf8')) as { pid: number; host: string; bootTime: number };
    expect(written).toMatchObject({ pid: process.pid, host: hostname() });
    expect(Math.abs(written.bootTime - bootTime())).toBeLessThanOrEqual(2000);
    await lock.release();
  });

  it('judges locks: boot-time wobble is the same boot, another host is never stale, torn is stale only when old', () => {
    const here = { host: 'box', bootTime: 1_700_000_000_000 };
    const lock = (extra: object): string => JSON.stringify({ pid: process.pid, host: 'box', startedAt: 't', ...extra });
    expect(judgeLock(lock({ bootTime: here.bootTime - 3000 }), 0, here).kind).toBe('running');
    expect(judgeLock(lock({}), 0, here).kind).toBe('running'); // written before boot times were recorded
    expect(judgeLock(lock({ bootTime: here.bootTime - 3_600_000 }), 0, here)).toMatchObject({ kind: 'stale', reason: 'it is from before this host last booted' });
    expect(judgeLock(lock({ host: 'other', bootTime: 0, pid: DEAD_PID }), 0, here).kind).toBe('foreign');
    expect(judgeLock(lock({ pid: DEAD_PID }), 0, here)).toMatchObject({ kind: 'stale', reason: 'its process is gone' });
    expect(judgeLock('{"pid":', 1000, here).kind).toBe('starting');
    expect(judgeLock('', 60_000, here).kind).toBe('stale');
  });

  it('refuses a lock from another host, saying how to release it', async () => {
    await mkdir(path.dirname(lockFile(dir, '2025-03-10')), { recursive: true });
    await writeFile(lockFile(dir, '2025-03-10'), JSON.stringify({ pid: DEAD_PID, host: 'elsewhere', bootTime: 0, startedAt: 'then' }));
    const lock = await acquireSendLock(dir, '2025-03-10');
    expect(lock.ok).toBe(false);
    if (!lock.ok) {
      expect(lock.problem.code).toBe('BW_SEND_LOCK_FOREIGN');
      expect(lock.problem.message).toContain('started on host elsewhere');
      expect(lock.problem.hint).toMatch(/delete this file/);
    }
  });
});

