/**
 * What `briefwire check` runs: load every brief (drafts too), audit the
 * numbers, render every edition's email in memory and check it against
 * caniemail's data. Reads content and templates, writes nothing; the
 * problems are values.
 */
import type { Content } from './model.js';
import { loadContent } from './content/load.js';
import { auditContent } from './compute/audit.js';
import { computeEditions } from './compute/editions.js';
import { hasErrors, sortProblems, type Problem } from './problems.js';
import { EMAIL_TEMPLATE, loadTemplates } from './render/templates.js';
import { emailProgramOf } from './render/email.js';
import { renderEdition } from './render/render-edition.js';
import { mergeTemplateProblems } from './render/merge-problems.js';
import { RENDER_PARALLELISM } from './render/mjml-compile.js';
import { compatibilityAgainst, compatibilityBaseline } from './render/compatibility.js';
import { compatibilityProblems, summarizeCompatibility, type CompatibilitySummary, type EditionCompatibility } from './render/compatibility-summary.js';
import { mapLimit } from './util/map-limit.js';

export interface CheckReport {
  ok: boolean;
  problems: Problem[];
  briefs: number;
  /** The email client report; absent when the content or the templates did not load. */
  compatibility?: CompatibilitySummary;
}

export async function checkContent(contentDir: string, templatesDir: string): Promise<CheckReport> {
  const loaded = await loadContent(contentDir, { includeDrafts: true });
  if (!loaded.ok) return { ok: false, problems: loaded.problems, briefs: 0 };
  const emails = await checkEmails(loaded.value, templatesDir);
  const problems = sortProblems([...loaded.warnings, ...auditContent(loaded.value), ...emails.problems]);
  return { ok: !hasErrors(problems), problems, briefs: loaded.value.briefs.length, ...(emails.summary ? { compatibility: emails.summary } : {}) };
}

/**
 * Renders every edition as the build would (render problems count like the
 * build's) and checks each email. MJML's own gaps come from one baseline per
 * layout, so MJML compiles twice for the whole run, not per edition.
 */
async function checkEmails(content: Content, templatesDir: string): Promise<{ problems: Problem[]; summary?: CompatibilitySummary }> {
  const loaded = await loadTemplates(templatesDir, content.newsletter);
  if (!loaded.ok) return { problems: loaded.problems };
  const templates = loaded.value;
  const { program, problems } = await emailProgramOf(templates);
  if (!program) return { problems: [...loaded.warnings, ...problems] };
  const templateFile = templates.files.get(EMAIL_TEMPLATE)!;
  const baseline = await compatibilityBaseline(program.mjml, templateFile);
  const editions = computeEditions(content);
  const checked: EditionCompatibility[] = [];
  const perEdition = await mapLimit(editions, RENDER_PARALLELISM, async (edition) => {
    const r = await renderEdition(edition, content.newsletter, templates);
    if (!r.rendered) return r.problems;
    const report = compatibilityAgainst(r.rendered.email.html, baseline);
    checked.push({ date: edition.date, report });
    return [...r.problems, ...compatibilityProblems(templateFile, report)];
  });
  checked.sort((a, b) => a.date.localeCompare(b.date));
  return { problems: [...loaded.warnings, ...mergeTemplateProblems(editions, perEdition)], summary: summarizeCompatibility(baseline, checked) };
}
