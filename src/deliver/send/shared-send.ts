/**
 * The send loop on a shared database: any number of senders, on one host or
 * several, run the same edition at once and each recipient goes out once.
 *
 *   1. every sender offers the list (the first copy of each row wins)
 *   2. each worker claims the next recipient no one holds, in one statement,
 *      then the send step hands it over and records the outcome (send-step.ts)
 *   3. suppressed readers are passed over at claim time, so an unsubscribe
 *      recorded by any server during the send counts
 *   4. --rate is the edition's total: each message waits for its instant,
 *      handed out by the database to all senders in turn
 *
 * A sender that dies leaves its claims as unknown outcomes: not resent without
 * --resend-unknown, and listed by the runs after it.
 */
import { error, ok, type Problem, type Result } from '../../problems.js';
import { DatabaseFailed } from '../../problem-catalogue.js';
import { DatabaseError } from '../../state/database.js';
import type { Recipient } from '../audience/subscriber-csv.js';
import { EditionQueue, type DeliveryOutcome, type Listed } from '../store/edition-queue.js';
import type { PostgresStore } from '../store/postgres-store.js';
import { prepareEdition } from './message.js';
import { readRecipients } from './recipients.js';
import type { OutcomeRecord } from './send-outcome.js';
import { messageFor, SendRun, stepFor, type SendEditionOptions, type SendSummary } from './send-run.js';
import type { StepLedger } from './send-step.js';

const ENQUEUE_BATCH = 1000;

export async function sendShared(opts: SendEditionOptions, store: PostgresStore): Promise<Result<SendSummary>> {
  const now = opts.now ?? (() => new Date());
  const reporter = opts.reporter ?? {};
  let queue: EditionQueue;
  try {
    queue = await EditionQueue.start(store, opts.edition.date, { at: now().toISOString(), resendUnknown: opts.resendUnknown, listId: opts.sender.listId });
  } catch (e) {
    return { ok: false, problems: [problemOf(e, store)] };
  }
  const run = new SendRun(opts, `${store.where} (edition ${opts.edition.date})`, reporter);
  try {
    run.summary.total = await enqueueList(opts, store, queue, run);
    reporter.start?.(run.summary.total);
    if (!run.stopping()) await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, () => worker(opts, queue, run, now, store)));
    run.end();
    await closeRun(queue, run, now, store);
  } finally {
    await queue.end();
  }
  return ok(run.summary);
}

/** Offers the whole list to the queue; returns its length. A list that cannot be read stops the run. */
async function enqueueList(opts: SendEditionOptions, store: PostgresStore, queue: EditionQueue, run: SendRun): Promise<number> {
  let batch: Listed[] = [];
  let count = 0;
  try {
    for await (const item of readRecipients(opts.subscribersFile, store)) {
      if (item.kind === 'problem') {
        if (item.problem.severity === 'error') run.failWith(item.problem);
        continue;
      }
      const r = item.recipient;
      batch.push({ key: r.key, address: r.address, ...(r.name ? { name: r.name } : {}) });
      if (batch.length === ENQUEUE_BATCH) {
        await queue.enqueue(batch, count);
        count += batch.length;
        batch = [];
      }
    }
    await queue.enqueue(batch, count);
  } catch (e) {
    run.failWith(problemOf(e, store));
  }
  return count + batch.length;
}

/** A worker's last outcome, held to be recorded with its next claim (one commit per message). */
class HeldOutcome {
  private held: { key: string; at: string; outcome: DeliveryOutcome; done: (e?: unknown) => void } | undefined;

  /** Resolves once the outcome is recorded (with the next claim, or by `flush`). */
  hold(key: string, at: string, outcome: DeliveryOutcome): Promise<void> {
    return new Promise((resolve, reject) => {
      this.held = { key, at, outcome, done: (e) => (e === undefined ? resolve() : reject(e)) };
    });
  }

