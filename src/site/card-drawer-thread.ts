/**
 * Worker-thread entry of the share card drawer (card-drawer.ts): draws the
 * cards it is sent one after another and answers each with its PNG. One at
 * a time because a card is all CPU on this thread (satori, then resvg's
 * synchronous raster): drawing the queue at once would only hold every
 * queued card's pixels in memory together.
 */
import { parentPort } from 'node:worker_threads';
import type { CardJob, CardReply } from './card-drawer.js';
import { drawCard } from './share-card.js';

let queue: Promise<void> = Promise.resolve();

parentPort!.on('message', (job: CardJob) => {
  queue = queue.then(() =>
    drawCard(job.card).then(
      (png) => parentPort!.postMessage({ id: job.id, png } satisfies CardReply),
      (e: unknown) => parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) } satisfies CardReply),
    ),
  );
});
