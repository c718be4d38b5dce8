/**
 * SES benchmark: one edition to 10,000 generated recipients through the SES
 * v2 API of a local emulator (aws-ses-v2-local, in a child process so it
 * neither competes with the sender's event loop nor counts in its RSS), with
 * briefwire's send path (CSV streaming, fsync'd ledger, suppression checks)
 * side by side with plain nodemailer on the same SES client and the same
 * per-recipient messages with no ledger.
 *
 * The emulator is far slower than SES's edge (it parses every message), so
 * the absolute rate says little about production, where the account's send
 * rate is the limit; the ratio says what briefwire adds on top of the API.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import nodemailer from 'nodemailer';
import { sendEdition } from '../src/deliver/send/send-edition.js';
import { createSesMailSender, sesTargetFromEnv } from '../src/deliver/transport/ses-transport.js';
import { benchRate, prepareSendFixture, SEND_CONNECTIONS, sendPlain, type SendFixture } from './send-fixture.js';
import { FilesStore } from '../src/deliver/store/files-store.js';

// One round each: the emulator parses every message (about 20-50 per second here), so 10,000 take minutes per arm.
const ROUNDS = 1;
const REGION = 'eu-west-1';

/** Starts aws-ses-v2-local on loopback in a child process; its port, and a way to empty its store and stop it. */
async function startEmulatorProcess(): Promise<{ url: string; clear: () => Promise<void>; stop: () => void }> {
  const entry = pathToFileURL(createRequire(import.meta.url).resolve('aws-ses-v2-local')).href;
  const source = `
    const m = await import(${JSON.stringify(entry)});
    const start = typeof m.default === 'function' ? m.default : m.default.default;
    const server = await start({ host: '127.0.0.1', port: 0 });
    process.send({ port: server.address().port });
    process.on('message', (msg) => { if (msg === 'exit') process.exit(0); });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port?: number }) => (m.port ? resolve(m.port) : reject(new Error('emulator did not start'))));
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    // The emulator keeps every message; empty it between runs so its memory does not grow with the bench.
    clear: async () => void (await fetch(`${url}/clear-store`, { method: 'POST' })),
    stop: () => child.send('exit'),
  };
}

export async function runSesBench(): Promise<void> {
  const emulator = await startEmulatorProcess();
  const fixture = await prepareSendFixture('briefwire-ses-bench-');
  // The SDK reads credentials from the environment, as in production.
  process.env['AWS_ACCESS_KEY_ID'] ??= 'AKIABENCH00000000000';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'bench-secret-key-not-real-0000000000000';
  try {
    const target = sesTargetFromEnv({ AWS_REGION: REGION, AWS_ENDPOINT_URL_SESV2: emulator.url });
    if (!target.ok) throw new Error(target.problems.map((p) => p.message).join('; '));
    const plainRuns: number[] = [];
    const briefwireRuns: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await emulator.clear();
      plainRuns.push(await plainSes(fixture, emulator.url));
      await emulator.clear();
      const mailer = createSesMailSender(target.value, { rate: 0 });
      const started = performance.now();
      const result = await sendEdition({
        edition: fixture.editionFiles,
        sender: fixture.sender,
        subscribersFile: fixture.csv,
        store: new FilesStore(path.join(fixture.work, `ses-state-${round}`)),
        mailer,
        secret: fixture.secret,
        concurrency: SEND_CONNECTIONS,
        retries: 2,
        retryDelayMs: 100,
        resendUnknown: false,
        total: fixture.recipients.length,
      });
      briefwireRuns.push(performance.now() - started);
      mailer.close();
      if (!result.ok || result.value.sent !== fixture.recipients.length) throw new Error(`briefwire SES send did not deliver everything: ${JSON.stringify(result.ok ? result.value : result.problems).slice(0, 500)}`);
    }
    const n = fixture.recipients.length;
    const best = (runs: number[]) => Math.max(...runs.map((ms) => benchRate(n, ms)));
    const line = (label: string, runs: number[]): string =>
      `  ${label.padEnd(34)} ${best(runs).toFixed(0).padStart(6)} msg/s best   (rounds: ${runs.map((ms) => `${benchRate(n, ms).toFixed(0)} msg/s in ${(ms / 1000).toFixed(2)} s`).join(', ')})`;
    process.stdout.write(
      [
        `send via SES: ${n} recipients x ${ROUNDS} rounds, ${SEND_CONNECTIONS} requests in flight, no rate limit, aws-ses-v2-local on loopback (separate process), state on ${os.tmpdir()}`,
        line('plain nodemailer SES (no ledger)', plainRuns),
        line('briefwire send, MAIL_TRANSPORT=ses', briefwireRuns),
        `  ratio briefwire/plain              ${(best(briefwireRuns) / best(plainRuns)).toFixed(2)}`,
        '',
      ].join('\n'),
    );
  } finally {
    emulator.stop();
    await fixture.cleanUp();
  }
}

/** The same messages through nodemailer's SES transport on the same SDK settings, no ledger. */
async function plainSes(fixture: SendFixture, endpoint: string): Promise<number> {
  const client = new SESv2Client({ region: REGION, endpoint, maxAttempts: 1 });
  const transporter = nodemailer.createTransport({ SES: { sesClient: client, SendEmailCommand } });
  const ms = await sendPlain(fixture, transporter);
  transporter.close();
  client.destroy();
  return ms;
}

// `node dist-bench/bench/ses-bench.js` runs it on its own.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runSesBench();