  /** Hands the held outcome to `record` (a claim that carries it), settling its promise either way. */
  async with<T>(record: (previous: { key: string; at: string; outcome: DeliveryOutcome } | undefined) => Promise<T>): Promise<T> {
    const held = this.held;
    this.held = undefined;
    try {
      const value = await record(held);
      held?.done();
      return value;
    } catch (e) {
      held?.done(e);
      throw e;
    }
  }

  /** Records a held outcome on its own (the worker takes no next claim). */
  flush(queue: EditionQueue): Promise<void> {
    return this.with((previous) => (previous ? queue.record(previous.key, previous.at, previous.outcome) : Promise.resolve()));
  }
}

function deliveryOutcome(record: OutcomeRecord): DeliveryOutcome {
  return {
    state: record.type,
    ...(record.type === 'failed' ? { permanent: record.permanent, error: record.error, ...(record.code !== undefined ? { code: record.code } : {}) } : {}),
    ...(record.type === 'unconfirmed' ? { error: record.error } : {}),
    ...(record.type === 'sent' ? { response: record.response ?? '' } : {}),
  };
}

/**
 * The database as the step's ledger: the claim is the first attempt; later tries take it back.
 * An outcome waits for the worker's next claim, except a temporary failure, which a retry
 * takes back at once (reclaim needs it recorded).
 */
function claimLedger(queue: EditionQueue, held: HeldOutcome): StepLedger {
  return {
    attempt: (key, at, attempt) => (attempt === 1 ? Promise.resolve(true) : queue.reclaim(key, at)),
    outcome: (key, at, record: OutcomeRecord) => {
      const outcome = deliveryOutcome(record);
      return outcome.state === 'failed' && !outcome.permanent ? queue.record(key, at, outcome) : held.hold(key, at, outcome);
    },
  };
}

async function worker(opts: SendEditionOptions, queue: EditionQueue, run: SendRun, now: () => Date, store: PostgresStore): Promise<void> {
  const edition = prepareEdition(opts.edition);
  const held = new HeldOutcome();
  const step = stepFor(opts, claimLedger(queue, held), run, now);
  try {
    while (!run.stopping()) {
      const claim = await held.with((previous) => queue.claimNext(opts.resendUnknown, now().toISOString(), previous));
      if (!claim) break;
      if (opts.sharedRate) await delay(await queue.pace(1000 / opts.sharedRate));
      const r: Recipient = { address: claim.address, key: claim.key, line: 0, ...(claim.name ? { name: claim.name } : {}) };
      run.finished(r.address, await step.send(r, messageFor(opts, edition, r, now)));
      run.settle();
    }
  } catch (e) {
    // The database went away or refused: stop everyone; we must not send what we cannot record.
    run.failWith(problemOf(e, store));
  } finally {
    await held.flush(queue).catch((e: unknown) => run.failWith(problemOf(e, store)));
    await step.flush().catch((e: unknown) => run.failWith(problemOf(e, store)));
  }
}

/** The summary's view of the whole edition, and `done` when this run got to the end of the list. */
async function closeRun(queue: EditionQueue, run: SendRun, now: () => Date, store: PostgresStore): Promise<void> {
  const s = run.summary;
  try {
    const mine = await queue.runTally();
    const all = await queue.tally();
    s.alreadySent = all.sent - mine.sent;
    s.failedEarlier = all.failedPermanent - mine.failedPermanent;
    for (const [reason, n] of await queue.suppressedListed()) {
      s.suppressed += n;
      s.suppressedBy[reason] = n;
    }
    if (!s.interrupted) {
      s.unknown.push(...(await queue.unknownLeftByOthers()));
      await queue.recordDone(now().toISOString(), { sent: s.sent, failed: s.failed.length, retryLater: s.retryLater.length, unknown: s.unknown.length });
    }
  } catch (e) {
    run.failWith(problemOf(e, store));
  }
  if (run.fatal) s.fatal = run.fatal;
}

function problemOf(e: unknown, store: PostgresStore): Problem {
  if (e instanceof DatabaseError) return e.problem;
  if (typeof e === 'object' && e !== null && 'code' in e && 'severity' in e) return e as Problem;
  return error(store.where, DatabaseFailed, [(e as Error).message ?? String(e)]);
}

function delay(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
