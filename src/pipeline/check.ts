/**
 * `briefwire check`: the pipeline run with drafts, writing no output, each
 * email also checked against caniemail's data. load -> audit -> compute
 * (prepare.ts) -> render (render-step.ts); the problems are values, the
 * audit's errors reported beside the rendered emails' rather than stopping
 * them.
 */
import type { Edition, Newsletter } from '../model.js';
import { hasErrors, sortProblems, type Problem } from '../problems.js';
import { EMAIL_TEMPLATE, type TemplateSet } from '../render/templates.js';
import { emailProgramOf } from '../render/email.js';
import { mergeTemplateProblems } from '../render/merge-problems.js';
import { compatibilityAgainst, compatibilityBaseline } from '../render/compatibility.js';
import { compatibilityProblems, summarizeCompatibility, type CompatibilitySummary, type EditionCompatibility } from '../render/compatibility-summary.js';
import { prepare } from './prepare.js';
import { renderStep } from './render-step.js';

export interface CheckReport {
  ok: boolean;
  problems: Problem[];
  briefs: number;
  /** The email client report; absent when the content or the templates did not load. */
  compatibility?: CompatibilitySummary;
}

export async function checkContent(contentDir: string, templatesDir: string): Promise<CheckReport> {
  const prepared = await prepare({ contentDir, templatesDir, drafts: true });
  if (!('content' in prepared)) return { ok: false, problems: prepared.problems, briefs: 0 };
  const { content, templates, computed } = prepared;
  const emails = await checkEmails(computed.editions, content.newsletter, templates);
  const problems = sortProblems([...prepared.problems, ...emails.problems]);
  return { ok: !hasErrors(problems), problems, briefs: content.briefs.length, ...(emails.summary ? { compatibility: emails.summary } : {}) };
}

/**
 * Renders every edition as the build would (render problems count like the
 * build's) and checks each email. MJML's own gaps come from one baseline per
 * layout, so MJML compiles twice for the whole run, not per edition.
 */
async function checkEmails(editions: readonly Edition[], newsletter: Newsletter, templates: TemplateSet): Promise<{ problems: Problem[]; summary?: CompatibilitySummary }> {
  const { program, problems } = await emailProgramOf(templates);
  if (!program) return { problems };
  const templateFile = templates.files.get(EMAIL_TEMPLATE)!;
  const baseline = await compatibilityBaseline(program.mjml, templateFile);
  const checked: EditionCompatibility[] = [];
  const perEdition = await renderStep(editions, newsletter, templates, {
    each: (edition, r) => {
      if (!r.rendered) return;
      const report = compatibilityAgainst(r.rendered.email.html, baseline);
      checked.push({ date: edition.date, report });
      return compatibilityProblems(templateFile, report);
    },
  });
  checked.sort((a, b) => a.date.localeCompare(b.date));
  return { problems: mergeTemplateProblems(editions, perEdition), summary: summarizeCompatibility(baseline, checked) };
}
