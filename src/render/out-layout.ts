/**
 * The layout of out/ and the edition.json contract, in one place.
 *
 *   out/editions/<date>/email.html    the email, with the unsubscribe placeholder
 *   out/editions/<date>/email.txt     its plain-text part
 *   out/editions/<date>/edition.json  the edition's data (editionJsonSchema below)
 *   out/site/...                      the public archive (page paths below)
 *
 * The build writes these, the sender, the server, the tests and anyone
 * scripting against the archive read them. It sits in the render layer
 * because that is the lowest one that needs it: the email's "View in
 * browser" link is the URL of the edition's site page.
 *
 * Paths inside out/ are posix and relative (the build's file map); the
 * functions taking `outDir` join onto a real directory.
 */
import path from 'node:path';
import { z } from 'zod';
import { isoDateSchema, metricDefSchema, metricIdentityShape } from '../content-contract.js';
import { metricComparisonSchema } from '../comparison-contract.js';
import { projectionSchema } from '../projection-contract.js';

export const EDITIONS_DIR = 'editions';
export const EMAIL_HTML = 'email.html';
export const EMAIL_TEXT = 'email.txt';
export const EDITION_JSON = 'edition.json';

/** `editions/<date>` inside out/. */
export function editionOutputDir(date: string): string {
  return `${EDITIONS_DIR}/${date}`;
}

/** `editions/<date>/<file>` inside out/, for one of the edition file names above. */
export function editionOutputFile(date: string, file: string): string {
  return `${editionOutputDir(date)}/${file}`;
}

export function builtEditionsDir(outDir: string): string {
  return path.join(outDir, EDITIONS_DIR);
}

export function builtEditionDir(outDir: string, date: string): string {
  return path.join(outDir, EDITIONS_DIR, date);
}

// ---------------------------------------------------------------- the site

/** Output folder of the site inside out/. Page paths below are relative to it. */
export const SITE_DIR = 'site';

export function siteOutputDir(outDir: string): string {
  return path.join(outDir, SITE_DIR);
}

export const HOME_PAGE = 'index.html';
export const METRICS_PAGE = 'metrics/index.html';
export const NOT_FOUND_PAGE = '404.html';
export const STYLESHEET = 'assets/site.css';
export const ATOM_FEED = 'feed.xml';
export const JSON_FEED = 'feed.json';
export const SITEMAP = 'sitemap.xml';
export const SEARCH_PAGE = 'search/index.html';
/** Where the search index goes (Pagefind's own layout inside it). */
export const SEARCH_INDEX_DIR = 'pagefind';
/** The search page's script. */
export const SEARCH_SCRIPT = 'assets/search.js';
/** A page's share card sits beside it: `editions/<date>/card.png`, `metrics/<key>/card.png`. */
export const CARD_FILE = 'card.png';

export function editionPagePath(date: string): string {
  return `${EDITIONS_DIR}/${date}/index.html`;
}

export function editionCardPath(date: string): string {
  return `${EDITIONS_DIR}/${date}/${CARD_FILE}`;
}

export function archiveYearPagePath(year: string): string {
  return `archive/${year}/index.html`;
}

/** Metric keys are validated to [a-z0-9_], so they are safe as path segments. */
export function metricPagePath(key: string): string {
  return `metrics/${key}/index.html`;
}

/** A file beside a metric's page (its data downloads). */
export function metricFilePath(key: string, name: string): string {
  return `metrics/${key}/${name}`;
}

/**
 * Absolute URL of a site page or file; `dir/index.html` becomes `dir/`. Takes
 * baseUrl as the newsletter schema leaves it (no trailing slash).
 */
export function absoluteUrl(baseUrl: string, page: string): string {
  const pretty = page === HOME_PAGE ? '' : page.replace(/(^|\/)index\.html$/, '$1');
  return `${baseUrl}/${pretty}`;
}

/** The edition's canonical URL: the email's "View in browser" link, the feeds' item id. */
export function editionUrl(baseUrl: string, date: string): string {
  return absoluteUrl(baseUrl, editionPagePath(date));
}

// ---------------------------------------------------------------- edition.json

