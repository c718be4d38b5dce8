/**
 * One MJML compile, in-process. The email is compiled by MJML once per
 * template set (email-program.ts), not once per edition, so there is nothing
 * left to spread over worker threads.
 */
import { error, type Problem } from '../problems.js';
import { MjmlFailed, MjmlInvalid } from '../problem-catalogue.js';

export interface MjmlOptions {
  validationLevel: 'strict' | 'soft' | 'skip';
  keepComments: boolean;
  fonts: Record<string, string>;
  filePath: string;
}

export interface MjmlValidationError {
  line: number;
  message: string;
  tagName: string;
}

/** Thrown (as a rejection) for a failed compile, with mjml's validation errors when there are any. */
export class MjmlError extends Error {
  constructor(
    message: string,
    readonly errors?: MjmlValidationError[],
  ) {
    super(message);
  }
}

export async function compileMjmlDocument(mjml: string, options: MjmlOptions): Promise<string> {
  try {
    // Imported on first use: mjml takes ~0.3 s to load, which every CLI command would pay otherwise.
    const { default: mjml2html } = await import('mjml');
    return (await mjml2html(mjml, options)).html;
  } catch (e) {
    const err = e as Error & { errors?: MjmlValidationError[] };
    throw new MjmlError(err.message, err.errors);
  }
}

/** Where a line of the compiled MJML came from (a partial expanded into the layout has its own file). */
export type LineOrigin = (line: number) => { file: string; line: number };

/**
 * Strict MJML compile with its failures as problems: each validation error
 * names the template file and line it came from (`origin`; by default the
 * line of `templateFile` itself) and quotes that line.
 */
export async function compileMjmlStrict(mjml: string, templateFile: string, origin: LineOrigin = (line) => ({ file: templateFile, line })): Promise<{ html?: string; problems: Problem[] }> {
  try {
    const html = await compileMjmlDocument(mjml, { validationLevel: 'strict', keepComments: false, fonts: {}, filePath: templateFile });
    return { html, problems: [] };
  } catch (e) {
    const errors = e instanceof MjmlError ? e.errors : undefined;
    if (!errors?.length) return { problems: [error(templateFile, MjmlFailed, [(e as Error).message])] };
    const lines = mjml.split('\n');
    return {
      problems: errors.map((v) => {
        const at = origin(v.line);
        return error(at.file, MjmlInvalid, [v.tagName, v.message, at.line, (lines[v.line - 1] ?? '').trim().slice(0, 120)], { line: at.line });
      }),
    };
  }
}

/** How many editions are worth rendering at once: filling is synchronous, so a few keep I/O overlapped. */
export const RENDER_PARALLELISM = 4;
