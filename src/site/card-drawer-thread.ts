/**
 * Worker-thread entry of the share card drawer (card-drawer.ts): draws each
 * card it is sent and answers with its PNG. Cards are drawn as they arrive,
 * so one card's rasterising (resvg, on libuv's pool) overlaps the next
 * one's layout (satori, on this thread).
 */
import { parentPort } from 'node:worker_threads';
import type { CardJob, CardReply } from './card-drawer.js';
import { drawCard } from './share-card.js';

parentPort!.on('message', (job: CardJob) => {
  drawCard(job.card).then(
    (png) => parentPort!.postMessage({ id: job.id, png } satisfies CardReply),
    (e: unknown) => parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) } satisfies CardReply),
  );
});
