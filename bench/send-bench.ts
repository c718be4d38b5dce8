/**
 * Send benchmark: one edition to 10,000 generated recipients through a
 * loopback smtp-server with no rate limit, in four arms measured in the same
 * run, rounds alternating so machine noise hits them all:
 *
 *   plain      nodemailer on the same pool settings, the same per-recipient
 *              messages, no state at all (the baseline)
 *   files      briefwire's send on the files backend (CSV streaming, the
 *              ledger with fsync'd records, the lock, suppression checks)
 *   pg1        briefwire's send on PostgreSQL, one sender
 *   pg2        two senders (two processes) sharing the edition through claims
 *
 * Every briefwire sender is a process of its own (send-worker.ts), as
 * `briefwire send` is; it is timed from a common start signal, so start-up is
 * not counted. The SMTP server runs in a child process too, and the database
 * is a throwaway cluster with the server's durable defaults (fsync on). Each
 * arm is checked: the sink received every recipient exactly once.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import nodemailer from 'nodemailer';
import { poolOptions, parseSmtpUrl, type SmtpTarget } from '../src/deliver/transport/smtp.js';
import { openDatabase } from '../src/deliver/store/open-store.js';
import { migrate } from '../src/state/migrate.js';
import { postgresBinDir, startCluster, type TestCluster } from '../test/support/postgres.js';
import { benchRate, prepareSendFixture, SEND_CONNECTIONS, sendPlain, type SendFixture } from './send-fixture.js';
import type { SendJob, SendWorkerReport } from './send-worker.js';

const ROUNDS = Number(process.env['BENCH_SEND_ROUNDS'] ?? 2);
const ARMS = ['plain', 'files', 'pg1', 'pg2'] as const;
type Arm = (typeof ARMS)[number];
const LABELS: Record<Arm, string> = {
  plain: 'plain nodemailer pool (no state)',
  files: 'briefwire, files (ledger, fsync)',
  pg1: 'briefwire, PostgreSQL, 1 sender',
  pg2: 'briefwire, PostgreSQL, 2 senders',
};

/** The sink: accepts everything, discards the data, reports its count over IPC. */
function sinkSource(smtpServerUrl: string): string {
  return `
    const { SMTPServer } = await import(${JSON.stringify(smtpServerUrl)});
    let count = 0;
    const server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, size: 50 * 1024 * 1024,
      onData(stream, session, cb) { stream.on('data', () => {}); stream.on('end', () => { count++; cb(null, 'OK'); }); },
    });
    server.on('error', () => {});
    server.listen(0, '127.0.0.1', () => process.send({ port: server.server.address().port }));
    process.on('message', (m) => {
      const u = process.cpuUsage();
      if (m === 'count') process.send({ count, cpuMs: (u.user + u.system) / 1000 });
      if (m === 'exit') process.exit(0);
    });
  `;
}

async function startSinkProcess(): Promise<{ port: number; count: () => Promise<{ count: number; cpuMs: number }>; stop: () => void; child: ChildProcess }> {
  const require = createRequire(import.meta.url);
  // smtp-server's CommonJS entry resolves from here; load its ESM build next to it.
  const cjs = require.resolve('smtp-server');
  const esm = pathToFileURL(cjs.replace(`${path.sep}cjs${path.sep}`, `${path.sep}esm${path.sep}`)).href;
  const child = spawn(process.execPath, ['--input-type=module', '-e', sinkSource(esm)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port?: number }) => (m.port ? resolve(m.port) : reject(new Error('sink did not start'))));
    child.once('exit', (code) => reject(new Error(`sink exited with ${code}`)));
  });
  return {
    port,
    child,
    count: () =>
      new Promise<{ count: number; cpuMs: number }>((resolve) => {
        child.once('message', (m: { count: number; cpuMs: number }) => resolve(m));
        child.send('count');
      }),
    stop: () => {
      child.send('exit');
    },
  };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

interface Bench {
  fixture: SendFixture;
  target: SmtpTarget;
  sinkPort: number;
  cluster: TestCluster;
  databases: number;
}

interface ArmRun {
  ms: number;
  /** CPU the arm used, in ms: its sender processes (or the bench's own, for plain), the sink, the database server. */
  cpu?: { senders: number; sink: number; postgres: number };
  /** Per sender: recipients sent, peak RSS, ledger syncs. */
  senders: SendWorkerReport[];
}

