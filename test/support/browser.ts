/**
 * Headless Chromium for browser tests: Debian's `chromium` driven by
 * playwright-core (playwright cannot download its own browsers here).
 * Without a browser only the browser tests are skipped (describe.skipIf);
 * global-setup.ts says so once, and fails the run under CI=true.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);

// The one-line notice (and the CI=true failure) come from global-setup.ts, once per run.

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
