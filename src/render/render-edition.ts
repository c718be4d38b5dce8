/**
 * Renders one computed edition: subject line, email HTML and text. Shared by
 * `briefwire build`, the preview server (which re-renders only the editions
 * a change affects) and the benchmark.
 */
import type { Edition, Newsletter } from '../model.js';
import { error, type Problem } from '../problems.js';
import { BodyTemplateError, SubjectTemplateError } from '../problem-catalogue.js';
import { handlebarsDetail, type TemplateSet } from './templates.js';
import { editionView, type EditionView } from './view-model.js';
import { briefHelpers } from './helpers.js';
import { renderBody, type RenderedBody } from './markdown.js';
import { renderEmail, type RenderedEmail } from './email.js';
import { boundedMemo, editionsMemoized } from '../util/bounded-memo.js';

export interface RenderedEdition {
  edition: Edition;
  view: EditionView;
  email: RenderedEmail;
}

export type PreparedEdition = Omit<RenderedEdition, 'email'>;

/**
 * Everything but the email: the view model with the brief's subject and body
 * templates filled in. The email is a pure function of this view and the
 * templates, which is what lets the build reuse an unchanged edition's email.
 */
/** A body with helpers is rendered once, after they are filled: the view starts with none. */
const FILLED_LATER: RenderedBody = { introHtml: '', introEmailHtml: '', sections: [] };

export function prepareEdition(edition: Edition, newsletter: Newsletter, templates: TemplateSet): { prepared?: PreparedEdition; problems: Problem[] } {
  const view = editionView(edition, newsletter, hasHelpers(edition.body) ? FILLED_LATER : undefined);
  const subject = renderSubject(edition, view, templates);
  const body = renderBodyTemplate(edition, view, templates);
  const briefProblems = [subject.problem, body.problem].filter((p): p is Problem => p !== undefined);
  if (briefProblems.length > 0) return { problems: briefProblems };
  view.subject = subject.text!;
  if (body.body) Object.assign(view, body.body);
  return { prepared: { edition: { ...edition, subject: subject.text! }, view }, problems: [] };
}

export async function renderEdition(edition: Edition, newsletter: Newsletter, templates: TemplateSet): Promise<{ rendered?: RenderedEdition; problems: Problem[] }> {
  const { prepared, problems: briefProblems } = prepareEdition(edition, newsletter, templates);
  if (!prepared) return { problems: briefProblems };
  const { email, problems } = await renderEmail(prepared.view, templates, edition);
  return email ? { rendered: { ...prepared, email }, problems } : { problems };
}

function hasHelpers(text: string): boolean {
  return text.includes('{{');
}

type BriefTemplate = (view: EditionView, options: { helpers: typeof briefHelpers }) => string;
const compiledBriefs = new WeakMap<TemplateSet['hb'], (text: string, compile: () => BriefTemplate) => BriefTemplate>();

/**
 * A brief's subject or body as a strict Handlebars template, compiled once
 * per text (the preview re-renders unchanged briefs; a subject and a body per
 * edition). Handlebars compiles
 * lazily, so a syntax error still surfaces on the first fill, where the
 * caller reports it with file and line.
 */
function compileBrief(templates: TemplateSet, text: string): BriefTemplate {
  let memo = compiledBriefs.get(templates.hb);
  if (!memo) compiledBriefs.set(templates.hb, (memo = boundedMemo<BriefTemplate>(() => 2 * editionsMemoized())));
  return memo(text, () => templates.hb.compile(text, { strict: true, noEscape: true }) as BriefTemplate);
}

/** The brief's `subject` may use helpers such as {{delta "key"}}; it is plain text, so nothing is HTML-escaped. */
function renderSubject(edition: Edition, view: EditionView, templates: TemplateSet): { text?: string; problem?: Problem } {
  if (!hasHelpers(edition.subject)) return { text: edition.subject };
  try {
    const text = compileBrief(templates, edition.subject)(view, { helpers: briefHelpers });
    return { text: text.replace(/\s+/g, ' ').trim() };
  } catch (e) {
    // The line Handlebars reports is within the subject string; the file line is where `subject:` is.
    const at = edition.subjectLine !== null ? { line: edition.subjectLine } : undefined;
    return { problem: error(edition.file, SubjectTemplateError, [handlebarsDetail(e).detail], at) };
  }
}

/**
 * A body that uses helpers ({{value "key"}}, {{delta "key"}}, {{period "key"}}):
 * filled in from the view, then rendered as Markdown. Markdown escapes the
 * result, so the helpers' text is not HTML-escaped twice.
 */
function renderBodyTemplate(edition: Edition, view: EditionView, templates: TemplateSet): { body?: RenderedBody; problem?: Problem } {
  if (!hasHelpers(edition.body)) return {};
  try {
    const markdown = compileBrief(templates, edition.body)(view, { helpers: briefHelpers });
    return { body: renderBody(markdown) };
  } catch (e) {
    const d = handlebarsDetail(e);
    // A helper's own error carries no position: find the helper call that names the metric.
    const at = d.line !== undefined ? { line: d.line, column: d.column } : helperCallAt(edition.body, d.detail);
    return { problem: error(edition.file, BodyTemplateError, [d.detail], at ? { line: edition.bodyLine + at.line - 1, column: at.column } : { line: edition.bodyLine }) };
  }
}

/** 1-based line and column, within `text`, of the first `{{...}}` naming the metric quoted in `detail`. */
function helperCallAt(text: string, detail: string): { line: number; column: number | undefined } | undefined {
  const key = /metric "([^"]+)"/.exec(detail)?.[1];
  if (key === undefined) return undefined;
  const call = new RegExp(`\\{\\{[^}]*"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = call.exec(lines[i]!);
    if (m) return { line: i + 1, column: m.index + 1 };
  }
  return undefined;
}