/** Plain nodemailer on the same pool settings, one message in flight per connection, no state. */
async function plainArm({ fixture, target }: Bench): Promise<ArmRun> {
  const transporter = nodemailer.createTransport(poolOptions(target, { connections: SEND_CONNECTIONS, rate: 0 }));
  const cpu = process.cpuUsage();
  const ms = await sendPlain(fixture, transporter);
  const used = process.cpuUsage(cpu);
  transporter.close();
  return { ms, senders: [{ startedAt: 0, endedAt: 0, sent: fixture.recipients.length, alreadySent: 0, problems: [], maxRss: 0, cpuMs: (used.user + used.system) / 1000 }] };
}

/** Starts one sender process per job, lets them go at once, and waits for their reports. */
async function runSenders(jobs: SendJob[]): Promise<ArmRun> {
  const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'send-worker.js');
  const children = jobs.map((job) => fork(worker, [], { env: { ...process.env, BENCH_SEND_JOB: JSON.stringify(job) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const next = (child: ChildProcess): Promise<unknown> =>
    new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`a bench sender exited with ${code}`)));
    });
  await Promise.all(children.map(next));
  const reports = children.map((c) => next(c) as Promise<SendWorkerReport>);
  for (const child of children) child.send('go');
  const senders = await Promise.all(reports);
  const problems = senders.flatMap((r) => r.problems);
  if (problems.length > 0) throw new Error(`a bench sender failed: ${problems.join('; ')}`);
  return { ms: Math.max(...senders.map((r) => r.endedAt)) - Math.min(...senders.map((r) => r.startedAt)), senders };
}

/** A new, migrated database on the bench's cluster. */
async function freshDatabase(bench: Bench): Promise<string> {
  const name = `bench_send_${++bench.databases}`;
  bench.cluster.createDatabase(name);
  const url = bench.cluster.url(name);
  const db = await openDatabase(url, { connections: 1 });
  if (!db.ok) throw new Error(db.problems.map((p) => p.message).join('; '));
  await migrate(db.value);
  await db.value.close();
  return url;
}

async function runArm(bench: Bench, arm: Arm, round: number): Promise<ArmRun> {
  const job = { work: bench.fixture.work, stateDir: path.join(bench.fixture.work, `state-${arm}-${round}`), smtpPort: bench.sinkPort, secret: bench.fixture.secret };
  switch (arm) {
    case 'plain':
      return plainArm(bench);
    case 'files':
      return runSenders([job]);
    case 'pg1':
      return runSenders([{ ...job, databaseUrl: await freshDatabase(bench) }]);
    case 'pg2': {
      const databaseUrl = await freshDatabase(bench);
      return runSenders([{ ...job, databaseUrl }, { ...job, databaseUrl }]);
    }
  }
}

/**
 * CPU the cluster's server has used so far, in ms: the postmaster, its live
 * children, and the children it has reaped (a connection's backend ends with it).
 */
