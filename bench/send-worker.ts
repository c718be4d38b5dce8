/**
 * One briefwire sender for the send benchmark, in a process of its own as
 * `briefwire send` runs: the fixture's edition to its CSV through the sink,
 * on the state the job names (a state directory, or DATABASE_URL). It loads
 * and connects, says `ready`, waits for `go` (so two senders start together
 * and start-up is not timed), then reports when its send began and ended.
 */
import path from 'node:path';
import { sendEdition } from '../src/deliver/send/send-edition.js';
import { openStateStore } from '../src/deliver/store/open-store.js';
import { createMailSender, parseSmtpUrl } from '../src/deliver/transport/smtp.js';
import { benchSender, loadBenchEdition, SEND_CONNECTIONS } from './send-fixture.js';

export interface SendJob {
  work: string;
  stateDir: string;
  databaseUrl?: string;
  smtpPort: number;
  secret: string;
}

export interface SendWorkerReport {
  startedAt: number;
  endedAt: number;
  sent: number;
  alreadySent: number;
  problems: string[];
  /** CPU the send took in this process (user + system), in ms. */
  cpuMs: number;
  /** The process's peak resident set, in bytes. */
  maxRss: number;
  /** The files ledger's write+sync rounds. */
  syncs?: { syncs: number; records: number; syncMs: number };
}

async function main(job: SendJob): Promise<SendWorkerReport> {
  const edition = await loadBenchEdition(job.work);
  const store = await openStateStore(job.stateDir, job.databaseUrl ? { DATABASE_URL: job.databaseUrl } : {}, { connections: SEND_CONNECTIONS + 1 });
  if (!store.ok) throw new Error(store.problems.map((p) => p.message).join('; '));
  const target = parseSmtpUrl(`smtp://127.0.0.1:${job.smtpPort}`);
  if (!target.ok) throw new Error('smtp url');
  const mailer = createMailSender(target.value, { connections: SEND_CONNECTIONS, rate: 0 });
  process.send!('ready');
  await new Promise((resolve) => process.once('message', resolve));
  const startedAt = Date.now();
  const cpu = process.cpuUsage();
  const result = await sendEdition({
    edition,
    sender: benchSender(),
    subscribersFile: path.join(job.work, 'subscribers.csv'),
    store: store.value,
    mailer,
    secret: job.secret,
    concurrency: SEND_CONNECTIONS,
    retries: 2,
    retryDelayMs: 100,
    resendUnknown: false,
  });
  const endedAt = Date.now();
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  mailer.close();
  await store.value.close();
  const maxRss = process.resourceUsage().maxRSS * 1024;
  if (!result.ok) return { startedAt, endedAt, sent: 0, alreadySent: 0, problems: result.problems.map((p) => p.message), maxRss, cpuMs };
  const s = result.value;
  const syncs = s.ledgerStats ? { syncs: s.ledgerStats.syncs, records: s.ledgerStats.records, syncMs: s.ledgerStats.syncMs } : undefined;
  return { startedAt, endedAt, sent: s.sent, alreadySent: s.alreadySent, problems: s.fatal ? [s.fatal.message] : [], maxRss, cpuMs, ...(syncs ? { syncs } : {}) };
}

const job = JSON.parse(process.env['BENCH_SEND_JOB'] ?? '{}') as SendJob;
process.send!(await main(job));
process.exit(0);
