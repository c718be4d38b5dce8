/**
 * The fingerprint of a build's inputs, `out/build-inputs.json`: a SHA-256 of
 * every file the build read (newsletter.yml, metrics.yml, each brief, each
 * template file). `send` compares it with the files as they are now and
 * refuses an edition whose inputs changed since it was built: what goes out
 * must be what was previewed and checked, not last Tuesday's wording.
 *
 * Which inputs count for an edition dated D: the settings, the registry, every
 * template, and the briefs dated D or earlier (the edition's own text, and the
 * earlier values its deltas, history and number come from). Next week's draft
 * does not hold up this week's send.
 *
 * The build reads its inputs once, for the fingerprint, and parses those
 * same bytes (readInputs): what the record names is exactly what was built,
 * and a file saved during a build reads as changed afterwards.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit } from '../util/map-limit.js';
import { EDITIONS_DIR, isBriefName, METRICS_FILE, NEWSLETTER_FILE } from '../content/load.js';
import { ISO_DATE_PATTERN } from '../util/iso-date.js';
import { readFromDisk, type ReadText } from '../util/read-text.js';
import { parseJsonWith } from '../util/parse-json.js';

export const BUILD_INPUTS_FILE = 'build-inputs.json';
const LEADING_DATE = new RegExp(`^(${ISO_DATE_PATTERN})`);

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The record as `send` reads it back: parsed through this schema, never cast. */
export const buildInputsSchema = z.object({
  version: z.literal(1),
  /** Directories as the build was given them (relative to where it ran, unless absolute). */
  contentDir: z.string(),
  templatesDir: z.string(),
  /** File path (as the build saw it) -> SHA-256 hex. */
  files: z.record(z.string(), z.string().regex(SHA256_HEX, 'not a SHA-256')),
});

export type BuildInputs = z.infer<typeof buildInputsSchema>;

export interface InputChange {
  file: string;
  change: 'changed' | 'added' | 'removed';
}

const readBytes = (file: string): Promise<Buffer | null> => readFile(file).catch(() => null);

async function listFiles(dir: string, recursive: boolean): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
  } catch {
    return [];
  }
}

/** Every input file the build reads, as paths under the given directories. */
async function inputFiles(contentDir: string, templatesDir: string): Promise<string[]> {
  const briefs = (await listFiles(path.join(contentDir, EDITIONS_DIR), false)).filter((f) => isBriefName(path.basename(f)));
  return [path.join(contentDir, NEWSLETTER_FILE), path.join(contentDir, METRICS_FILE), ...briefs, ...(await listFiles(templatesDir, true))];
}

export async function fingerprintInputs(contentDir: string, templatesDir: string): Promise<BuildInputs> {
  return (await readInputs(contentDir, templatesDir)).inputs;
}

/**
 * The inputs read once: their fingerprint, and a reader that gives the
 * loaders those same bytes (a file the fingerprint did not read comes from
 * disk). So a build parses exactly what it records, and reads each file once.
 */
export async function readInputs(contentDir: string, templatesDir: string): Promise<{ inputs: BuildInputs; read: ReadText }> {
  const list = await inputFiles(contentDir, templatesDir);
  // Read side by side (bounded): one at a time, a 520-brief archive waits on 520 round trips.
  const texts = await readTexts(list);
  const files: Record<string, string> = {};
  for (const [file, b] of texts) files[file] = createHash('sha256').update(b).digest('hex');
  return { inputs: { version: 1, contentDir, templatesDir, files }, read: handOver(texts) };
}

/** Each readable file's bytes, by path. */
async function readTexts(list: readonly string[]): Promise<Map<string, Buffer>> {
  const bytes = await mapLimit(list, 32, readBytes);
  const texts = new Map<string, Buffer>();
  list.forEach((file, i) => {
    if (bytes[i]) texts.set(file, bytes[i]!);
  });
  return texts;
}

/** A reader that hands each file's bytes over once and then lets them go: a 5,200-brief archive is 18 MB of text. */
function handOver(texts: Map<string, Buffer>): ReadText {
  const byPath = new Map([...texts].map(([file, b]) => [path.resolve(file), b]));
  texts.clear();
  return async (file) => {
    const key = path.resolve(file);
    const b = byPath.get(key);
    byPath.delete(key);
    return b?.toString('utf8') ?? readFromDisk(file);
  };
}

export function serializeBuildInputs(inputs: BuildInputs): string {
  return `${JSON.stringify(inputs, null, 2)}\n`;
}

/** The date an input file belongs to, for briefs (from the file name); null for settings and templates. */
function briefDate(file: string, contentDir: string): string | null {
  if (path.dirname(file) !== path.join(contentDir, EDITIONS_DIR)) return null;
  const m = LEADING_DATE.exec(path.basename(file));
  // A brief without a date in its name fails the build; count it for every edition to be safe.
  return m ? m[1]! : '0000-00-00';
}

function mattersFor(file: string, contentDir: string, editionDate: string): boolean {
  const date = briefDate(file, contentDir);
  return date === null || date <= editionDate;
}

/** Pure comparison of a recorded fingerprint with the current one, limited to what the edition depends on. */
export function compareInputs(recorded: BuildInputs, current: BuildInputs, editionDate: string): InputChange[] {
  const changes: InputChange[] = [];
  for (const [file, hash] of Object.entries(recorded.files)) {
    if (!mattersFor(file, recorded.contentDir, editionDate)) continue;
    const now = current.files[file];
    if (now === undefined) changes.push({ file, change: 'removed' });
    else if (now !== hash) changes.push({ file, change: 'changed' });
  }
  for (const file of Object.keys(current.files)) {
    if (!(file in recorded.files) && mattersFor(file, recorded.contentDir, editionDate)) changes.push({ file, change: 'added' });
  }
  return changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

export type StaleCheck =
  | { kind: 'fresh' }
  | { kind: 'stale'; changes: InputChange[] }
  /** The build predates fingerprints: nothing to compare with. */
  | { kind: 'unknown'; file: string; reason: string }
  /** The record is there but unreadable, or not a record (BW_BUILD_INPUTS_DAMAGED). */
  | { kind: 'damaged'; file: string; reason: string };

/** The record in `text`, or why it is not one. */
export function parseBuildInputs(text: string): BuildInputs | { damaged: string } {
  return parseJsonWith(buildInputsSchema, text, 'the record');
}

/** Whether the edition dated `editionDate` in `outDir` was built from the inputs as they are now. */
export async function checkBuildInputs(outDir: string, editionDate: string): Promise<StaleCheck> {
  const file = path.join(outDir, BUILD_INPUTS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'unknown', file, reason: 'not found (built before briefwire recorded its inputs)' };
    return { kind: 'damaged', file, reason: `unreadable: ${(e as Error).message}` };
  }
  const recorded = parseBuildInputs(text);
  if ('damaged' in recorded) return { kind: 'damaged', file, reason: recorded.damaged };
  const current = await fingerprintInputs(recorded.contentDir, recorded.templatesDir);
  const changes = compareInputs(recorded, current, editionDate);
  return changes.length === 0 ? { kind: 'fresh' } : { kind: 'stale', changes };
}

/** "content/editions/x.md (changed), templates/a.hbs (added)" */
export function describeChanges(changes: readonly InputChange[]): string {
  return changes.map((c) => `${c.file} (${c.change})`).join(', ');
}
