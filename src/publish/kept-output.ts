/**
 * Whole editions and site pages from the build cache. What an edition
 * rendered to last time (the out/ files it wrote, by content hash, its
 * warnings, and the summary the site keeps of it) is stored under a hash of
 * everything those read. An edition whose computed numbers, text,
 * neighbours and settings are all as they were is neither viewed, filled
 * nor paged again: its files are linked from the previous out/ and its
 * summary goes straight to the site. The site's pages and feeds are kept the
 * same way, by their template and context (keptSiteFiles).
 *
 * The key is the computed edition itself (its figures, deltas, history,
 * number, neighbours' dates and body), the newsletter settings, the site
 * context its page reads (SiteWriter.editionContext), the compiled layout,
 * every template and the code. So a prose edit reaches one edition, and a
 * figure edit reaches exactly the editions whose computed rows it changed.
 */
import type { Edition, Newsletter } from '../model.js';
import { hasErrors, type Problem } from '../problems.js';
import type { EditionSummary, HistoryRow } from '../site/edition-summary.js';
import type { KeptFiles } from '../site/site-files.js';
import type { KeptIndex } from '../site/search-index.js';
import type { TemplateSet } from '../render/templates.js';
import type { BuildCache } from './build-cache.js';
import { renderKeys } from './cached-steps.js';
import { editionText, settingsText } from './edition-text.js';

/** What the build keeps of a rendered edition. */
export interface KeptEdition {
  problems: Problem[];
  /** Each file the edition wrote: out/ path and SHA-256. */
  files: [string, string][];
  summary: EditionSummary;
}

type StoredSummary = Omit<EditionSummary, 'rows' | 'feedHtml'> & { rows: [string, HistoryRow][]; feedHtml: string | null };
type Stored = Omit<KeptEdition, 'summary'> & { summary: StoredSummary };

function isStored(s: Stored | undefined): s is Stored {
  return Array.isArray(s?.problems) && Array.isArray(s.files) && Array.isArray(s.summary?.rows) && Array.isArray(s.summary.movers) && typeof s.summary.date === 'string';
}

export interface EditionMemo {
  lookup(edition: Edition, context: string): Promise<KeptEdition | undefined>;
  keep(edition: Edition, context: string, kept: KeptEdition): Promise<void>;
}

export function keptEditions(cache: BuildCache, templates: TemplateSet, newsletter: Newsletter): EditionMemo {
  const settings = settingsText(newsletter);
  // A build looks an edition up, then keeps it after a miss: its key is made once.
  const made = new WeakMap<Edition, { context: string; key: Promise<string | undefined> }>();
  const keyOf = (edition: Edition, context: string): Promise<string | undefined> => {
    const known = made.get(edition);
    if (known?.context === context) return known.key;
    const key = renderKeys(templates).then((keys) => keys && cache.key('edition', keys.program, keys.templates, settings, context, editionText(edition)));
    made.set(edition, { context, key });
    return key;
  };
  return {
    async lookup(edition, context) {
      const key = await keyOf(edition, context);
      const stored = key ? await cache.get<Stored>('edition', key) : undefined;
      if (!isStored(stored)) return undefined;
      const { rows, feedHtml, ...rest } = stored.summary;
      return { problems: stored.problems, files: stored.files, summary: { ...rest, rows: new Map(rows), feedHtml: feedHtml ?? undefined } };
    },
    async keep(edition, context, kept) {
      // Errors fail the build; only an edition that can ship is worth keeping.
      const key = hasErrors(kept.problems) ? undefined : await keyOf(edition, context);
      if (!key) return;
      const summary: StoredSummary = { ...kept.summary, rows: [...kept.summary.rows], feedHtml: kept.summary.feedHtml ?? null };
      cache.set('edition', key, { problems: kept.problems, files: kept.files, summary } satisfies Stored);
    },
  };
}

/**
 * The site's pages and feeds as the last build made them (SiteWriter's
 * KeptFiles): each file's hash under its path, its input, the templates and
 * the code.
 */
export function keptSiteFiles(cache: BuildCache, templates: TemplateSet): KeptFiles {
  const keyOf = async (rel: string, input: string) => {
    const keys = await renderKeys(templates);
    return keys && cache.key('page', keys.templates, rel, input);
  };
  return {
    async lookup(rel, input) {
      const key = await keyOf(rel, input);
      const sha256 = key ? await cache.get<string>('page', key) : undefined;
      return typeof sha256 === 'string' && /^[0-9a-f]{64}$/.test(sha256) ? sha256 : undefined;
    },
    async keep(rel, input, sha256) {
      const key = await keyOf(rel, input);
      if (key) cache.set('page', key, sha256);
    },
  };
}

/**
 * Share cards as the last build drew them: each card's hash under its path
 * and a digest of what it shows (card-layout.ts), not the templates, which
 * a card does not read. The code key covers the drawing code, satori, resvg
 * and the font package.
 */
export function keptCards(cache: BuildCache): KeptFiles {
  const keyOf = (rel: string, input: string) => cache.key('card', rel, input);
  return {
    async lookup(rel, input) {
      const sha256 = await cache.get<string>('card', keyOf(rel, input));
      return typeof sha256 === 'string' && /^[0-9a-f]{64}$/.test(sha256) ? sha256 : undefined;
    },
    async keep(rel, input, sha256) {
      cache.set('card', keyOf(rel, input), sha256);
    },
  };
}

const isIndexFiles = (v: unknown): v is [string, string][] =>
  Array.isArray(v) && v.every((f) => Array.isArray(f) && f.length === 2 && typeof f[0] === 'string' && typeof f[1] === 'string' && /^[0-9a-f]{64}$/.test(f[1]));

/** The search index as the last build made it: its files by out/ path and hash, under a digest of the pages it indexed. */
export function keptSearchIndex(cache: BuildCache): KeptIndex {
  return {
    async lookup(input) {
      const files = await cache.get<unknown>('search', cache.key('search', input));
      return isIndexFiles(files) && files.length > 0 ? files : undefined;
    },
    async keep(input, files) {
      cache.set('search', cache.key('search', input), files);
    },
  };
}
