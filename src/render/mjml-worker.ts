/**
 * Worker-thread entry for one MJML compile (mjml-compile.ts starts it). The
 * build starts the worker as it begins, so loading mjml (over half a second)
 * and compiling the layout run on another core while the briefs are parsed.
 */
import { parentPort } from 'node:worker_threads';

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

export interface MjmlJob {
  mjml: string;
  options: MjmlOptions;
}

export type MjmlReply = { html: string } | { message: string; errors?: MjmlValidationError[] };

const loading = import('mjml');

parentPort!.on('message', async (job: MjmlJob) => {
  let reply: MjmlReply;
  try {
    const { default: mjml2html } = await loading;
    reply = { html: (await mjml2html(job.mjml, job.options)).html };
  } catch (e) {
    const err = e as Error & { errors?: MjmlValidationError[] };
    // Only plain data crosses threads: the message and mjml's validation errors.
    reply = { message: err.message, ...(err.errors ? { errors: err.errors.map(({ line, message, tagName }) => ({ line, message, tagName })) } : {}) };
  }
  parentPort!.postMessage(reply);
});
