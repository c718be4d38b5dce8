/**
 * Send benchmark: one edition to 10,000 generated recipients through a
 * loopback smtp-server, with briefwire's send path (CSV streaming, ledger with
 * fsync'd attempt/outcome records, lock, suppression checks) side by side with
 * plain nodemailer on the same pool settings sending the same per-recipient
 * messages with no ledger. Rounds alternate so machine noise hits both.
 *
 * The SMTP server runs in a child process so it neither competes with the
 * sender's event loop nor counts in the sender's RSS. Both arms keep one
 * message in flight per connection (that is how briefwire bounds "unknown"
 * recipients after a crash), so the ratio measures what the ledger costs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import nodemailer from 'nodemailer';
import { ledgerFile } from '../src/deliver/store/ledger.js';
import { sendEdition } from '../src/deliver/send/send-edition.js';
import { createMailSender, parseSmtpUrl, poolOptions, type SmtpTarget } from '../src/deliver/transport/smtp.js';
import { benchRate, prepareSendFixture, SEND_CONNECTIONS, type SendFixture } from './send-fixture.js';
import { FilesStore } from '../src/deliver/store/files-store.js';

const ROUNDS = 2;

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
    process.on('message', (m) => { if (m === 'count') process.send({ count }); if (m === 'exit') process.exit(0); });
  `;
}

async function startSinkProcess(): Promise<{ port: number; count: () => Promise<number>; stop: () => void; child: ChildProcess }> {
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
      new Promise<number>((resolve) => {
        child.once('message', (m: { count: number }) => resolve(m.count));
        child.send('count');
      }),
    stop: () => {
      child.send('exit');
    },
  };
}

function rssSampler(): { peak: () => number; reset: () => void; stop: () => void } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  return {
    peak: () => Math.max(peak, process.memoryUsage().rss),
    reset: () => {
      peak = process.memoryUsage().rss;
    },
    stop: () => clearInterval(timer),
  };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** What both arms send through: the fixture and the sink's address with the pool settings. */
interface Arms {
  fixture: SendFixture;
  target: SmtpTarget;
  settings: { connections: number; rate: number };
}

/** Plain nodemailer on the same pool settings, one message in flight per connection, no ledger. */
async function plainArm({ fixture, target, settings }: Arms): Promise<number> {
  const { recipients, messageFor } = fixture;
  const transporter = nodemailer.createTransport(poolOptions(target, settings));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: settings.connections }, async () => {
      while (next < recipients.length) {
        const r = recipients[next++]!;
        await transporter.sendMail(messageFor(r, new Date()));
      }
    }),
  );
  const ms = performance.now() - started;
  transporter.close();
  return ms;
}

interface BriefwireRun {
  ms: number;
  ledgerBytes: number;
  syncs: string;
}

/** briefwire's send path: CSV streaming, the ledger with fsync'd records, the lock, suppression checks. */
async function briefwireArm({ fixture, target, settings }: Arms, round: number): Promise<BriefwireRun> {
  const total = fixture.recipients.length;
  const store = new FilesStore(path.join(fixture.work, `state-${round}`));
  const mailer = createMailSender(target, settings);
  const started = performance.now();
  const result = await sendEdition({
    edition: fixture.editionFiles,
    sender: fixture.sender,
    subscribersFile: fixture.csv,
    store,
    mailer,
    secret: fixture.secret,
    concurrency: settings.connections,
    retries: 2,
    retryDelayMs: 100,
    resendUnknown: false,
    total,
  });
  const ms = performance.now() - started;
  mailer.close();
  if (!result.ok || result.value.sent !== total) throw new Error(`briefwire send did not deliver everything: ${JSON.stringify(result.ok ? result.value : result.problems).slice(0, 500)}`);
  const ledgerBytes = (await stat(ledgerFile(store.stateDir, fixture.date))).size;
  const st = result.value.ledgerStats;
  const syncs = st ? `${st.syncs} syncs for ${st.records} records, ${(st.syncMs / st.syncs).toFixed(2)} ms avg, ${st.maxSyncMs.toFixed(1)} ms max` : '';
  return { ms, ledgerBytes, syncs };
}