/**
 * The edition.json contract. `version` says which contract a file follows; a
 * new contract gets a new schema here (with its own version literal) and the
 * readers accept the union, so archives built by an older briefwire keep
 * working. Files written before the version field existed are version 1.
 */
export const EDITION_JSON_VERSION = 3;

const isoDate = isoDateSchema;

const editionHead = {
  date: isoDate,
  /** Position in date order, 1 = oldest. */
  number: z.number().int().positive(),
  title: z.string(),
  /** The rendered subject line, plain text. */
  subject: z.string().trim().min(1, 'must not be empty'),
  preheader: z.string(),
  summary: z.string().nullable(),
  slug: z.string().nullable(),
  /** The edition's page in the archive (editionUrl). */
  url: z.string(),
  previousDate: isoDate.nullable(),
  nextDate: isoDate.nullable(),
  /** The brief it was built from, as the build was given it. */
  source: z.string(),
  htmlBytes: z.number().int().nonnegative(),
  sections: z.array(z.object({ id: z.string(), heading: z.string() })),
};

/** A metric's registry definition, as edition.json writes it. */
const metricHead = {
  ...metricIdentityShape,
  better: metricDefSchema.shape.better,
};

/**
 * A metric as edition.json writes it: its registry head and its comparison,
 * taken whole from the shared schema the model's `EditionMetric` is inferred
 * from, so the file and the model cannot disagree on a status or a field.
 */
const editionMetricJson = z.object({ ...metricHead, ...metricComparisonSchema.shape });

const editionJsonV2Shape = {
  ...editionHead,
  metrics: z.array(editionMetricJson),
  /** Metric keys of like-for-like changes, biggest first. */
  movers: z.array(z.string()),
};

/**
 * Version 3: every v2 field; derived metrics carry `derived` and `inputs`, an
 * actual can be `vs-projection`, and the edition's own projections are listed.
 */
export const editionJsonSchema = z.object({
  version: z.literal(EDITION_JSON_VERSION),
  ...editionJsonV2Shape,
  /** The newsletter's own projections (docs/content.md "Projections"), values to 10 decimal places. */
  projections: z.array(projectionSchema),
});

/** Version 2 (before derived metrics and projections): still read. */
const editionJsonV2Schema = z.object({ version: z.literal(2), ...editionJsonV2Shape });

/**
 * Version 1 (before periods and bases): still read, so an archive built by
 * an older briefwire can be sent without a rebuild. Files written before the
 * version field existed are version 1.
 */
const editionJsonV1Schema = z.object({
  version: z.literal(1).default(1),
  ...editionHead,
  metrics: z.array(
    z.object({
      ...metricHead,
      ...metricComparisonSchema.omit({ period: true, basis: true, previous: true, status: true }).shape,
      period: z.string().nullable(),
      previous: z.object({ value: z.number(), valueText: z.string(), date: isoDate, period: z.string().nullable() }).nullable(),
      status: z.enum(['new', 'changed', 'unchanged', 'not-reported']),
    }),
  ),
});

/** edition.json as read (after defaults) and as written. */
export type EditionJson = z.infer<typeof editionJsonSchema>;
export type EditionMetricJson = EditionJson['metrics'][number];
/** edition.json as an older briefwire wrote it. */
export type EditionJsonV1 = z.infer<typeof editionJsonV1Schema>;
export type EditionJsonV2 = z.infer<typeof editionJsonV2Schema>;
/** edition.json of any contract version a reader accepts. */
export type AnyEditionJson = EditionJson | EditionJsonV2 | EditionJsonV1;

export function serializeEditionJson(data: EditionJson): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** Parses and checks an edition.json text; on failure, why (one line per issue, with the field). */
export function parseEditionJson(text: string): { ok: true; value: AnyEditionJson } | { ok: false; issues: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, issues: [`not valid JSON: ${(e as Error).message}`] };
  }
  const version = typeof raw === 'object' && raw !== null ? (raw as { version?: unknown }).version : undefined;
  const schema = version === EDITION_JSON_VERSION ? editionJsonSchema : version === 2 ? editionJsonV2Schema : editionJsonV1Schema;
  const parsed = (schema as z.ZodType<AnyEditionJson>).safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((i) => (i.path.length ? `"${i.path.join('.')}" ${i.message}` : i.message)) };
}
