/**
 * The build's pure steps with the persistent cache (build-cache.ts) in front
 * of them: each looks up the result under a hash of exactly what the step
 * reads, and runs the step on a miss. The cached and the uncached build
 * produce the same bytes (tested).
 */
import type { Content, Edition, Newsletter } from '../model.js';
import { hasErrors, type Problem } from '../problems.js';
import { auditContent } from '../compute/audit.js';
import type { EditionMetrics } from '../compute/edition-metrics.js';
import { prepareEdition, renderEdition, type PreparedEdition, type RenderedEdition } from '../render/render-edition.js';
import { editionOutputFile, EMAIL_HTML, EMAIL_TEXT } from '../render/out-layout.js';
import type { DeferredFile } from './write-out.js';
import { contentHash } from './file-write.js';
import { emailProgramOf, renderEmail, type RenderedEmail } from '../render/email.js';
import type { TemplateSet } from '../render/templates.js';
import { sha256, type BuildCache } from './build-cache.js';
import { editionText, settingsText } from './edition-text.js';

/** `deferred`: files of the edition (by out/ path) to take from the cache only if out/ does not already hold them. */
type EditionOutcome = { rendered?: RenderedEdition; problems: Problem[]; deferred?: Map<string, DeferredFile> };

/**
 * What the cache keeps of an email: its size, its warnings and the SHA-256
 * of its two parts. Not the parts themselves: out/ holds them, and the
 * staged out/ links them from there when they are still the files the last
 * build wrote (write-out.ts); when they are not, the email is rendered again.
 */
interface EmailEntry {
  htmlBytes: number;
  problems: Problem[];
  html: string;
  text: string;
}

const isEmailEntry = (e: EmailEntry | undefined): e is EmailEntry =>
  typeof e?.htmlBytes === 'number' && Array.isArray(e.problems) && typeof e.html === 'string' && typeof e.text === 'string';

/** Every template source, by name: the email program's key covers the layout, this the rest the fill may use. */
function templatesKey(templates: TemplateSet): string {
  return sha256(...[...templates.sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flat());
}

const keysOf = new WeakMap<TemplateSet, Promise<{ program: string; templates: string } | undefined>>();

/** The compiled layout's key and the templates' hash, which every rendered file depends on; undefined when the layout does not compile. */
export function renderKeys(templates: TemplateSet): Promise<{ program: string; templates: string } | undefined> {
  let keys = keysOf.get(templates);
  if (!keys) {
    keys = emailProgramOf(templates).then(({ program }) => (program ? { program: program.key, templates: templatesKey(templates) } : undefined));
    keysOf.set(templates, keys);
  }
  return keys;
}

/**
 * The email of an edition whose whole output was not kept (kept-output.ts),
 * typically because its page's context changed: the email (the program
 * filled with the view, and its text part) is a pure function of the
 * computed edition, the settings, the compiled program, the templates and
 * the code, so it is kept under their hash. The key starts from the
 * edition's text (edition-text.ts), made for the edition's own key anyway,
 * not from the view: writing out every view as JSON to key it cost a cold
 * build 0.1 s. A metric whose value, delta or history changed changes the
 * edition, so the editions whose numbers depend on a changed brief miss, and
 * only they.
 */
export function cachedEditionRenderer(cache: BuildCache, templates: TemplateSet): (edition: Edition, newsletter: Newsletter) => Promise<EditionOutcome> {
  return async (edition, newsletter) => {
    const keys = await renderKeys(templates);
    // No program: the uncached path reports why, with the template's file and line.
    if (!keys) return renderEdition(edition, newsletter, templates);
    const { prepared, problems: briefProblems } = prepareEdition(edition, newsletter, templates);
    if (!prepared) return { problems: briefProblems };
    const key = cache.key('email', keys.program, keys.templates, settingsText(newsletter), editionText(edition));
    const hit = await cache.get<EmailEntry>('email', key);
    if (isEmailEntry(hit)) return reuseEmail(hit, prepared, () => renderEmail(prepared.view, templates, edition));
    const { email, problems } = await renderEmail(prepared.view, templates, edition);
    if (!email) return { problems };
    const parts = { html: contentHash(email.html), text: contentHash(email.text) };
    // Errors fail the build; only an edition that can ship is worth keeping.
    if (!hasErrors(problems)) cache.set('email', key, { htmlBytes: email.htmlBytes, problems, ...parts } satisfies EmailEntry);
    // Hashed once: the staged out/ records the same hashes rather than computing them again.
    const known = (sha: string, text: string): DeferredFile => ({ sha256: sha, load: async () => text, verified: true });
    return { rendered: { ...prepared, email }, problems, deferred: emailFiles(edition.date, known(parts.html, email.html), known(parts.text, email.text)) };
  };
}

/** An edition's two email files, by out/ path. */
function emailFiles(date: string, html: DeferredFile, text: DeferredFile): Map<string, DeferredFile> {
  return new Map([
    [editionOutputFile(date, EMAIL_HTML), html],
    [editionOutputFile(date, EMAIL_TEXT), text],
  ]);
}

/**
 * A cached email, unread: the staged out/ links its parts from the previous
 * out/ (write-out.ts); where out/ no longer holds them, they are rendered again.
 */
function reuseEmail(entry: EmailEntry, prepared: PreparedEdition, render: () => Promise<{ email?: RenderedEmail }>): EditionOutcome {
  let fresh: Promise<{ email?: RenderedEmail }> | undefined;
  const part = (sha: string, pick: (e: RenderedEmail) => string): DeferredFile => ({
    sha256: sha,
    load: async () => {
      const { email } = await (fresh ??= render());
      if (!email) throw new Error(`the cached email of ${prepared.edition.date} no longer renders`);
      return pick(email);
    },
  });
  const deferred = emailFiles(prepared.edition.date, part(entry.html, (e) => e.html), part(entry.text, (e) => e.text));
  return { rendered: { ...prepared, email: { html: '', text: '', htmlBytes: entry.htmlBytes } }, problems: entry.problems, deferred };
}

/**
 * The numbers audit reads of each brief only its file, date, draft flag,
 * metrics, projections and leftover placeholders (and the registry): a test holds it to
 * that. Keyed on just those, an edit to a brief's prose reuses the audit of
 * the whole archive; an edit to a number runs it again.
 */
export async function cachedAudit(cache: BuildCache, content: Pick<Content, 'metrics' | 'briefs'>, metrics: readonly EditionMetrics[]): Promise<Problem[]> {
  const numbers = content.briefs.map((b) => [b.file, b.date, b.draft ?? false, b.metrics, b.placeholders, b.projections ?? []]);
  const key = cache.key('audit', JSON.stringify(content.metrics), JSON.stringify(numbers));
  const hit = await cache.get<Problem[]>('audit', key);
  if (Array.isArray(hit)) return hit;
  const problems = auditContent(content, metrics);
  cache.set('audit', key, problems);
  return problems;
}
