import { describe, expect, test } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { removeLeftStagingDirs, stagingDirs, stampOwner } from '../../src/publish/staging-dirs.js';
import { thisProcess } from '../../src/util/process-owner.js';
import { generateArchive } from '../../bench/generate-archive.js';
import { startCli, runCli } from '../support/cli.js';
import { copySample } from '../support/fixtures.js';

/** The pid of a process that has exited: a build killed, as far as anyone can tell. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

const stamp = (host: string, bootTime: number, pid: number) => `${host}-${bootTime}-${pid}-1764000000000-0a1b2c3d`;

describe('staging directories beside out/', () => {
  test('are named for the build that made them: host, boot and pid read back from the name, dashes in the host too', () => {
    const me = thisProcess();
    const dirs = stagingDirs('/srv/news/out');
    expect(path.dirname(dirs.tmp)).toBe('/srv/news');
    expect(stampOwner(path.basename(dirs.tmp).slice('.out.tmp-'.length))).toEqual(me);
    expect(stampOwner(path.basename(dirs.old).slice('.out.old-'.length))).toEqual(me);
    expect(stampOwner(stamp('build-box-2.example', 1764000000000, 4242))).toEqual({ host: 'build-box-2.example', bootTime: 1764000000000, pid: 4242 });
    // As earlier versions named them: pid alone, on this host.
    expect(stampOwner('4242-1764000000000-0a1b2c3d', 'here')).toEqual({ host: 'here', pid: 4242 });
    expect(stampOwner('not-a-stamp')).toBeUndefined();
  });

  test('those of a build that is gone are removed; those of a running build, of another host or of another out/ are left', async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'briefwire-staging-'));
    const out = path.join(parent, 'out');
    const me = thisProcess();
    const gone = await deadPid();
    const running = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const names = {
        killedTmp: `.out.tmp-${stamp(me.host, me.bootTime!, gone)}`,
        killedOld: `.out.old-${stamp(me.host, me.bootTime!, gone)}`,
        earlierVersion: `.out.tmp-${gone}-1764000000000-0a1b2c3d`,
        beforeReboot: `.out.tmp-${stamp(me.host, me.bootTime! - 86_400_000, running.pid!)}`,
        runningBuild: `.out.tmp-${stamp(me.host, me.bootTime!, running.pid!)}`,
        otherHost: `.out.tmp-${stamp('another-host', me.bootTime!, gone)}`,
        otherOut: `.site.tmp-${stamp(me.host, me.bootTime!, gone)}`,
        journal: '.out.journal.json',
      };
      await mkdir(out);
      for (const name of Object.values(names)) {
        if (name === names.journal) await writeFile(path.join(parent, name), '{}');
        else await mkdir(path.join(parent, name, 'editions', '2025-01-06'), { recursive: true });
      }

      const removed = await removeLeftStagingDirs(out);
      expect(removed.sort()).toEqual([names.killedOld, names.killedTmp, names.earlierVersion, names.beforeReboot].sort());
      expect((await readdir(parent)).sort()).toEqual(['out', names.runningBuild, names.otherHost, names.otherOut, names.journal].sort());
    } finally {
      running.kill();
      await rm(parent, { recursive: true, force: true });
    }
  });

  test('a build killed while it stages leaves its directory; the next build removes it and builds', async () => {
    const s = await copySample();
    // A few hundred editions, so the build is still staging when it is killed.
    await rm(path.join(s.content, 'editions'), { recursive: true });
    await generateArchive(s.content, 150);
    const { child, done } = startCli(['build', '--content', s.content, '--templates', s.templates, '--out', s.out]);
    const staging = async () => (await readdir(s.root)).filter((n) => n.startsWith('.out.tmp-'));
    while ((await staging()).length === 0) {
      if (child.exitCode !== null) throw new Error('the build ended before it staged anything');
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await done;
    expect(await staging()).toHaveLength(1);

    const again = await runCli(['build', '--content', s.content, '--templates', s.templates, '--out', s.out]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Built 150 editions/);
    expect((await readdir(s.root)).filter((n) => n.startsWith('.out.'))).toEqual([]);
  });
});
