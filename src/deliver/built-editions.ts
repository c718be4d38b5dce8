/**
 * The built edition as the sender sees it: `out/editions/<date>/` with
 * email.html, email.txt and edition.json from `briefwire build`. The sender
 * never renders; it only fills the unsubscribe placeholder per recipient, so
 * what was previewed is byte for byte what is sent.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { error, fail, ok, type Problem, type Result } from '../problems.js';
import { EditionFileMissing, EditionJsonInvalid, EditionNoUnsubscribe, IoFailed, NoBuiltEditions } from '../problem-catalogue.js';
import { EDITION_JSON, EMAIL_HTML, EMAIL_TEXT } from '../publish/edition-output.js';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../render/placeholders.js';

export interface EditionFiles {
  date: string;
  dir: string;
  number: number | null;
  title: string;
  /** Rendered plain-text subject from edition.json. */
  subject: string;
  html: string;
  text: string;
}

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function builtEditionsDir(outDir: string): string {
  return path.join(outDir, 'editions');
}

/**
 * Dates of built editions (those with an edition.json), oldest first. Runs on
 * every cron tick over the whole archive, so it only stats; loadEdition reads.
 */
export async function listBuiltEditions(outDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(builtEditionsDir(outDir));
  } catch {
    return [];
  }
  const candidates = names.filter((n) => DATE_PATTERN.test(n)).sort();
  const built = await Promise.all(
    // A half-built directory is not an edition.
    candidates.map((name) => stat(path.join(builtEditionsDir(outDir), name, EDITION_JSON)).then((s) => s.isFile(), () => false)),
  );
  return candidates.filter((_, i) => built[i]);
}

/** The newest built edition's date (for `send latest`). */
export async function latestBuiltEdition(outDir: string): Promise<Result<string>> {
  const dates = await listBuiltEditions(outDir);
  const last = dates[dates.length - 1];
  return last ? ok(last) : fail([error(builtEditionsDir(outDir), NoBuiltEditions)]);
}

export async function loadEdition(outDir: string, date: string): Promise<Result<EditionFiles>> {
  const dir = path.join(builtEditionsDir(outDir), date);
  const files = { html: path.join(dir, EMAIL_HTML), text: path.join(dir, EMAIL_TEXT), json: path.join(dir, EDITION_JSON) };
  const problems: Problem[] = [];
  const read = async (file: string): Promise<string | undefined> => {
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push(code === 'ENOENT' ? error(file, EditionFileMissing, [date]) : error(file, IoFailed, [(e as Error).message]));
      return undefined;
    }
  };
  const [html, text, jsonText] = await Promise.all([read(files.html), read(files.text), read(files.json)]);
  let meta: Record<string, unknown> | undefined;
  if (jsonText !== undefined) {
    try {
      const parsed: unknown = JSON.parse(jsonText);
      if (parsed && typeof parsed === 'object') meta = parsed as Record<string, unknown>;
      else problems.push(error(files.json, EditionJsonInvalid, ['must be a JSON object']));
    } catch (e) {
      problems.push(error(files.json, EditionJsonInvalid, [`not valid JSON: ${(e as Error).message}`]));
    }
  }
  if (meta) {
    if (typeof meta['subject'] !== 'string' || !meta['subject'].trim()) problems.push(error(files.json, EditionJsonInvalid, ['"subject" is missing or empty']));
    if (meta['date'] !== undefined && meta['date'] !== date) problems.push(error(files.json, EditionJsonInvalid, [`"date" is ${JSON.stringify(meta['date'])} but the directory is ${date}`]));
  }
  // Without the placeholder the email would go out with no working unsubscribe link.
  if (html !== undefined && !html.includes(UNSUBSCRIBE_URL_PLACEHOLDER)) {
    problems.push(error(files.html, EditionNoUnsubscribe, [UNSUBSCRIBE_URL_PLACEHOLDER]));
  }
  if (text !== undefined && !text.includes(UNSUBSCRIBE_URL_PLACEHOLDER)) {
    problems.push(error(files.text, EditionNoUnsubscribe, [UNSUBSCRIBE_URL_PLACEHOLDER]));
  }
  if (problems.length > 0 || html === undefined || text === undefined || !meta) return fail(problems);
  const subject = (meta['subject'] as string).replace(/\s+/g, ' ').trim();
  return ok({
    date,
    dir,
    number: typeof meta['number'] === 'number' ? meta['number'] : null,
    title: typeof meta['title'] === 'string' ? meta['title'] : subject,
    subject,
    html,
    text,
  });
}
