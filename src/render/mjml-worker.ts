/** Worker thread body for the MJML pool: compiles one document per message. */
import { parentPort } from 'node:worker_threads';
import mjml2html from 'mjml';
import type { MjmlJob, MjmlReply } from './mjml-pool.js';

parentPort!.on('message', async (job: MjmlJob) => {
  let reply: MjmlReply;
  try {
    const result = await mjml2html(job.mjml, job.options);
    reply = { id: job.id, html: result.html };
  } catch (e) {
    const err = e as Error & { errors?: MjmlReply['errors'] };
    reply = { id: job.id, message: err.message, ...(err.errors ? { errors: err.errors } : {}) };
  }
  parentPort!.postMessage(reply);
});
