/**
 * Headless Chromium for browser tests: Debian's `chromium` driven by
 * playwright-core (playwright cannot download its own browsers here).
 * Without a browser the suite says so once and skips only the browser tests;
 * under CI=true a missing browser is a failure, never a skip.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);

if (!chromiumAvailable) {
  if (process.env['CI'] === 'true') {
    throw new Error(`CI=true but Chromium is missing at ${CHROMIUM_PATH}: .ci/run must install it (apt-get install -y chromium)`);
  }
  console.warn(`Chromium not found at ${CHROMIUM_PATH}: skipping browser tests (apt-get install chromium to run them).`);
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // playwright gives each launch a fresh temporary profile of its own.
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/** Screenshots and other artifacts go to test-artifacts/ (git-ignored; CI can keep them). */
export function artifactPath(name: string): string {
  const dir = path.resolve('test-artifacts');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
