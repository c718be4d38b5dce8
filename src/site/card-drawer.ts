/**
 * Where a build's share cards are drawn. One card (share-card.ts: satori,
 * then resvg) costs several times an edition's page in CPU, so they are
 * drawn on worker threads beside the thread that renders the pages, one per
 * core the build does not otherwise fill (at least one, at most
 * CARD_THREADS), each loading the fonts once. The threads are shared by the
 * builds of a process and keep it alive only while a card is being drawn.
 * Where there is no compiled thread entry (vitest runs the TypeScript
 * sources) a card is drawn in-process: same code, same bytes.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CardContent } from './card-layout.js';
import { drawCard } from './share-card.js';

export interface CardJob {
  id: number;
  card: CardContent;
}
export type CardReply = { id: number; png: Uint8Array } | { id: number; error: string };

const THREAD_FILE = fileURLToPath(new URL('./card-drawer-thread.js', import.meta.url));

/** Two threads beside the build's own keep two cores busy with cards while pages render; more only queue for the same cores. */
export const CARD_THREADS = 2;

/**
 * A thread's heap holds the fonts and one card's garbage at a time: a small
 * young generation makes it collect often, which also lets resvg's pixel
 * buffers go soon after each card.
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 4 };

/** One drawing thread and the cards it was sent, by job id. */
class CardThread {
  private readonly waiting = new Map<number, { resolve: (png: Uint8Array) => void; reject: (e: Error) => void }>();
  private failed: Error | undefined;

  constructor(private readonly worker: Worker) {
    worker.on('message', (reply: CardReply) => this.settle(reply));
    worker.on('error', (e) => this.fail(new Error(`the share card thread failed: ${e.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`the share card thread stopped (exit code ${code})`)));
    worker.unref();
  }

  get load(): number {
    return this.failed ? Infinity : this.waiting.size;
  }

  draw(id: number, card: CardContent): Promise<Uint8Array> {
    if (this.failed) return Promise.reject(this.failed);
    // Only a card being drawn keeps the process alive.
    if (this.waiting.size === 0) this.worker.ref();
    const done = new Promise<Uint8Array>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.worker.postMessage({ id, card } satisfies CardJob);
    return done;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
    this.fail(new Error('the share card thread was stopped'));
  }

  private settle(reply: CardReply): void {
    const job = this.waiting.get(reply.id);
    if (!job) return;
    this.waiting.delete(reply.id);
    if ('png' in reply) job.resolve(reply.png);
    else job.reject(new Error(`a share card could not be drawn: ${reply.error}`));
    if (this.waiting.size === 0) this.worker.unref();
  }

  private fail(why: Error): void {
    this.failed ??= why;
    for (const job of this.waiting.values()) job.reject(this.failed);
    this.waiting.clear();
    this.worker.unref();
  }
}

/** Draws cards on threads started from `threadFile` (in-process where it is missing), each card on the least busy. */
export class CardDrawer {
  private threads: CardThread[] | undefined;
  private nextId = 0;

  constructor(private readonly threadFile = THREAD_FILE) {}

  /** The card as a 1200x630 PNG. */
  draw(card: CardContent): Promise<Uint8Array> {
    this.threads ??= this.start();
    const idle = this.threads.reduce<CardThread | undefined>((best, t) => (best === undefined || t.load < best.load ? t : best), undefined);
    if (!idle || idle.load === Infinity) return drawCard(card);
    return idle.draw(this.nextId++, card);
  }

  /** Stops the threads; cards still being drawn fail. */
  async close(): Promise<void> {
    const threads = this.threads ?? [];
    this.threads = [];
    await Promise.all(threads.map((t) => t.stop()));
  }

  private start(): CardThread[] {
    if (!existsSync(this.threadFile)) return [];
    const count = Math.max(1, Math.min(CARD_THREADS, availableParallelism()));
    return Array.from({ length: count }, () => new CardThread(new Worker(this.threadFile, { resourceLimits: THREAD_LIMITS })));
  }
}

/** The drawer every build of this process shares: its threads start with the first card and stay, idle, for the next build. */
export const cardDrawer = new CardDrawer();
