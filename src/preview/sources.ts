/**
 * The preview's file I/O: reads the content and templates directories into
 * the texts PreviewState works on, and turns a batch of changed paths into
 * SourceChanges. File names follow loadContent (path.join(dir, ...)), so a
 * problem names a file exactly as `briefwire build` would.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { error, type Problem } from '../problems.js';
import { IoFailed } from '../problem-catalogue.js';
import { EDITIONS_DIR, isBriefName, listBriefs, METRICS_FILE, NEWSLETTER_FILE } from '../content/load.js';
import { describeIoError } from '../util/io-error.js';
import { readTemplateSources } from '../render/templates.js';
import type { ContentSources, SourceChange, TemplateSources, TextSource } from './state.js';

export interface SourceDirs {
  contentDir: string;
  templatesDir: string;
}

export async function readTextSource(file: string): Promise<TextSource> {
  return (await readOrMissing(file)) ?? { file, problem: error(file, IoFailed, [describeIoError(Object.assign(new Error('not found'), { code: 'ENOENT' }))]) };
}

/** The file's text, a problem when it cannot be read, or null when it does not exist. */
async function readOrMissing(file: string): Promise<TextSource | null> {
  try {
    return { file, text: await readFile(file, 'utf8') };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { file, problem: error(file, IoFailed, [describeIoError(e)]) };
  }
}

export async function readContentSources(dir: string): Promise<ContentSources> {
  const listing: Problem[] = [];
  const [newsletter, metrics, files] = await Promise.all([
    readTextSource(path.join(dir, NEWSLETTER_FILE)),
    readTextSource(path.join(dir, METRICS_FILE)),
    listBriefs(path.join(dir, EDITIONS_DIR), listing),
  ]);
  const briefs = new Map<string, TextSource>();
  for (const source of await Promise.all(files.map(readTextSource))) briefs.set(source.file, source);
  return { dir, newsletter, metrics, briefs, listing };
}

export async function readTemplates(dir: string): Promise<TemplateSources> {
  const { sources, problems } = await readTemplateSources(dir);
  return { dir, sources, problems };
}

export type PathKind = 'newsletter' | 'metrics' | 'brief' | 'template' | 'content-dir' | 'ignored';

/** Which source a changed path is; chokidar 4 has no globs, so the filtering is here. */
export function classifyPath(dirs: SourceDirs, changed: string): PathKind {
  const abs = path.resolve(changed);
  const content = path.resolve(dirs.contentDir);
  const templates = path.resolve(dirs.templatesDir);
  const inTemplates = relativeInside(templates, abs);
  if (inTemplates !== undefined) {
    if (inTemplates === '') return 'template'; // the directory itself
    return abs.endsWith('.hbs') ? 'template' : 'ignored';
  }
  const rel = relativeInside(content, abs);
  if (rel === undefined) return 'ignored';
  if (rel === '' || rel === EDITIONS_DIR) return 'content-dir';
  if (rel === NEWSLETTER_FILE) return 'newsletter';
  if (rel === METRICS_FILE) return 'metrics';
  const parts = rel.split(path.sep);
  if (parts.length === 2 && parts[0] === EDITIONS_DIR && isBriefName(parts[1]!)) return 'brief';
  return 'ignored';
}

function relativeInside(dir: string, abs: string): string | undefined {
  const rel = path.relative(dir, abs);
  if (rel === '') return '';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel;
}

/**
 * Reads what a batch of changed paths needs. Briefs are read one by one; a
 * brief that can no longer be read because it is gone (deleted, or renamed
 * away) is a removal, not an error. Templates are re-read as a set: there
 * are a handful and a partial's name depends on its path.
 */
export async function readChanges(dirs: SourceDirs, changed: Iterable<string>): Promise<SourceChange[]> {
  const kinds = new Map<string, PathKind>();
  for (const p of changed) kinds.set(p, classifyPath(dirs, p));
  const seen = new Set(kinds.values());
  const changes: SourceChange[] = [];
  if (seen.has('content-dir')) {
    changes.push({ kind: 'content', content: await readContentSources(dirs.contentDir) });
  } else {
    if (seen.has('newsletter')) changes.push({ kind: 'newsletter', source: await readTextSource(path.join(dirs.contentDir, NEWSLETTER_FILE)) });
    if (seen.has('metrics')) changes.push({ kind: 'metrics', source: await readTextSource(path.join(dirs.contentDir, METRICS_FILE)) });
    const briefs = [...kinds].filter(([, k]) => k === 'brief').map(([p]) => briefFile(dirs.contentDir, p));
    for (const file of new Set(briefs)) {
      changes.push({ kind: 'brief', file, source: await readOrMissing(file) });
    }
  }
  if (seen.has('template')) changes.push({ kind: 'templates', templates: await readTemplates(dirs.templatesDir) });
  return changes;
}

/** The brief's path as loadContent spells it: joined onto the content dir as given (relative stays relative). */
export function briefFile(contentDir: string, changed: string): string {
  return path.join(contentDir, EDITIONS_DIR, path.basename(changed));
}