interface Rounds {
  plain: number[];
  briefwire: BriefwireRun[];
  plainPeak: number;
  briefwirePeak: number;
}

/** Alternates the arms so machine noise hits both, sampling each arm's peak RSS. */
async function alternate(arms: Arms, sampler: ReturnType<typeof rssSampler>): Promise<Rounds> {
  const rounds: Rounds = { plain: [], briefwire: [], plainPeak: 0, briefwirePeak: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    global.gc?.();
    sampler.reset();
    rounds.plain.push(await plainArm(arms));
    rounds.plainPeak = Math.max(rounds.plainPeak, sampler.peak());
    global.gc?.();
    sampler.reset();
    rounds.briefwire.push(await briefwireArm(arms, round));
    rounds.briefwirePeak = Math.max(rounds.briefwirePeak, sampler.peak());
  }
  return rounds;
}

function report(arms: Arms, rounds: Rounds, messageBytes: number, delivered: number): void {
  const recipients = arms.fixture.recipients.length;
  const rate = (ms: number): number => benchRate(recipients, ms);
  const briefwireMs = rounds.briefwire.map((b) => b.ms);
  const ratio = Math.max(...briefwireMs.map(rate)) / Math.max(...rounds.plain.map(rate));
  const line = (label: string, runs: number[]): string =>
    `  ${label.padEnd(34)} ${rate(Math.min(...runs)).toFixed(0).padStart(6)} msg/s best   (rounds: ${runs.map((ms) => `${rate(ms).toFixed(0)} msg/s in ${(ms / 1000).toFixed(2)} s`).join(', ')})`;
  const ledgerBytes = rounds.briefwire.at(-1)?.ledgerBytes ?? 0;
  process.stdout.write(
    [
      `send: ${recipients} recipients x ${ROUNDS} rounds, ${arms.settings.connections} pooled connections, no rate limit, ${(messageBytes / 1024).toFixed(1)} KiB per message, smtp-server on loopback (separate process), state on ${os.tmpdir()}`,
      line('plain nodemailer pool (no ledger)', rounds.plain),
      line('briefwire send (ledger, fsync)', briefwireMs),
      `  ratio briefwire/plain              ${ratio.toFixed(2)} (target >= 0.70)`,
      `  peak RSS (process.memoryUsage)     plain ${mb(rounds.plainPeak)}, briefwire ${mb(rounds.briefwirePeak)}`,
      `  ledger                             ${(ledgerBytes / 1024 / 1024).toFixed(1)} MB for ${recipients} recipients; server received ${delivered} of ${recipients * ROUNDS * 2} (both arms)`,
      ...rounds.briefwire.map((b, i) => `  ledger round ${i + 1}                     ${b.syncs}`),
      '',
    ].join('\n'),
  );
}

export async function runSendBench(): Promise<void> {
  const fixture = await prepareSendFixture('briefwire-send-bench-');
  const sink = await startSinkProcess();
  const sampler = rssSampler();
  try {
    const target = parseSmtpUrl(`smtp://127.0.0.1:${sink.port}`);
    if (!target.ok) throw new Error('url');
    const arms: Arms = { fixture, target: target.value, settings: { connections: SEND_CONNECTIONS, rate: 0 } };
    const size = (await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(fixture.messageFor(fixture.recipients[0]!, new Date()))) as { message: Buffer };
    // Warm-up: JIT and the sink's first allocations.
    const warm = nodemailer.createTransport(poolOptions(arms.target, arms.settings));
    await Promise.all(fixture.recipients.slice(0, 200).map((r) => warm.sendMail(fixture.messageFor(r, new Date()))));
    warm.close();
    const before = await sink.count();
    const rounds = await alternate(arms, sampler);
    report(arms, rounds, size.message.length, (await sink.count()) - before);
  } finally {
    sampler.stop();
    sink.stop();
    await fixture.cleanUp();
  }
}

// `node dist-bench/bench/send-bench.js` runs it on its own.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runSendBench();
