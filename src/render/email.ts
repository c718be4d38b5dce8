/**
 * The render stage for one edition: view model -> Handlebars -> MJML (strict)
 * -> HTML, plus the plain-text part and the Gmail clipping check.
 */
import { error, warning, type Problem } from '../problems.js';
import { EmailClipped, EmailNearClip, MjmlFailed, MjmlInvalid } from '../problem-catalogue.js';
import { EMAIL_TEMPLATE, runTemplate, type TemplateSet } from './templates.js';
import type { EditionView } from './view-model.js';
import { renderText } from './text.js';
import { compileMjmlDocument, MjmlError } from './mjml-pool.js';

/** Gmail clips a message whose HTML passes about 102 KB, hiding the footer and its unsubscribe link. */
export const GMAIL_CLIP_BYTES = 102 * 1024;
export const SIZE_WARNING_BYTES = 90 * 1024;

export interface RenderedEmail {
  mjml: string;
  html: string;
  text: string;
  htmlBytes: number;
}

export interface RenderOutcome {
  email?: RenderedEmail;
  problems: Problem[];
}

export async function renderEmail(view: EditionView, templates: TemplateSet, edition: { file: string; date: string }): Promise<RenderOutcome> {
  const { output: mjml, problem } = runTemplate(templates, EMAIL_TEMPLATE, view);
  if (mjml === undefined) return { problems: [problem!] };

  const templateFile = templates.files.get(EMAIL_TEMPLATE)!;
  const compiled = await compileMjml(mjml, templateFile);
  if (!compiled.html) return { problems: compiled.problems };

  const html = compiled.html;
  const htmlBytes = Buffer.byteLength(html, 'utf8');
  const problems = [...compiled.problems];
  const kb = (htmlBytes / 1024).toFixed(1);
  if (htmlBytes > GMAIL_CLIP_BYTES) {
    problems.push(error(edition.file, EmailClipped, [edition.date, kb]));
  } else if (htmlBytes > SIZE_WARNING_BYTES) {
    problems.push(warning(edition.file, EmailNearClip, [edition.date, kb]));
  }
  return { email: { mjml, html, text: renderText(view), htmlBytes }, problems };
}

/**
 * Strict MJML compile. Validation errors name the template and the line of the
 * rendered MJML; the build adds which editions they hit.
 */
export async function compileMjml(mjml: string, templateFile: string): Promise<{ html?: string; problems: Problem[] }> {
  const lines = mjml.split('\n');
  try {
    const html = await compileMjmlDocument(mjml, { validationLevel: 'strict', keepComments: false, fonts: {}, filePath: templateFile });
    return { html, problems: [] };
  } catch (e) {
    const errors = e instanceof MjmlError ? e.errors : undefined;
    if (!errors?.length) return { problems: [error(templateFile, MjmlFailed, [(e as Error).message])] };
    return {
      problems: errors.map((v) =>
        error(templateFile, MjmlInvalid, [v.tagName, v.message, v.line, (lines[v.line - 1] ?? '').trim().slice(0, 120)]),
      ),
    };
  }
}