function postgresCpuMs(cluster: TestCluster): number {
  const pid = readFileSync(path.join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]!;
  // /proc/<pid>/stat after the command's ")": state ppid ... utime(14) stime(15) cutime(16) cstime(17), in ticks of 10 ms.
  const stat = (p: string): string[] | undefined => {
    try {
      const text = readFileSync(`/proc/${p}/stat`, 'utf8');
      return text.slice(text.lastIndexOf(')') + 2).split(' ');
    } catch {
      return undefined; // it ended between the listing and the read
    }
  };
  const own = stat(pid)!;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const p of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    const f = stat(p);
    if (f?.[1] === pid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * 10;
}

/** Alternates the arms so machine noise hits all; checks each delivered every recipient exactly once. */
async function alternate(bench: Bench, sinkCount: () => Promise<{ count: number; cpuMs: number }>): Promise<Map<Arm, ArmRun[]>> {
  const runs = new Map<Arm, ArmRun[]>(ARMS.map((a) => [a, []]));
  const total = bench.fixture.recipients.length;
  for (let round = 0; round < ROUNDS; round++) {
    for (const arm of ARMS) {
      global.gc?.();
      const before = await sinkCount();
      const postgresBefore = postgresCpuMs(bench.cluster);
      const run = await runArm(bench, arm, round);
      const after = await sinkCount();
      const delivered = after.count - before.count;
      run.cpu = { senders: run.senders.reduce((n, r) => n + r.cpuMs, 0), sink: after.cpuMs - before.cpuMs, postgres: postgresCpuMs(bench.cluster) - postgresBefore };
      const sent = run.senders.reduce((n, r) => n + r.sent, 0);
      if (delivered !== total || sent !== total) throw new Error(`${arm}: the sink received ${delivered} and the senders counted ${sent}, for ${total} recipients`);
      runs.get(arm)!.push(run);
    }
  }
  return runs;
}

/** "pg1 2.1 = sender 1.2 + sink 0.5 + PostgreSQL 0.4" for the arm's fastest round. */
function cpuPerMessage(arm: Arm, runs: ArmRun[], recipients: number): string {
  const cpu = [...runs].sort((a, b) => a.ms - b.ms)[0]!.cpu!;
  const per = (ms: number): string => (ms / recipients).toFixed(2);
  return `${arm} ${per(cpu.senders + cpu.sink + cpu.postgres)} = sender ${per(cpu.senders)} + sink ${per(cpu.sink)} + PostgreSQL ${per(cpu.postgres)}`;
}

function report(bench: Bench, runs: Map<Arm, ArmRun[]>, messageBytes: number): void {
  const recipients = bench.fixture.recipients.length;
  const rate = (ms: number): number => benchRate(recipients, ms);
  const best = (arm: Arm): number => Math.max(...runs.get(arm)!.map((r) => rate(r.ms)));
  const line = (arm: Arm): string =>
    `  ${LABELS[arm].padEnd(34)} ${best(arm).toFixed(0).padStart(6)} msg/s best   (rounds: ${runs
      .get(arm)!
      .map((r) => `${rate(r.ms).toFixed(0)} msg/s in ${(r.ms / 1000).toFixed(2)} s${r.senders.length > 1 ? ` [${r.senders.map((s) => s.sent).join(' + ')}]` : ''}`)
      .join(', ')})`;
  const ratio = (a: Arm, b: Arm, target?: number): string => `${a}/${b} ${(best(a) / best(b)).toFixed(2)}${target ? ` (target >= ${target.toFixed(2)})` : ''}`;
  const rss = (arm: Arm): string => mb(Math.max(...runs.get(arm)!.flatMap((r) => r.senders.map((s) => s.maxRss)))) + ` ${arm}`;
  const syncs = runs.get('files')!.map((r) => r.senders[0]?.syncs).filter((s) => s !== undefined);
  process.stdout.write(
    [
      `send: ${recipients} recipients x ${ROUNDS} rounds, ${SEND_CONNECTIONS} pooled connections per sender, no rate limit, ${(messageBytes / 1024).toFixed(1)} KiB per message, ` +
        `smtp-server on loopback (own process), PostgreSQL ${path.basename(path.dirname(postgresBinDir() ?? ""))} (own cluster, fsync on), files state on ${os.tmpdir()}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`,
      ...ARMS.map(line),
      `  ratios (best against best)         ${ratio('files', 'plain', 0.7)}; ${ratio('pg1', 'files', 0.8)}; ${ratio('pg2', 'pg1', 1.3)}`,
      `                                     ${ratio('pg1', 'plain')}; ${ratio('pg2', 'plain')}`,
      `  CPU per message, best round (ms)   ${ARMS.map((arm) => cpuPerMessage(arm, runs.get(arm)!, recipients)).join('; ')}`,
      `  peak RSS per sender                ${(['files', 'pg1', 'pg2'] as const).map(rss).join(', ')}`,
      ...syncs.map((s, i) => `  files ledger, round ${i + 1}             ${s.syncs} syncs for ${s.records} records, ${(s.syncMs / s.syncs).toFixed(2)} ms avg`),
      '',
    ].join('\n'),
  );
}

export async function runSendBench(): Promise<void> {
  const fixture = await prepareSendFixture('briefwire-send-bench-');
  const sink = await startSinkProcess();
  const cluster = await startCluster({ durable: true });
  try {
    const target = parseSmtpUrl(`smtp://127.0.0.1:${sink.port}`);
    if (!target.ok) throw new Error('url');
    const bench: Bench = { fixture, target: target.value, sinkPort: sink.port, cluster, databases: 0 };
    const size = (await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(fixture.messageFor(fixture.recipients[0]!, new Date()))) as { message: Buffer };
    // Warm-up: JIT and the sink's first allocations.
    const warm = nodemailer.createTransport(poolOptions(bench.target, { connections: SEND_CONNECTIONS, rate: 0 }));
    await Promise.all(fixture.recipients.slice(0, 200).map((r) => warm.sendMail(fixture.messageFor(r, new Date()))));
    warm.close();
    report(bench, await alternate(bench, sink.count), size.message.length);
  } finally {
    sink.stop();
    cluster.stop();
    await fixture.cleanUp();
  }
}

// `node dist-bench/bench/send-bench.js` runs it on its own.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runSendBench();
