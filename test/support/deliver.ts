/**
 * Fixtures for the deliver tests: a real smtp-server on loopback that records
 * what arrives and can misbehave on cue, built-edition and content fixtures,
 * and a per-test sandbox for running the compiled CLI (dist/cli.js, through
 * test/support/cli.ts) against that server.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../../src/render/placeholders.js';
import { builtEditionDir, EDITION_JSON, EDITION_JSON_VERSION, serializeEditionJson, type EditionJson } from '../../src/render/out-layout.js';
import type { Newsletter } from '../../src/model.js';
import { formatProblem, type Result } from '../../src/problems.js';
import { loadEdition, type EditionFiles } from '../../src/deliver/send/built-editions.js';
import { senderIdentity, type SenderIdentity } from '../../src/deliver/send/message.js';
import { startUnsubscribeServer, type RunningServer, type UnsubscribeServerOptions } from '../../src/deliver/serve/public-server.js';
import { CLI, runInProcess, startCli, type CliResult } from './cli.js';
import { tempDir } from './fixtures.js';
import { FilesStore } from '../../src/deliver/store/files-store.js';

export const SECRET = 'test-secret-0123456789abcdef';

export interface Received {
  to: string[];
  raw: Buffer;
  session: string;
}

export interface SinkBehaviour {
  /** Reply to RCPT TO: return an SMTP code + text to refuse, or nothing to accept. */
  rcpt?: (address: string) => { code: number; message: string } | void;
  /** At MAIL FROM: return 'drop' to cut the TCP connection (nothing was sent yet). */
  mail?: (session: SMTPServerSession) => 'drop' | void;
  /**
   * After the whole message arrived: 'accept' (default), 'drop' (cut before replying), a refusal,
   * or 'hold': no reply until the test calls `releaseHeld` (the sender waits for the DATA answer).
   */
  data?: (to: string[], raw: Buffer) => 'accept' | 'drop' | 'hold' | { code: number; message: string };
  /** Called after a message was accepted and recorded. */
  accepted?: (count: number) => void;
  auth?: { user: string; pass: string };
}

export interface Sink {
  port: number;
  received: Received[];
  /** Recipients of the messages held without an answer ('hold'), in arrival order. */
  held(): string[][];
  /** Resolves once at least `count` messages are held. */
  whenHeld(count: number): Promise<void>;
  /** Answers every held message: 'accept' records it as received (the server queued it), 'drop' does not. */
  releaseHeld(verdict: 'accept' | 'drop'): void;
  behaviour: SinkBehaviour;
  /** Messages per recipient address (lowercased). */
  countsByRecipient(): Map<string, number>;
  close(): Promise<void>;
}

export async function startSink(behaviour: SinkBehaviour = {}): Promise<Sink> {
  const received: Received[] = [];
  const state = { behaviour };
  const held: { received: Received; callback: (err?: Error | null, message?: string) => void }[] = [];
  const holdWaiters: { count: number; resolve: () => void }[] = [];
  const accept = (m: Received, callback: (err?: Error | null, message?: string) => void): void => {
    received.push(m);
    state.behaviour.accepted?.(received.length);
    callback(null, `Queued as ${received.length}`);
  };
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: behaviour.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      const want = state.behaviour.auth;
      if (want && auth.username === want.user && auth.password === want.pass) return callback(null, { user: auth.username });
      const err = Object.assign(new Error('Invalid username or password'), { responseCode: 535 });
      return callback(err);
    },
    onMailFrom(_address, session, callback) {
      if (state.behaviour.mail?.(session) === 'drop') {
        dropConnection(server, session);
        return;
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      const refusal = state.behaviour.rcpt?.(address.address);
      if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const verdict = state.behaviour.data?.(to, raw) ?? 'accept';
        if (verdict === 'drop') {
          dropConnection(server, session);
          return;
        }
        if (verdict === 'hold') {
          held.push({ received: { to, raw, session: session.id }, callback });
          for (const w of holdWaiters.filter((w) => held.length >= w.count)) w.resolve();
          return;
        }
        if (verdict !== 'accept') return callback(Object.assign(new Error(verdict.message), { responseCode: verdict.code }));
        accept({ to, raw, session: session.id }, callback);
      });
    },
  });
  server.on('error', () => undefined); // client resets are expected in fault tests
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    received,
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(b: SinkBehaviour) {
      state.behaviour = b;
    },
    held: () => held.map((h) => h.received.to),
    whenHeld: (count: number) =>
      new Promise<void>((resolve) => {
        if (held.length >= count) resolve();
        else holdWaiters.push({ count, resolve });
      }),
    releaseHeld(verdict: 'accept' | 'drop') {
      // A reply to a client that is gone goes nowhere; what counts is whether the server kept the message.
      for (const h of held.splice(0)) {
        if (verdict === 'accept') accept(h.received, h.callback);
        else h.callback(Object.assign(new Error('dropped'), { responseCode: 421 }));
      }
    },
    countsByRecipient() {
      const counts = new Map<string, number>();
      for (const m of received) for (const t of m.to) counts.set(t, (counts.get(t) ?? 0) + 1);
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of server.connections) c._socket.destroy();
        server.close(() => resolve());
      }),
  } as Sink;
}

