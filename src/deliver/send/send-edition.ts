/**
 * The send loop for one edition. Per recipient, in list order:
 *
 *   ledger says sent / permanently failed  → skip
 *   on the suppression list                → skip (checked here, at send time)
 *   ledger says unknown (attempt, no answer) → skip and list, unless resendUnknown
 *   otherwise: the send step (send-step.ts): record `attempt` (synced) → SMTP → record the outcome
 *
 * Concurrency is one worker per SMTP connection, each with at most one message
 * between its `attempt` and its outcome, so a crash leaves at most
 * `concurrency` recipients unknown.
 */
import { error, type Problem, type Result } from '../../problems.js';
import { LedgerWriteFailed } from '../../problem-catalogue.js';
import { acquireSendLock } from './lock.js';
import { classify, LedgerWriter, unknownRecipients } from '../store/ledger.js';
import { prepareEdition } from './message.js';
import { fileStepLedger, type SendStep } from './send-step.js';
import { messageFor, SendRun, stepFor, type SendEditionOptions, type SendReporter, type SendSummary } from './send-run.js';
import { readRecipients } from './recipients.js';
import type { Recipient, SubscriberItem } from '../audience/subscriber-csv.js';
import { SuppressionList, suppressionProblemsForSending } from '../audience/suppression.js';
import { FilesStore } from '../store/files-store.js';
import type { PostgresStore } from '../store/postgres-store.js';
import type { StateStore } from '../store/state-store.js';

export type { SendEditionOptions, SendReporter, SendSummary } from './send-run.js';

export async function sendEdition(opts: SendEditionOptions): Promise<Result<SendSummary>> {
  // On a shared database, any number of senders share the edition through claims instead of a lock.
  // (Loaded only then: the files backend never loads the database driver.)
  if (opts.store.kind === 'postgres') return (await import('./shared-send.js')).sendShared(opts, opts.store as PostgresStore);
  if (!(opts.store instanceof FilesStore)) throw new Error('sendEdition: unknown state store');
  const { stateDir } = opts.store;
  const now = opts.now ?? (() => new Date());
  const reporter = opts.reporter ?? {};
  const warn = (p: Problem): void => reporter.warn?.(p);

  const lock = await acquireSendLock(stateDir, opts.edition.date, now());
  if (!lock.ok) return { ok: false, problems: [lock.problem] };
  try {
    const opened = await LedgerWriter.open(stateDir, opts.edition.date);
    if (!opened.ok) return opened;
    opened.warnings.forEach(warn);
    const ledger = opened.value;
    try {
      const suppression = await SuppressionList.load(stateDir);
      if (!suppression.ok) return suppression;
      const listProblems = suppressionProblemsForSending(suppression.warnings);
      if (listProblems.some((p) => p.severity === 'error')) return { ok: false, problems: listProblems };
      listProblems.forEach(warn);
      const summary = await runLoop(opts, ledger, suppression.value, now, reporter);
      if (lock.takenOver) summary.takenOverLock = lock.takenOver;
      summary.ledgerStats = { ...ledger.stats };
      // Even after a fatal error the caller gets the summary: it must show what did go out.
      return { ok: true, value: summary, warnings: [] };
    } finally {
      await ledger.close();
    }
  } finally {
    await lock.release();
  }
}

