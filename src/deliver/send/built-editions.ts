/**
 * The built edition as the sender sees it: `out/editions/<date>/` with
 * email.html, email.txt and edition.json from `briefwire build` (layout and
 * contract in render/out-layout.ts). The sender
 * never renders; it only fills the unsubscribe placeholder per recipient, so
 * what was previewed is byte for byte what is sent.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { error, fail, ok, type Problem, type Result } from '../../problems.js';
import { EditionFileMissing, EditionJsonInvalid, EditionNoUnsubscribe, IoFailed, NoBuiltEditions } from '../../problem-catalogue.js';
import { builtEditionDir, builtEditionsDir, EDITION_JSON, EMAIL_HTML, EMAIL_TEXT, parseEditionJson, type AnyEditionJson } from '../../render/out-layout.js';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../../render/placeholders.js';
import { isIsoDate } from '../../util/iso-date.js';
import { OutDirConflict, settleOutDir } from '../../publish/write-out.js';

export interface EditionFiles {
  date: string;
  dir: string;
  number: number;
  title: string;
  /** Rendered plain-text subject from edition.json. */
  subject: string;
  html: string;
  text: string;
}

/** How long a reader of out/ waits for a build that is updating it (settleOutDir's default when absent). */
export interface ReadOutOptions {
  settleWaitMs?: number;
}

/**
 * out/ ready to read: a build killed while it updated out/ in place is
 * finished first, so the sender never reads half of one. A build still
 * updating it past the wait is a problem to report (BW_OUT_DIR_BUSY).
 */
async function settledForReading(outDir: string, options: ReadOutOptions): Promise<Problem[]> {
  try {
    await settleOutDir(outDir, options.settleWaitMs);
    return [];
  } catch (e) {
    if (e instanceof OutDirConflict) return [e.problem];
    throw e;
  }
}

/**
 * Dates of built editions (those with an edition.json), oldest first. Runs on
 * every cron tick over the whole archive, so it only stats; loadEdition reads.
 */
export async function listBuiltEditions(outDir: string, options: ReadOutOptions = {}): Promise<Result<string[]>> {
  const busy = await settledForReading(outDir, options);
  if (busy.length > 0) return fail(busy);
  let names: string[];
  try {
    names = await readdir(builtEditionsDir(outDir));
  } catch {
    return ok([]);
  }
  const candidates = names.filter(isIsoDate).sort();
  const built = await Promise.all(
    // A half-built directory is not an edition.
    candidates.map((name) => stat(path.join(builtEditionsDir(outDir), name, EDITION_JSON)).then((s) => s.isFile(), () => false)),
  );
  return ok(candidates.filter((_, i) => built[i]));
}

/** The newest built edition's date (for `send latest`). */
export async function latestBuiltEdition(outDir: string): Promise<Result<string>> {
  const dates = await listBuiltEditions(outDir);
  if (!dates.ok) return dates;
  const last = dates.value[dates.value.length - 1];
  return last ? ok(last) : fail([error(builtEditionsDir(outDir), NoBuiltEditions)]);
}

export async function loadEdition(outDir: string, date: string, options: ReadOutOptions = {}): Promise<Result<EditionFiles>> {
  const busy = await settledForReading(outDir, options);
  if (busy.length > 0) return fail(busy);
  const dir = builtEditionDir(outDir, date);
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
  let meta: AnyEditionJson | undefined;
  if (jsonText !== undefined) {
    const parsed = parseEditionJson(jsonText);
    if (!parsed.ok) for (const issue of parsed.issues) problems.push(error(files.json, EditionJsonInvalid, [issue]));
    else if (parsed.value.date !== date) problems.push(error(files.json, EditionJsonInvalid, [`"date" is ${parsed.value.date} but the directory is ${date}`]));
    else meta = parsed.value;
  }
  // Without the placeholder the email would go out with no working unsubscribe link.
  if (html !== undefined && !html.includes(UNSUBSCRIBE_URL_PLACEHOLDER)) {
    problems.push(error(files.html, EditionNoUnsubscribe, [UNSUBSCRIBE_URL_PLACEHOLDER]));
  }
  if (text !== undefined && !text.includes(UNSUBSCRIBE_URL_PLACEHOLDER)) {
    problems.push(error(files.text, EditionNoUnsubscribe, [UNSUBSCRIBE_URL_PLACEHOLDER]));
  }
  if (problems.length > 0 || html === undefined || text === undefined || !meta) return fail(problems);
  return ok({ date, dir, number: meta.number, title: meta.title, subject: meta.subject.replace(/\s+/g, ' ').trim(), html, text });
}
