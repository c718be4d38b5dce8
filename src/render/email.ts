/**
 * The render stage for one edition: the email program (MJML run once on the
 * template, email-program.ts) filled with the view model, plus the plain-text
 * part and the Gmail clipping check.
 */
import { error, warning, type Problem } from '../problems.js';
import { EmailClipped, EmailNearClip, TemplateError } from '../problem-catalogue.js';
import { EMAIL_TEMPLATE, runTemplate, type TemplateSet } from './templates.js';
import type { EditionView } from './view-model.js';
import { renderText } from './text.js';
import { compileEmailProgram, type EmailProgram } from './email-program.js';

/** Gmail clips a message whose HTML passes about 102 KB, hiding the footer and its unsubscribe link. */
export const GMAIL_CLIP_BYTES = 102 * 1024;
export const SIZE_WARNING_BYTES = 90 * 1024;

export interface RenderedEmail {
  html: string;
  text: string;
  htmlBytes: number;
}

export interface RenderOutcome {
  email?: RenderedEmail;
  problems: Problem[];
}

/** The email program of a template set, compiled on first use (the build sets it up front, with its cache). */
export function emailProgramOf(templates: TemplateSet): Promise<{ program?: EmailProgram; problems: Problem[] }> {
  return (templates.emailProgram ??= compileEmailProgram(templates));
}

export async function renderEmail(view: EditionView, templates: TemplateSet, edition: { file: string; date: string }): Promise<RenderOutcome> {
  const { program, problems: programProblems } = await emailProgramOf(templates);
  if (!program) return { problems: programProblems };
  let html: string;
  try {
    html = program.fill(view);
  } catch {
    // Filling the compiled HTML knows no template lines; the same data through the
    // template itself names the file and line of the mistake.
    const { problem } = runTemplate(templates, EMAIL_TEMPLATE, view);
    return { problems: [problem ?? error(templates.files.get(EMAIL_TEMPLATE)!, TemplateError, ['the email template failed for this edition'])] };
  }
  const htmlBytes = Buffer.byteLength(html, 'utf8');
  const problems: Problem[] = [];
  const kb = (htmlBytes / 1024).toFixed(1);
  if (htmlBytes > GMAIL_CLIP_BYTES) {
    problems.push(error(edition.file, EmailClipped, [edition.date, kb]));
  } else if (htmlBytes > SIZE_WARNING_BYTES) {
    problems.push(warning(edition.file, EmailNearClip, [edition.date, kb]));
  }
  return { email: { html, text: renderText(view), htmlBytes }, problems };
}
