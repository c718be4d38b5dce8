/**
 * Runs once before the suite: says in one line when the browser tests will be
 * skipped, and refuses to skip them under CI=true.
 */
import { existsSync } from 'node:fs';

export default function setup(): void {
  const chromium = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (existsSync(chromium)) return;
  if (process.env['CI'] === 'true') {
    throw new Error(`CI=true but Chromium is missing at ${chromium}: .ci/run must install it (apt-get install -y chromium)`);
  }
  console.warn(`Chromium not found at ${chromium}: skipping the browser tests (apt-get install chromium to run them).`);
}
