/**
 * A content-addressed store for the email program (email-program.ts): the HTML
 * MJML made of the layout, under the hash of the expanded layout and MJML's
 * version. A build whose templates did not change skips MJML entirely, even
 * loading it. Kept in `.briefwire/cache/` beside the output directory; a
 * corrupt or missing entry is simply compiled again.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProgramStore } from '../render/email-program.js';

export function cacheDirFor(outDir: string): string {
  return path.join(path.dirname(path.resolve(outDir)), '.briefwire', 'cache');
}

export function fileProgramStore(dir: string): ProgramStore {
  const file = (key: string) => path.join(dir, `email-${key}.html`);
  return {
    async get(key) {
      try {
        return await readFile(file(key), 'utf8');
      } catch {
        return undefined;
      }
    },
    async set(key, html) {
      try {
        await mkdir(dir, { recursive: true });
        // Written whole then renamed, so a reader never sees half an entry.
        const tmp = `${file(key)}.${process.pid}.tmp`;
        await writeFile(tmp, html);
        await rename(tmp, file(key));
      } catch {
        // A cache that cannot be written costs the next build one MJML compile, nothing more.
      }
    },
  };
}
