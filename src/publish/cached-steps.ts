/**
 * The build's pure steps with the persistent cache (build-cache.ts) in front
 * of them: each looks up the result under a hash of exactly what the step
 * reads, and runs the step on a miss. The cached and the uncached build
 * produce the same bytes (tested).
 */
import type { Content, Edition, Newsletter } from '../model.js';
import { hasErrors, type Problem } from '../problems.js';
import { auditContent } from '../compute/audit.js';
import { prepareEdition, renderEdition, type RenderedEdition } from '../render/render-edition.js';
import { emailProgramOf, renderEmail, type RenderedEmail } from '../render/email.js';
import type { TemplateSet } from '../render/templates.js';
import { sha256, type BuildCache } from './build-cache.js';

type EditionOutcome = { rendered?: RenderedEdition; problems: Problem[] };

/** Every template source, by name: the email program's key covers the layout, this the rest the fill may use. */
function templatesKey(templates: TemplateSet): string {
  return sha256(...[...templates.sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flat());
}

/**
 * The edition's view model is computed every build (it is cheap and the
 * archive site needs it); the email (the program filled with the view, and
 * its text part) is a pure function of that view, the compiled program, the
 * templates and the code, so it is kept under their hash. A metric whose
 * value, delta or history changed changes the view, so the editions whose
 * numbers depend on a changed brief miss, and only they.
 */
export function cachedEditionRenderer(cache: BuildCache, templates: TemplateSet): (edition: Edition, newsletter: Newsletter) => Promise<EditionOutcome> {
  const keyed = (async () => {
    const { program } = await emailProgramOf(templates);
    return program ? { program: program.key, templates: templatesKey(templates) } : undefined;
  })();
  return async (edition, newsletter) => {
    const keys = await keyed;
    // No program: the uncached path reports why, with the template's file and line.
    if (!keys) return renderEdition(edition, newsletter, templates);
    const { prepared, problems: briefProblems } = prepareEdition(edition, newsletter, templates);
    if (!prepared) return { problems: briefProblems };
    const key = cache.key('email', keys.program, keys.templates, edition.file, JSON.stringify(prepared.view));
    const hit = await cache.get<{ email: RenderedEmail; problems: Problem[] }>('email', key);
    if (hit && typeof hit.email?.html === 'string' && typeof hit.email.text === 'string') return { rendered: { ...prepared, email: hit.email }, problems: hit.problems ?? [] };
    const { email, problems } = await renderEmail(prepared.view, templates, edition);
    if (!email) return { problems };
    // Errors fail the build; only an edition that can ship is worth keeping.
    if (!hasErrors(problems)) await cache.set('email', key, { email, problems });
    return { rendered: { ...prepared, email }, problems };
  };
}

/**
 * The numbers audit reads of each brief only its file, date, draft flag,
 * metrics and leftover placeholders (and the registry): a test holds it to
 * that. Keyed on just those, an edit to a brief's prose reuses the audit of
 * the whole archive; an edit to a number runs it again.
 */
export async function cachedAudit(cache: BuildCache, content: Pick<Content, 'metrics' | 'briefs'>): Promise<Problem[]> {
  const numbers = content.briefs.map((b) => [b.file, b.date, b.draft ?? false, b.metrics, b.placeholders]);
  const key = cache.key('audit', JSON.stringify(content.metrics), JSON.stringify(numbers));
  const hit = await cache.get<Problem[]>('audit', key);
  if (Array.isArray(hit)) return hit;
  const problems = auditContent(content);
  await cache.set('audit', key, problems);
  return problems;
}
