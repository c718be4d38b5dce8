import { describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { removeLeftStagingDirs, stagingDirs, stampOwner } from '../../src/publish/staging-dirs.js';
import { thisProcess } from '../../src/util/process-owner.js';
import { startCli, runCli } from '../support/cli.js';
import { copySample } from '../support/fixtures.js';

/** The pid of a process that has exited: a build killed, as far as anyone can tell. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

/**
 * Preloaded into a build (node --import): when the build moves its staging
 * directory into place (its commit), it writes that directory's path to the
 * file BRIEFWIRE_TEST_PAUSED names and stops there for good, blocking its
 * thread, so a test can kill it at a known point instead of racing it. It
 * wraps both rename calls a commit may use; the test fails loudly if the
 * build gets past without meeting either.
 */
const PAUSE_BEFORE_COMMIT = `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
const isStaging = (from) => path.basename(String(from)).startsWith('.out.tmp-');
function pauseForGood(from) {
  // Written whole, then moved into place with the real rename, so the test never reads half of it.
  fs.writeFileSync(process.env.BRIEFWIRE_TEST_PAUSED + '.tmp', String(from));
  renameSync(process.env.BRIEFWIRE_TEST_PAUSED + '.tmp', process.env.BRIEFWIRE_TEST_PAUSED);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
const rename = fs.promises.rename;
fs.promises.rename = (from, to) => (isStaging(from) ? pauseForGood(from) : rename(from, to));
const renameSync = fs.renameSync;
fs.renameSync = (from, to) => (isStaging(from) ? pauseForGood(from) : renameSync(from, to));
syncBuiltinESMExports();
`;

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
    const preload = path.join(s.root, 'pause-before-commit.mjs');
    const paused = path.join(s.root, 'paused');
    await writeFile(preload, PAUSE_BEFORE_COMMIT);
    const { child, done } = startCli(['build', '--content', s.content, '--templates', s.templates, '--out', s.out], {
      nodeArgs: ['--import', pathToFileURL(preload).href],
      env: { BRIEFWIRE_TEST_PAUSED: paused },
    });
    try {
      // The build stops for good at its commit: every file staged, out/ not yet there. No race with the kill.
      while (!existsSync(paused)) {
        if (child.exitCode !== null) throw new Error(`the build ended without reaching its commit: ${(await done).stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const staging = async () => (await readdir(s.root)).filter((n) => n.startsWith('.out.tmp-'));
      const [dir] = await staging();
      const sampleEditions = (await readdir(path.join(s.content, 'editions'))).length;
      expect(path.join(s.root, dir!)).toBe(await readFile(paused, 'utf8'));
      expect((await readdir(path.join(s.root, dir!, 'editions'))).length).toBe(sampleEditions);
      expect(existsSync(s.out)).toBe(false);
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      expect(await staging()).toEqual([dir]);

      const again = await runCli(['build', '--content', s.content, '--templates', s.templates, '--out', s.out]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`^Built ${sampleEditions} editions`));
      expect((await readdir(s.root)).filter((n) => n.startsWith('.out.'))).toEqual([]);
      expect((await readdir(path.join(s.out, 'editions'))).length).toBe(sampleEditions);
    } finally {
      child.kill('SIGKILL');
      await rm(s.root, { recursive: true, force: true });
    }
  });
});