async function runLoop(
  opts: SendEditionOptions,
  ledger: LedgerWriter,
  suppression: SuppressionList,
  now: () => Date,
  reporter: SendReporter,
): Promise<SendSummary> {
  const run = new SendRun(opts, ledger.file, reporter);
  // Unknown from earlier runs; whoever is still here at the end is no longer on the list.
  const earlierUnknownOffList = new Set(unknownRecipients(ledger.snapshot));
  // The List-Id is recorded so a later version can tell which id readers' filters know (see list-id.ts).
  await ledger.append({ type: 'run', at: now().toISOString(), pid: process.pid, resendUnknown: opts.resendUnknown, listId: opts.sender.listId });
  const source = new RecipientSource(opts.subscribersFile, opts.store, (p) => run.failWith(p));
  if (opts.total !== undefined) reporter.start?.(opts.total);

  const edition = prepareEdition(opts.edition);
  const handle = async (r: Recipient, step: SendStep): Promise<void> => {
    earlierUnknownOffList.delete(r.key);
    // Re-read unsubscribes that arrived during a long send (at most once a second).
    const refreshed = suppressionProblemsForSending(await suppression.refreshIfOlderThan(1000));
    const damaged = refreshed.find((p) => p.severity === 'error');
    // A line appended since that cannot be read may be this very reader leaving: stop, send nothing more.
    if (damaged) return run.failWith(damaged);
    refreshed.forEach((p) => reporter.warn?.(p));
    const action = classify(ledger.snapshot.states.get(r.key), suppression.has(r.key), opts.resendUnknown);
    if (action !== 'send') return run.skipped(action, r.address, suppression.reasonOf(r.key));
    run.finished(r.address, await step.send(r, messageFor(opts, edition, r, now)));
  };
  const worker = async (): Promise<void> => {
    const step = stepFor(opts, fileStepLedger(ledger), run, now);
    try {
      while (!run.stopping()) {
        const r = await source.next();
        if (!r) break;
        if (run.stopping()) {
          run.summary.notReached++;
          break;
        }
        await handle(r, step);
        run.settle();
      }
    } catch (e) {
      // A ledger write failed: stop everyone; we must not send what we cannot record.
      run.failWith(e);
    } finally {
      await step.flush().catch((e: unknown) => run.failWith(e));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, () => worker()));

  // Count what the early stop left unread, and how long the list was.
  if (run.stopping() && !run.fatal) run.summary.notReached += await source.drain();
  await source.close();
  run.summary.total = Math.max(opts.total ?? 0, source.count);
  run.end();
  // Unknown recipients from earlier runs that are no longer on the list still count: someone must decide.
  if (!run.summary.interrupted) {
    for (const key of earlierUnknownOffList) {
      if (classify('unknown', suppression.has(key), opts.resendUnknown) === 'unknown') run.summary.unknown.push(key);
    }
  }
  await recordDone(ledger, run, now);
  return run.summary;
}

/** A run that got through the list records `done` (what --due and the next run read). */
async function recordDone(ledger: LedgerWriter, run: SendRun, now: () => Date): Promise<void> {
  const s = run.summary;
  if (!s.interrupted && !run.fatal) {
    try {
      await ledger.append({ type: 'done', at: now().toISOString(), sent: s.sent, failed: s.failed.length, retryLater: s.retryLater.length, unknown: s.unknown.length });
    } catch (e) {
      run.fatal = error(ledger.file, LedgerWriteFailed, [(e as Error).message]);
    }
  }
  if (run.fatal) s.fatal = run.fatal;
}

/**
 * The subscriber list, streamed: workers share one generator (async generators
 * queue concurrent next() calls). Row problems were reported by the caller's
 * scan; a read error now is fatal.
 */
class RecipientSource {
  private readonly items: AsyncGenerator<SubscriberItem>;
  /** Recipients read so far. */
  count = 0;

  constructor(file: string | null, store: StateStore, private readonly onFatal: (p: Problem) => void) {
    this.items = readRecipients(file, store);
  }

  async next(): Promise<Recipient | null> {
    for (;;) {
      const item = await this.items.next();
      if (item.done) return null;
      if (item.value.kind === 'recipient') {
        this.count++;
        return item.value.recipient;
      }
      if (item.value.problem.severity === 'error') {
        this.onFatal(item.value.problem);
        return null;
      }
    }
  }

  /** Reads to the end; returns how many recipients that was. */
  async drain(): Promise<number> {
    let n = 0;
    while (await this.next()) n++;
    return n;
  }

  async close(): Promise<void> {
    await this.items.return(undefined);
  }
}
