/**
 * Runs once before the suite, also under plain `npx vitest run`:
 * - compiles src/ to dist/ (incremental: a no-op when nothing changed), because
 *   the CLI tests run dist/cli.js as a user would; without this they would
 *   silently test whatever was compiled last;
 * - says in one line when the browser tests will be skipped, and refuses to
 *   skip them under CI=true.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

function compileSource(): void {
  const tsc = path.resolve('node_modules/typescript/bin/tsc');
  // The build info lives inside dist/, so deleting dist/ also forces a full compile.
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`compiling src/ to dist/ failed (the CLI tests run dist/):\n${r.stdout}${r.stderr}`);
}

export default function setup(): void {
  compileSource();
  const chromium = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (existsSync(chromium)) return;
  if (process.env['CI'] === 'true') {
    throw new Error(`CI=true but Chromium is missing at ${chromium}: .ci/run must install it (apt-get install -y chromium)`);
  }
  console.warn(`Chromium not found at ${chromium}: skipping the browser tests (apt-get install chromium to run them).`);
}
