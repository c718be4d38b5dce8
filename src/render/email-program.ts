/**
 * Compile once, fill many. MJML runs on the email template itself (partials
 * expanded, Handlebars expressions left in place as text), once per template
 * set; the HTML it produces is compiled by Handlebars and filled per edition.
 * Per edition this costs a Handlebars run instead of an MJML compile, which
 * was nearly all of a build's time.
 *
 * It works because everything MJML would have done per edition is already
 * done in the templates: styles are inline (no juice pass over edition data),
 * Markdown arrives with its own inline styles, and Handlebars blocks sit
 * inside the contents of mj-text / mj-table / mj-raw (which MJML copies
 * as-is), never between MJML components. A block between components would be
 * text where MJML expects elements; strict validation reports it, naming the
 * template file and line.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { error, type Problem } from '../problems.js';
import { EmailPartialArguments, EmailPartialUnknown, TemplateMissing } from '../problem-catalogue.js';
import { EMAIL_TEMPLATE, handlebarsProblem, type EmailProgram, type TemplateSet } from './templates.js';

export type { EmailProgram } from './templates.js';
import { compileMjmlStrict } from './mjml-compile.js';


interface Origin {
  file: string;
  line: number;
}

export interface ExpandedTemplate {
  text: string;
  /** origins[i]: the file and line that line i+1 of `text` came from. */
  origins: Origin[];
}

const PARTIAL_CALL = /\{\{~?>\s*([^\s}~]+)\s*([^}~]*?)\s*~?\}\}/g;

/**
 * Inlines `{{> name}}` partial calls, recursively, keeping for each output
 * line the file and line it came from. Partial calls with arguments cannot be
 * expanded before MJML runs, so they are problems.
 */
export function expandPartials(set: TemplateSet, name: string, sources: ReadonlyMap<string, string>): { expanded?: ExpandedTemplate; problems: Problem[] } {
  const problems: Problem[] = [];
  let text = '';
  const origins: Origin[] = [];
  const append = (chunk: string, file: string, line: number) => {
    if (origins.length === 0) origins.push({ file, line });
    const parts = chunk.split('\n');
    text += chunk;
    for (let i = 1; i < parts.length; i++) origins.push({ file, line: line + i });
  };
  const walk = (partName: string, stack: string[]) => {
    const file = set.files.get(partName) ?? partName;
    const source = sources.get(partName);
    if (source === undefined) return;
    let last = 0;
    let line = 1;
    for (const m of source.matchAll(PARTIAL_CALL)) {
      const before = source.slice(last, m.index);
      append(before, file, line);
      line += before.split('\n').length - 1;
      const callLine = line;
      const [, callee, args] = m;
      if (args) problems.push(error(file, EmailPartialArguments, [callee!], { line: callLine }));
      else if (stack.includes(callee!)) problems.push(error(file, EmailPartialUnknown, [callee!, 'includes itself'], { line: callLine }));
      else if (!sources.has(callee!)) problems.push(error(file, EmailPartialUnknown, [callee!, 'does not exist'], { line: callLine }));
      else walk(callee!, [...stack, callee!]);
      last = m.index! + m[0].length;
      line += m[0].split('\n').length - 1;
    }
    append(source.slice(last), file, line);
  };
  walk(name, [name]);
  return problems.length > 0 ? { problems } : { expanded: { text, origins }, problems };
}


export function programKey(expanded: string, mjmlVersion: string): string {
  return createHash('sha256').update(`mjml ${mjmlVersion}\0strict\0`).update(expanded).digest('hex');
}

/** Where a compiled program may be kept between builds (see email-cache.ts); absent, MJML always runs. */
export interface ProgramStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, html: string): Promise<void>;
}

/**
 * Builds the program for a template set: expand, validate and compile with
 * MJML (or take the cached result for the same expanded template), then
 * compile the HTML with Handlebars.
 */
export async function compileEmailProgram(set: TemplateSet, store?: ProgramStore): Promise<{ program?: EmailProgram; problems: Problem[] }> {
  const templateFile = set.files.get(EMAIL_TEMPLATE);
  if (!templateFile) return { problems: [error(`${set.dir}/${EMAIL_TEMPLATE}.hbs`, TemplateMissing, [EMAIL_TEMPLATE])] };
  const { expanded, problems } = expandPartials(set, EMAIL_TEMPLATE, set.sources);
  if (!expanded) return { problems };
  const key = programKey(expanded.text, MJML_VERSION);
  let compiledHtml = await store?.get(key);
  if (compiledHtml === undefined) {
    const compiled = await compileMjmlStrict(expanded.text, templateFile, (line) => expanded.origins[line - 1] ?? { file: templateFile, line });
    if (compiled.html === undefined) return { problems: compiled.problems };
    compiledHtml = compiled.html;
    await store?.set(key, compiledHtml);
  }
  try {
    // strict: a misspelt variable is an error with a name, not a silent blank in 10,000 inboxes.
    const fill = set.hb.compile(compiledHtml, { strict: true });
    return { program: { fill, mjml: expanded.text, compiledHtml, key }, problems: [] };
  } catch (e) {
    return { problems: [handlebarsProblem(templateFile, e)] };
  }
}

// The cache key includes MJML's version, so an upgrade recompiles.
const MJML_VERSION: string = (createRequire(import.meta.url)('mjml/package.json') as { version: string }).version;
