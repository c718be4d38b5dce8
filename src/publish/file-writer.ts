/**
 * Where a build's files are written from. A cold build writes thousands of
 * small files into a thousand new directories, and those system calls took
 * about a fifth of its time on the one thread that also renders. The
 * threaded writer hands them to a worker thread, so rendering the next
 * edition and writing the last one run on two cores; an update of a few
 * files in place writes them inline rather than start a thread for them.
 * Where there is no compiled thread entry (vitest runs the TypeScript
 * sources) the writer is inline: same code (file-write.ts), same files.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { writeOneFile, type WriteReply, type WrittenIdentity } from './file-write.js';

export interface FileWriter {
  /** Writes `data` to `file` (its directory made), hashing it when `hash`. */
  write(file: string, data: string | Uint8Array, hash: boolean): Promise<WrittenIdentity>;
  /** Resolves once every write sent has been done, and lets the thread go. */
  close(): Promise<void>;
  /** Stops at once: writes not yet done are not done (their promises reject). */
  abort(): Promise<void>;
}

const THREAD_FILE = fileURLToPath(new URL('./file-writer-thread.js', import.meta.url));

/**
 * The thread holds one file's bytes at a time: a young generation of 1 MB
 * (V8's default grows to 16 MB per semi-space) kept its cost to a
 * 5,200-edition build's peak memory within the noise, where the default
 * added about 10 MB.
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 1 };

/** A threaded writer where one can run (`threadFile` compiled), else an inline one. */
export function openFileWriter(threaded: boolean, threadFile = THREAD_FILE): FileWriter {
  return threaded && existsSync(threadFile) ? new ThreadedFileWriter(new Worker(threadFile, { resourceLimits: THREAD_LIMITS })) : inlineFileWriter();
}

function inlineFileWriter(): FileWriter {
  const dirs = new Set<string>();
  return {
    write: async (file, data, hash) => writeOneFile({ file, data, hash }, dirs),
    close: async () => {},
    abort: async () => {},
  };
}

interface Pending {
  resolve: (w: WrittenIdentity) => void;
  reject: (e: Error) => void;
}

class ThreadedFileWriter implements FileWriter {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly idle: (() => void)[] = [];
  private stopped: Error | undefined;

  constructor(private readonly worker: Worker) {
    worker.on('message', (reply: WriteReply) => this.settle(reply));
    worker.on('error', (e) => this.stop(new Error(`the file writer thread failed: ${e.message}`)));
    worker.on('exit', (code) => this.stop(new Error(`the file writer thread stopped (exit code ${code})`)));
    // Only writes in flight keep the process alive (see write).
    worker.unref();
  }

  write(file: string, data: string | Uint8Array, hash: boolean): Promise<WrittenIdentity> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    const done = new Promise<WrittenIdentity>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker.postMessage({ id, file, data, hash });
    return done;
  }

  async close(): Promise<void> {
    if (this.pending.size > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.abort();
  }

  async abort(): Promise<void> {
    await this.worker.terminate();
    this.stop(new Error('the file writer thread stopped'));
  }

  private settle(reply: WriteReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if ('written' in reply) waiting.resolve(reply.written);
    else waiting.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
    if (this.pending.size === 0) this.drained();
  }

  /** The thread is gone: every write still waiting fails with why. */
  private stop(why: Error): void {
    this.stopped ??= why;
    for (const waiting of this.pending.values()) waiting.reject(this.stopped);
    this.pending.clear();
    this.drained();
  }

  private drained(): void {
    this.worker.unref();
    for (const resolve of this.idle.splice(0)) resolve();
  }
}
