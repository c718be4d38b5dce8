/**
 * MJML compiles are the bulk of a build (about 10 ms of CPU per email), and
 * the mjml library is single-threaded. Spreading them over worker threads
 * lets a 520-edition build use every core. Under vitest, which runs the
 * TypeScript sources directly, there is no compiled worker file, so the
 * default pool compiles in-process: same library, same options, same output.
 * (The pool's own test starts real workers from a compiled worker file.)
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

interface Slot {
  worker: Worker;
  busy: number;
  retired: boolean;
}

interface PendingJob {
  resolve: (html: string) => void;
  reject: (e: Error) => void;
  slot: Slot;
}

/**
 * A fixed number of worker threads, each compiling one document per message.
 * A worker that dies (a crash, running out of memory, terminated) fails only
 * the jobs it had, with an MjmlError saying so, and is replaced by the next
 * job, so the pool keeps its size and later jobs go through.
 */
export class MjmlPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, PendingJob>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly workerFile: string,
    readonly size: number,
  ) {}

  compile(mjml: string, options: MjmlOptions): Promise<string> {
    if (this.closed) return Promise.reject(new MjmlError('MJML pool is closed'));
    // Workers start on first use and replace dead ones here, not when one dies: a worker that
    // cannot start at all then fails each job once instead of respawning in a loop.
    while (this.slots.length < this.size) this.slots.push(this.spawn());
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    if (slot.busy++ === 0) slot.worker.ref();
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, mjml, options } satisfies MjmlJob);
    });
  }

  /** The live worker threads, in slot order (for diagnostics and the pool's crash test). */
  get workers(): readonly Worker[] {
    return this.slots.map((s) => s.worker);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.workerFile), busy: 0, retired: false };
    // An idle pool must not keep the CLI alive; a busy one must.
    slot.worker.unref();
    slot.worker.on('message', (reply: MjmlReply) => this.settle(slot, reply));
    slot.worker.on('error', (e) => this.retire(slot, `MJML worker crashed: ${e.message}`));
    slot.worker.on('exit', (code) => this.retire(slot, `MJML worker stopped (exit code ${code})`));
    return slot;
  }

  private settle(slot: Slot, reply: MjmlReply): void {
    const job = this.pending.get(reply.id);
    if (!job) return;
    this.pending.delete(reply.id);
    if (--slot.busy === 0) slot.worker.unref();
    if (reply.html !== undefined) job.resolve(reply.html);
    else job.reject(new MjmlError(reply.message ?? 'MJML failed', reply.errors));
  }

  /** Fails the dead worker's own jobs and drops it (the next job starts a fresh one); jobs on other workers are untouched. */
  private retire(slot: Slot, why: string): void {
    if (slot.retired) return;
    slot.retired = true;
    this.slots.splice(this.slots.indexOf(slot), 1);
    for (const [id, job] of this.pending) {
      if (job.slot !== slot) continue;
      this.pending.delete(id);
      job.reject(new MjmlError(`${why} while compiling this email; the other emails were not affected, so building again should work`));
    }
  }
}

const workerFile = fileURLToPath(new URL('./mjml-worker.js', import.meta.url));
// BRIEFWIRE_MJML_WORKERS=0 compiles in-process (for comparison and debugging).
const configured = Number(process.env['BRIEFWIRE_MJML_WORKERS'] ?? NaN);
const size = Number.isFinite(configured) ? configured : Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));

let shared: MjmlPool | undefined;

function sharedPool(): MjmlPool | undefined {
  if (!shared && size >= 1 && existsSync(workerFile)) shared = new MjmlPool(workerFile, size);
  return shared;
}

export async function compileMjmlDocument(mjml: string, options: MjmlOptions): Promise<string> {
  const pool = sharedPool();
  if (pool) return pool.compile(mjml, options);
  try {
    // Imported on first use: mjml takes ~0.3 s to load, which every CLI command would pay otherwise.
    const { default: mjml2html } = await import('mjml');
    return (await mjml2html(mjml, options)).html;
  } catch (e) {
    const err = e as Error & { errors?: MjmlReply['errors'] };
    throw new MjmlError(err.message, err.errors);
  }
}

/** How many compiles are worth having in flight at once. */
export const MJML_PARALLELISM = Math.max(1, size);
