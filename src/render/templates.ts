/**
 * Loads every `*.hbs` file under the templates directory into one isolated
 * Handlebars environment. Files in a `partials/` folder become partials named
 * by their base name (`partials/metrics-table.mjml.hbs` -> `metrics-table`);
 * the rest are templates named by their path without `.hbs`
 * (`email.mjml`, `site/edition.html`). Syntax errors are reported up front,
 * with the file and line, for all files at once.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Newsletter } from '../model.js';
import { error, resultFrom, type Problem, type Result } from '../problems.js';
import { IoFailed, PartialNameTaken, TemplateError, TemplateMissing } from '../problem-catalogue.js';
import { describeIoError } from '../util/io-error.js';
import { readFromDisk, type ReadText } from '../util/read-text.js';
import { registerHelpers } from './helpers.js';
import { darkModeCss } from './email-css.js';

export type HandlebarsEnv = typeof Handlebars;

/** The email layout compiled once by MJML and then by Handlebars (built in email-program.ts). */
export interface EmailProgram {
  /** Fills the compiled email with one edition's view. */
  fill: Handlebars.TemplateDelegate;
  /** The MJML that was compiled: the layout with its partials expanded, Handlebars expressions in place. */
  mjml: string;
  /** The HTML MJML produced, with the Handlebars expressions still in it (what the cache stores). */
  compiledHtml: string;
  /** Content hash of the expanded template and the MJML options: the cache key of compiledHtml. */
  key: string;
}

export interface TemplateSet {
  dir: string;
  hb: HandlebarsEnv;
  /** Template name -> source file, for error messages. */
  files: Map<string, string>;
  templates: Map<string, Handlebars.TemplateDelegate>;
  /** Template or partial name -> its source text (the email program expands partials itself). */
  sources: Map<string, string>;
  /** The email compiled once by MJML (email-program.ts); set on first use, or by the build with its cache. */
  emailProgram?: Promise<{ program?: EmailProgram; problems: Problem[] }>;
}

export interface TemplateSource {
  file: string;
  /** Relative to the templates directory, with forward slashes. */
  rel: string;
  text: string;
}

export const EMAIL_TEMPLATE = 'email.mjml';
export const DARK_CSS_PARTIAL = 'email-dark-css';

export async function readTemplateSources(dir: string, read: ReadText = readFromDisk): Promise<{ sources: TemplateSource[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  let rels: string[] = [];
  try {
    rels = (await readdir(dir, { recursive: true }))
      .filter((r) => r.endsWith('.hbs'))
      .map((r) => r.split(path.sep).join('/'))
      .sort();
  } catch (e) {
    problems.push(error(dir, IoFailed, [describeIoError(e)]));
  }
  const sources = await Promise.all(
    rels.map(async (rel): Promise<TemplateSource | undefined> => {
      const file = path.join(dir, rel);
      try {
        return { file, rel, text: await read(file) };
      } catch (e) {
        // Unreadable, or deleted between listing and reading (the preview re-reads on the next event).
        problems.push(error(file, IoFailed, [describeIoError(e)]));
        return undefined;
      }
    }),
  );
  return { sources: sources.filter((s): s is TemplateSource => s !== undefined), problems };
}

/** Stands in when newsletter.yml itself is broken, so template errors are still reported alongside. */
const FALLBACK_NEWSLETTER: Newsletter = {
  name: 'Newsletter',
  from: 'newsletter@example.com',
  baseUrl: 'https://example.com',
  timezone: 'UTC',
  language: 'en',
};

/** Compiles template sources (pure apart from Handlebars itself). */
export function compileTemplates(dir: string, sources: readonly TemplateSource[], newsletter: Newsletter | undefined): Result<TemplateSet> {
  const problems: Problem[] = [];
  const hb = Handlebars.create();
  registerHelpers(hb, newsletter ?? FALLBACK_NEWSLETTER);
  const files = new Map<string, string>();
  const templates = new Map<string, Handlebars.TemplateDelegate>();
  const texts = new Map<string, string>([[DARK_CSS_PARTIAL, darkModeCss()]]);
  // Built in: the dark palette lives in code beside the light one (email-css.ts).
  hb.registerPartial(DARK_CSS_PARTIAL, darkModeCss());
  files.set(DARK_CSS_PARTIAL, 'the built-in dark-mode styles');
  for (const s of sources) {
    const syntax = checkSyntax(hb, s);
    if (syntax) {
      problems.push(syntax);
      continue;
    }
    const isPartial = s.rel.split('/').includes('partials');
    const name = isPartial ? path.posix.basename(s.rel).split('.')[0]! : s.rel.replace(/\.hbs$/, '');
    const taken = files.get(name);
    if (isPartial && taken) {
      // Partial names are global across the email and the site: a second one would silently replace the first.
      problems.push(error(s.file, PartialNameTaken, [name, taken]));
      continue;
    }
    files.set(name, s.file);
    texts.set(name, s.text);
    if (isPartial) hb.registerPartial(name, s.text);
    // strict: a misspelt variable is an error with a name, not a silent blank in 10,000 inboxes.
    else templates.set(name, hb.compile(s.text, { strict: true, noEscape: false }));
  }
  if (!templates.has(EMAIL_TEMPLATE) && !problems.some((p) => p.file.endsWith('email.mjml.hbs'))) {
    problems.push(error(path.join(dir, `${EMAIL_TEMPLATE}.hbs`), TemplateMissing, [EMAIL_TEMPLATE]));
  }
  return resultFrom({ dir, hb, files, templates, sources: texts }, problems);
}

export async function loadTemplates(dir: string, newsletter: Newsletter): Promise<Result<TemplateSet>> {
  const { sources, problems } = await readTemplateSources(dir);
  if (problems.length > 0) return { ok: false, problems };
  return compileTemplates(dir, sources, newsletter);
}

function checkSyntax(hb: HandlebarsEnv, s: TemplateSource): Problem | undefined {
  try {
    hb.parse(s.text);
    return undefined;
  } catch (e) {
    return handlebarsProblem(s.file, e);
  }
}

export function handlebarsProblem(file: string, e: unknown): Problem {
  const { detail, line, column } = handlebarsDetail(e);
  return error(file, TemplateError, [detail], { line, column });
}

/** Handlebars errors carry the line in the message ("Parse error on line 3") or as lineNumber. */
export function handlebarsDetail(e: unknown): { detail: string; line?: number | undefined; column?: number | undefined } {
  const err = e as Error & { lineNumber?: number; column?: number };
  const lines = String(err.message ?? e).split('\n');
  const lineMatch = /on line (\d+)/.exec(lines[0] ?? '');
  const line = err.lineNumber ?? (lineMatch ? Number(lineMatch[1]) : undefined);
  const expecting = lines.find((l) => l.startsWith('Expecting'));
  const head = (lines[0] ?? '').replace(/^Parse error on line \d+:?\s*/, '').trim();
  const detail = [head || undefined, expecting].filter(Boolean).join(': ');
  return line !== undefined ? { detail, line, column: err.column !== undefined ? err.column + 1 : undefined } : { detail };
}

/** Runs a named template; a runtime error (unknown variable, missing partial) becomes a problem naming the template. */
export function runTemplate(set: TemplateSet, name: string, context: unknown): { output?: string; problem?: Problem } {
  const template = set.templates.get(name);
  const file = set.files.get(name) ?? path.join(set.dir, `${name}.hbs`);
  if (!template) return { problem: error(file, TemplateMissing, [name]) };
  try {
    return { output: template(context) };
  } catch (e) {
    return { problem: handlebarsProblem(file, e) };
  }
}
