/** Temporary directories for tests, each removed after its test file. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/**
 * Every temporary directory the test file made, removed after its last test:
 * a test that fails, or leaves a directory for the next one, still leaves
 * nothing in the machine's temporary folder. Registered when a test file
 * first imports this module, which vitest evaluates afresh for each file.
 */
const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export async function tempDir(prefix = 'bw-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
