/**
 * One MJML compile. The email is compiled by MJML once per template set
 * (email-program.ts), not once per edition. A build that will need MJML
 * starts it early on a worker thread (startMjmlWorker), so that loading the
 * library and compiling run beside the rest of the build; otherwise, and
 * where there is no compiled worker file (vitest runs the TypeScript
 * sources), it compiles in-process: same library, same options, same output.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MjmlJob, MjmlOptions, MjmlReply, MjmlValidationError } from './mjml-worker.js';
import { error, type Problem } from '../problems.js';
import { MjmlFailed, MjmlInvalid } from '../problem-catalogue.js';
export type { MjmlOptions, MjmlValidationError } from './mjml-worker.js';

/** Thrown (as a rejection) for a failed compile, with mjml's validation errors when there are any. */
export class MjmlError extends Error {
  constructor(
    message: string,
    readonly errors?: MjmlValidationError[],
  ) {
    super(message);
  }
}

const WORKER_FILE = fileURLToPath(new URL('./mjml-worker.js', import.meta.url));

let started: Worker | undefined;

/** Starts loading mjml on a worker thread for the next compile; does nothing where there is no compiled worker. */
export function startMjmlWorker(): void {
  if (started || !existsSync(WORKER_FILE)) return;
  started = new Worker(WORKER_FILE);
  // A build that fails before it compiles must still be able to exit.
  started.unref();
}

/** The next compile on the started worker, which then ends. */
function compileOnWorker(worker: Worker, job: MjmlJob): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    worker.once('message', (reply: MjmlReply) => ('html' in reply ? resolve(reply.html) : reject(new MjmlError(reply.message, reply.errors))));
    worker.once('error', (e) => reject(new MjmlError(`the MJML worker failed: ${e.message}`)));
    worker.postMessage(job);
  }).finally(() => void worker.terminate());
}

export async function compileMjmlDocument(mjml: string, options: MjmlOptions): Promise<string> {
  const worker = started;
  started = undefined;
  if (worker) return compileOnWorker(worker, { mjml, options });
  try {
    // Imported on first use: mjml takes ~0.6 s to load, which every CLI command would pay otherwise.
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