function dropConnection(server: SMTPServer, session: SMTPServerSession): void {
  for (const c of server.connections) {
    if (c.session === session || c.id === session.id) c._socket.destroy();
  }
}

export async function parse(raw: Buffer): Promise<ParsedMail> {
  return simpleParser(raw);
}

/** A built edition as `briefwire build` leaves it (tiny, with the placeholder in href and text). */
export async function writeEdition(outDir: string, date: string, subject = `Edition of ${date}: cloud & AI <weekly>`): Promise<void> {
  const dir = builtEditionDir(outDir, date);
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'email.html'),
    `<!doctype html><html><body><h1>${date}</h1><p>Caf\u00e9 prices &amp; more.</p>` +
      `<p><a href="${UNSUBSCRIBE_URL_PLACEHOLDER}">Unsubscribe</a> (${UNSUBSCRIBE_URL_PLACEHOLDER})</p></body></html>\n`,
  );
  await writeFile(path.join(dir, 'email.txt'), `${date}\n\nCaf\u00e9 prices & more.\n\nUnsubscribe: ${UNSUBSCRIBE_URL_PLACEHOLDER}\n`);
  await writeFile(path.join(dir, EDITION_JSON), serializeEditionJson(minimalEditionJson(date, { subject })));
}

/** A valid edition.json without sections or metrics (the sender needs only the subject, title and number). */
export function minimalEditionJson(date: string, over: Partial<EditionJson> = {}): EditionJson {
  return {
    version: EDITION_JSON_VERSION,
    date,
    number: 1,
    title: `Title ${date}`,
    subject: `Edition of ${date}`,
    preheader: 'p',
    summary: 's',
    slug: null,
    url: `https://aicloudweekly.example/editions/${date}/`,
    previousDate: null,
    nextDate: null,
    source: `content/editions/${date}.md`,
    htmlBytes: 100,
    sections: [],
    metrics: [],
    movers: [],
    projections: [],
    ...over,
  };
}

export const NEWSLETTER = {
  name: 'AI Cloud Weekly',
  from: 'AI Cloud Weekly <brief@aicloudweekly.example>',
  baseUrl: 'https://aicloudweekly.example',
};

/** A minimal valid content directory for the CLI (loadContent needs newsletter, metrics and a brief). */
export async function writeContent(dir: string, schedule?: { weekday: number; time: string; timezone: string }): Promise<void> {
  await mkdir(path.join(dir, 'editions'), { recursive: true });
  const lines = [
    `name: ${NEWSLETTER.name}`,
    `from: ${NEWSLETTER.from}`,
    `baseUrl: ${NEWSLETTER.baseUrl}`,
    'timezone: Europe/London',
    'language: en-GB',
  ];
  if (schedule) lines.push('schedule:', `  weekday: ${schedule.weekday}`, `  time: "${schedule.time}"`, `  timezone: ${schedule.timezone}`);
  await writeFile(path.join(dir, 'newsletter.yml'), lines.join('\n') + '\n');
  await writeFile(
    path.join(dir, 'metrics.yml'),
    'cloud_share:\n  label: Cloud share\n  kind: share\n  unit: "%"\n  decimals: 1\n  better: up\n',
  );
  await writeFile(path.join(dir, 'editions', '2025-03-10.md'), '---\ntitle: A brief\n---\n\nBody text.\n');
}

export async function writeSubscribers(file: string, count: number, domain = 'readers.example'): Promise<string[]> {
  const addresses = Array.from({ length: count }, (_, i) => `reader${String(i).padStart(5, '0')}@${domain}`);
  await writeFile(file, 'email,name\n' + addresses.map((a, i) => `${a},Reader ${i}`).join('\n') + '\n');
  return addresses;
}

export function cliAvailable(): boolean {
  return existsSync(CLI);
}

