/**
 * A content-addressed store for the email program (email-program.ts): the HTML
 * MJML made of the layout, under the hash of the expanded layout and MJML's
 * version. A build whose templates did not change skips MJML entirely, even
 * loading it. Kept in `.briefwire/cache/` beside the output directory; a
 * corrupt or missing entry (checked by its checksum, build-cache.ts) is
 * simply compiled again.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ProgramStore } from '../render/email-program.js';
import { readChecked, writeChecked } from './build-cache.js';

export function cacheDirFor(outDir: string): string {
  return path.join(path.dirname(path.resolve(outDir)), '.briefwire', 'cache');
}

export function fileProgramStore(dir: string): ProgramStore {
  const file = (key: string) => path.join(dir, `email-${key}.html`);
  return {
    get: (key) => readChecked(file(key), `program ${key}`),
    set: (key, html) => writeChecked(file(key), `program ${key}`, html),
  };
}

/** Whether the store holds any compiled program: when not (a first build), this build will surely run MJML. */
export async function holdsProgram(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((name) => /^email-[0-9a-f]{64}\.html$/.test(name));
  } catch {
    return false;
  }
}
