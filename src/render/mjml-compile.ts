/**
 * One MJML compile, in-process. The email is compiled by MJML once per
 * template set (email-program.ts), not once per edition, so there is nothing
 * left to spread over worker threads.
 */
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

/** How many editions are worth rendering at once: filling is synchronous, so a few keep I/O overlapped. */
export const RENDER_PARALLELISM = 4;