export interface CliSandbox {
  /** A fresh temporary folder per test. */
  dir: string;
  /** A fresh loopback SMTP sink per test (a test may replace it). */
  sink: Sink;
  paths(): { content: string; out: string; state: string; subscribers: string };
  /** `briefwire send` arguments pointing at this sandbox, with no rate limit and short retry delays. */
  sendArgs(which: string, extra?: string[]): string[];
  /** Environment for a real send to the sink. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Runs the command in-process with only `env` (plus PATH and HOME) in its environment; give every path (the sandbox is not the working directory). */
  run(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /** Runs the compiled CLI in the sandbox folder, with the child process at hand (to signal it). */
  start(args: string[], env?: Record<string, string>): { child: ChildProcess; done: Promise<CliResult> };
}

/** Registers the per-test folder and SMTP sink that the CLI tests share. */
export function useCliSandbox(): CliSandbox {
  const box: CliSandbox = {
    dir: '',
    sink: undefined as unknown as Sink,
    paths: () => ({
      content: path.join(box.dir, 'content'),
      out: path.join(box.dir, 'out'),
      state: path.join(box.dir, 'state'),
      subscribers: path.join(box.dir, 'subscribers.csv'),
    }),
    sendArgs(which, extra = []) {
      const p = box.paths();
      return ['send', which, '--content', p.content, '--out', p.out, '--state', p.state, '--subscribers', p.subscribers, '--rate', '0', '--retry-delay', '20', '--yes', ...extra];
    },
    env: (extra = {}) => ({ SMTP_URL: `smtp://127.0.0.1:${box.sink.port}`, UNSUBSCRIBE_SECRET: SECRET, ...extra }),
    run: (args, env = {}) => runInProcess(args, { env }),
    start: (args, env = {}) => startCli(args, { cwd: box.dir, env, cleanEnv: true }),
  };
  beforeAll(() => {
    if (!cliAvailable()) throw new Error('dist/cli.js is missing: run "npx tsc -p tsconfig.json" (npm test does) before these tests');
  });
  beforeEach(async () => {
    box.dir = await tempDir('bw-cli-');
    box.sink = await startSink();
  });
  afterEach(async () => {
    await box.sink.close();
    await rm(box.dir, { recursive: true, force: true });
  });
  return box;
}

/** The sink got exactly `recipients` distinct recipients, each exactly once. */
export function expectEachReceivedOnce(sink: Sink, recipients: number): void {
  const counts = sink.countsByRecipient();
  expect(counts.size).toBe(recipients);
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
}

/** Fills sandbox paths for a send: newsletter.yml (with `schedule`), `edition` built and `subscribers` readers, whose addresses it returns. */
export async function setUpSend(
  p: { content: string; out: string; subscribers: string },
  edition: string,
  subscribers: number,
  schedule?: Parameters<typeof writeContent>[1],
): Promise<string[]> {
  await writeContent(p.content, schedule);
  await writeEdition(p.out, edition);
  return writeSubscribers(p.subscribers, subscribers);
}

/** Every value of one header, unfolded, as a reader's client shows it. */
export function headerValues(parsed: ParsedMail, name: string): string[] {
  return parsed.headerLines.filter((h) => h.key === name.toLowerCase()).map((h) => h.line.slice(h.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
}

/** A built edition in `<dir>/out` read back as the sender reads it, and the sender identity of `newsletter`. */
export async function builtEditionAndSender(dir: string, date: string, newsletter: Newsletter): Promise<{ edition: EditionFiles; sender: SenderIdentity }> {
  await writeEdition(path.join(dir, 'out'), date);
  const e = await loadEdition(path.join(dir, 'out'), date);
  if (!e.ok) throw new Error(JSON.stringify(e.problems));
  const s = senderIdentity(newsletter, 'newsletter.yml');
  if (!s.ok) throw new Error(JSON.stringify(s.problems));
  return { edition: e.value, sender: s.value };
}

/** `briefwire serve`'s handler on loopback with the test secret and no site, plus `extra` options. */
export async function startTestServer(stateDir: string, extra: Partial<UnsubscribeServerOptions> = {}): Promise<RunningServer> {
  return startedServer(await startUnsubscribeServer({ siteDir: null, store: new FilesStore(stateDir), secret: SECRET, listName: 'AI Cloud Weekly', host: '127.0.0.1', port: 0, ...extra }));
}

/** The running server, or the test fails with the problems that kept it from starting. */
export function startedServer(started: Result<RunningServer>): RunningServer {
  if (!started.ok) throw new Error(`serve did not start: ${started.problems.map(formatProblem).join('; ')}`);
  return started.value;
}

/** After a server test: the server closed, its temporary directory gone. */
export async function closeAndRemove(server: RunningServer | undefined, dir: string): Promise<void> {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
}
