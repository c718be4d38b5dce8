/**
 * Worker-thread entry of the threaded file writer (file-writer.ts): writes
 * each file it is sent, in order, and answers with what the out/ record
 * needs of it. Its whole job is the system calls, so that the build's own
 * thread goes on rendering the next edition meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import { writeOneFile, type WriteJob, type WriteReply } from './file-write.js';

const dirs = new Set<string>();

parentPort!.on('message', (job: WriteJob) => {
  let reply: WriteReply;
  try {
    reply = { id: job.id, written: writeOneFile(job, dirs) };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // Only plain data crosses threads: the message and the errno code.
    reply = { id: job.id, error: { message: err.message, ...(err.code ? { code: err.code } : {}) } };
  }
  parentPort!.postMessage(reply);
});
