/**
 * MJML compiles are the bulk of a build (about 10 ms of CPU per email), and
 * the mjml library is single-threaded. Spreading them over worker threads
 * lets a 520-edition build use every core. Under vitest, which runs the
 * TypeScript sources directly, there is no compiled worker file, so the pool
 * falls back to compiling in-process: same library, same options, same output.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface MjmlOptions {
  validationLevel: 'strict' | 'soft' | 'skip';
  keepComments: boolean;
  fonts: Record<string, string>;
  filePath: string;
}

export interface MjmlJob {
  id: number;
  mjml: string;
  options: MjmlOptions;
}

export interface MjmlReply {
  id: number;
  html?: string;
  message?: string;
  errors?: { line: number; message: string; tagName: string }[];
}

/** Thrown (as a rejection) like mjml's own ValidationError, so callers handle both paths alike. */
export class MjmlError extends Error {
  constructor(
    message: string,
    readonly errors?: MjmlReply['errors'],
  ) {
    super(message);
  }
}

const workerFile = fileURLToPath(new URL('./mjml-worker.js', import.meta.url));
// BRIEFWIRE_MJML_WORKERS=0 compiles in-process (for comparison and debugging).
const configured = Number(process.env['BRIEFWIRE_MJML_WORKERS'] ?? NaN);
const size = Number.isFinite(configured) ? configured : Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));

interface Slot {
  worker: Worker;
  busy: number;
}

let slots: Slot[] | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (html: string) => void; reject: (e: Error) => void; slot: Slot }>();

function pool(): Slot[] | undefined {
  if (slots) return slots;
  if (size < 1 || !existsSync(workerFile)) return undefined;
  slots = Array.from({ length: size }, () => {
    const slot: Slot = { worker: new Worker(workerFile), busy: 0 };
    // An idle pool must not keep the CLI alive; a busy one must.
    slot.worker.unref();
    slot.worker.on('message', (reply: MjmlReply) => {
      const job = pending.get(reply.id);
      if (!job) return;
      pending.delete(reply.id);
      if (--slot.busy === 0) slot.worker.unref();
      if (reply.html !== undefined) job.resolve(reply.html);
      else job.reject(new MjmlError(reply.message ?? 'MJML failed', reply.errors));
    });
    // A dead worker must not swallow later jobs: fail its own jobs and drop it (a new pool starts when none is left).
    const retire = (e: Error) => {
      for (const [id, job] of pending) if (job.slot === slot) (pending.delete(id), job.reject(e));
      const alive = slots?.filter((s) => s !== slot);
      slots = alive && alive.length > 0 ? alive : undefined;
    };
    slot.worker.on('error', retire);
    slot.worker.on('exit', (code) => retire(new Error(`MJML worker exited with code ${code}`)));
    return slot;
  });
  return slots;
}

export async function compileMjmlDocument(mjml: string, options: MjmlOptions): Promise<string> {
  const workers = pool();
  if (!workers) {
    try {
      // Imported on first use: mjml takes ~0.3 s to load, which every CLI command would pay otherwise.
      const { default: mjml2html } = await import('mjml');
      return (await mjml2html(mjml, options)).html;
    } catch (e) {
      const err = e as Error & { errors?: MjmlReply['errors'] };
      throw new MjmlError(err.message, err.errors);
    }
  }
  const slot = workers.reduce((a, b) => (b.busy < a.busy ? b : a));
  const id = nextId++;
  if (slot.busy++ === 0) slot.worker.ref();
  return new Promise<string>((resolve, reject) => {
    pending.set(id, { resolve, reject, slot });
    slot.worker.postMessage({ id, mjml, options } satisfies MjmlJob);
  });
}

/** How many compiles are worth having in flight at once. */
export const MJML_PARALLELISM = Math.max(1, size);
