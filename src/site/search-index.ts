/**
 * The archive's full-text search index, made by Pagefind (the `pagefind`
 * package's Node API, which drives its indexer binary) from briefwire's own
 * list of published pages: every edition page and metric page this build
 * wrote, read back from the build's output, never a directory scan (so no
 * draft and no stray file in out/ can get in). The index goes to
 * `site/pagefind/`, in Pagefind's own layout; the search page's script
 * loads `pagefind/pagefind.js` from there.
 *
 * Pagefind cannot update an index, only make one, so a rebuild either keeps
 * the last index whole or makes it again: it is kept under a digest of every
 * indexed page's path and hash, and made again when any page changed.
 */
import * as pagefind from 'pagefind';
import { SEARCH_INDEX_DIR, SITE_DIR } from '../render/out-layout.js';
import type { DeferredFile } from '../publish/write-out.js';
import { jsonDigest } from '../util/json-digest.js';

/** The index as the last build made it: its files (out/ path, hash) under the digest of the pages it indexed. */
export interface KeptIndex {
  lookup(input: string): Promise<[string, string][] | undefined>;
  keep(input: string, files: [string, string][]): Promise<void>;
}

type Emit = (rel: string, data: Uint8Array | DeferredFile) => Promise<unknown> | void;

/** Pagefind's ready-made search interfaces: the search page has its own script, which loads only pagefind.js and the index. */
const UNUSED = /^pagefind-(ui|modular-ui|component-ui|highlight)\.(js|css)$/;

/** Pages read ahead of the one being indexed. */
const READ_AHEAD = 8;

/**
 * The index files, by out/ path, of the pages given (out/ path -> read).
 * Pages are added in path order, so the same pages give the same files.
 */
export async function makeSearchIndex(pages: readonly string[], read: (rel: string) => Promise<string>): Promise<Map<string, Uint8Array>> {
  open++;
  try {
    return await indexPages(pages, read);
  } finally {
    // The indexer is a process of its own, shared by the indexes this process makes: stopped with the last, so a build leaves nothing running.
    if (--open === 0) await pagefind.close();
  }
}

/** Indexes being made in this process (two builds in one process, as in the tests, share Pagefind's service). */
let open = 0;

async function indexPages(pages: readonly string[], read: (rel: string) => Promise<string>): Promise<Map<string, Uint8Array>> {
  const { index, errors } = await pagefind.createIndex({
    // Result links name the file, like every link of the site (works from any static host).
    keepIndexUrl: true,
    // The charts' SVG text (tick labels, tooltips) is not prose.
    excludeSelectors: ['svg'],
  });
  if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
  try {
    const prefix = `${SITE_DIR}/`;
    const sorted = [...pages].sort();
    // Read a few ahead, added one at a time in path order: Pagefind numbers pages as they arrive, and the same pages must give the same files.
    const texts = new Map<string, Promise<string>>();
    const fetch = (i: number) => {
      const rel = sorted[i];
      if (rel === undefined || texts.has(rel)) return;
      const text = read(rel);
      // Awaited in turn below; a read that fails before its turn must not count as unhandled meanwhile.
      text.catch(() => undefined);
      texts.set(rel, text);
    };
    for (let i = 0; i < sorted.length; i++) {
      for (let ahead = i; ahead < i + READ_AHEAD; ahead++) fetch(ahead);
      const rel = sorted[i]!;
      const content = await texts.get(rel)!;
      texts.delete(rel);
      const added = await index.addHTMLFile({ url: `/${rel.slice(prefix.length)}`, content });
      if (added.errors.length > 0) throw new Error(`Pagefind could not index ${rel}: ${added.errors.join('; ')}`);
    }
    const { files, errors: writeErrors } = await index.getFiles();
    if (writeErrors.length > 0) throw new Error(`Pagefind could not write its index: ${writeErrors.join('; ')}`);
    return new Map(files.filter((f) => !UNUSED.test(f.path)).map((f) => [`${prefix}${SEARCH_INDEX_DIR}/${f.path}`, f.content]));
  } finally {
    await index.deleteIndex().catch(() => undefined);
  }
}

/** Writes the index of the searchable pages, from the last build's when none of them changed. */
export class SearchIndexer {
  constructor(
    /** Every page to index, by out/ path, with its hash when the sink gave it. */
    private readonly pages: ReadonlyMap<string, string | undefined>,
    private readonly read: (rel: string) => Promise<string>,
    private readonly kept?: KeptIndex,
  ) {}

  async write(emit: Emit): Promise<void> {
    const rels = [...this.pages.keys()].sort();
    const make = () => makeSearchIndex(rels, this.read);
    // Only a build that knows every page's hash can tell that none changed.
    const known = rels.every((rel) => this.pages.get(rel) !== undefined);
    const input = this.kept && known ? jsonDigest(rels.map((rel) => [rel, this.pages.get(rel)])) : undefined;
    const kept = input === undefined ? undefined : await this.kept!.lookup(input);
    if (kept) {
      // Out/ still holds these files unless someone removed them: then the index is made again.
      let again: ReturnType<typeof make> | undefined;
      const load = async (rel: string) => (await (again ??= make())).get(rel) ?? Promise.reject(new Error(`${rel}: the kept search index no longer has this file`));
      for (const [rel, sha256] of kept) await emit(rel, { sha256, load: () => load(rel) });
      return;
    }
    const files = await make();
    const written: [string, string][] = [];
    for (const [rel, data] of files) {
      const sha = await emit(rel, data);
      if (typeof sha === 'string') written.push([rel, sha]);
    }
    if (input !== undefined && written.length === files.size) await this.kept!.keep(input, written);
  }
}
