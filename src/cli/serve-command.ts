/**
 * `briefwire serve`: the archive site plus the unsubscribe endpoint (see
 * src/deliver/serve/public-server.ts). Runs until SIGINT/SIGTERM.
 */
import path from 'node:path';
import type { CAC } from 'cac';
import { loadNewsletter, NEWSLETTER_FILE } from '../content/load.js';
import { error, formatProblem, warning } from '../problems.js';
import { UsageError } from './usage-error.js';
import { ServeBaseUrlInvalid, ServeWithoutName, UnsubscribeSecret, WebhookSecretShort } from '../problem-catalogue.js';
import { siteOutputDir } from '../render/out-layout.js';
import { startUnsubscribeServer } from '../deliver/serve/public-server.js';
import { MIN_SECRET_LENGTH, secretFromEnv } from '../deliver/audience/unsubscribe-token.js';
import { senderIdentity } from '../deliver/send/message.js';
import { mailTransportConfigured, mailTransportFromEnv } from '../deliver/transport/choose-transport.js';
import { DIR_DEFAULTS, parsePort, requireDir, STATE_DIR_DEFAULT, textOption } from './options.js';
import { reportProblems, untilInterrupted, type CommandIo } from './command-io.js';
import { openStateStore } from '../deliver/store/open-store.js';

export interface ServeCommandOptions {
  /** 0 lets the system pick a free port. */
  port: number;
  host: string;
  outDir: string;
  stateDir: string;
  contentDir: string;
  trustProxy: boolean;
  /** Where confirmation links point instead of newsletter.yml's baseUrl (a local trial). */
  baseUrl?: string | undefined;
  /** false: no per-address limit on subscribe posts (tests, a local trial). */
  rateLimit: boolean;
}

export function registerServe(cli: CAC, io: CommandIo): void {
  cli
    .command('serve', 'Serve the archive (out/site), /unsubscribe, /subscribe + /confirm and the provider webhooks')
    .option('--port <n>', 'Port', { default: 8080 })
    .option('--host <host>', 'Interface to listen on (put a TLS proxy in front for the public URL)', { default: '127.0.0.1' })
    .option('--out <dir>', 'Build output directory; the site is <out>/site', { default: DIR_DEFAULTS.out })
    .option('--state <dir>', 'State directory (suppression list)', { default: STATE_DIR_DEFAULT })
    .option('--content <dir>', 'Content directory (newsletter name for the pages)', { default: DIR_DEFAULTS.content })
    .option('--trust-proxy', 'Rate-limit subscriptions by the last X-Forwarded-For hop (serve behind one reverse proxy)')
    .option('--base-url <url>', "Point confirmation links here instead of newsletter.yml's baseUrl (to try serve locally: http://127.0.0.1:<port>)")
    .option('--no-rate-limit', 'Do not limit subscribe posts per client address (for tests and local use, never in public)')
    .example('UNSUBSCRIBE_SECRET=... SMTP_URL=... briefwire serve --port 8080 --base-url http://127.0.0.1:8080 --no-rate-limit --state /tmp/try   # a local trial')
    .example('UNSUBSCRIBE_SECRET=... briefwire serve --port 8080')
    .example('UNSUBSCRIBE_SECRET=... SMTP_URL=... WEBHOOK_SECRET=... briefwire serve   # with subscriptions and webhooks')
    .action((opts: Record<string, unknown>) =>
      runServe(
        {
          port: parsePort(opts['port']),
          host: textOption(opts['host']),
          outDir: textOption(opts['out']),
          stateDir: textOption(opts['state']),
          contentDir: textOption(opts['content']),
          trustProxy: Boolean(opts['trustProxy']),
          baseUrl: baseUrlOption(opts['baseUrl']),
          rateLimit: opts['rateLimit'] !== false,
        },
        io,
      ),
    );
}

/** `briefwire serve`: runs until the user stops it (exit 0), or does not start (exit 1). */
export async function runServe(opts: ServeCommandOptions, io: CommandIo): Promise<number> {
  const port = opts.port;
  // Without the site every archive page would 404 behind a server that looks healthy.
  const siteDir = siteOutputDir(opts.outDir);
  await requireDir(siteDir, 'site', `serve needs the archive that "briefwire build" writes to <out>/site (--out ${opts.outDir})`);
  const secret = secretFromEnv(io.env);
  if (!secret.ok) {
    reportProblems(io, [error('UNSUBSCRIBE_SECRET', UnsubscribeSecret, [secret.message])]);
    return 1;
  }
  // The name only decorates the pages; a content error elsewhere must not take unsubscribe down.
  const loaded = await loadNewsletter(opts.contentDir);
  const listName = loaded.ok ? loaded.value.name : 'this newsletter';
  const identity = loaded.ok ? senderIdentity(loaded.value, path.join(opts.contentDir, NEWSLETTER_FILE)) : null;
  if (identity && !identity.ok) reportProblems(io, identity.problems);
  const sender = identity?.ok && opts.baseUrl ? { ...identity, value: { ...identity.value, baseUrl: opts.baseUrl } } : identity;
  // Confirmation emails go through the same transport as the editions; without one, /subscribe says it is closed.
  const transport = mailTransportConfigured(io.env) ? mailTransportFromEnv(io.env) : null;
  if (transport && !transport.ok) {
    reportProblems(io, transport.problems);
    return 1;
  }
  const mailer = transport ? transport.value.create({ connections: 1, rate: 0 }) : null;
  const webhookSecret = io.env['WEBHOOK_SECRET'];
  if (webhookSecret !== undefined && webhookSecret.length < MIN_SECRET_LENGTH) {
    reportProblems(io, [error('WEBHOOK_SECRET', WebhookSecretShort, [webhookSecret.length, MIN_SECRET_LENGTH])]);
    return 1;
  }
  if (!loaded.ok) {
    const file = path.join(opts.contentDir, NEWSLETTER_FILE);
    reportProblems(io, [...loaded.problems, warning(file, ServeWithoutName)]);
  }
  // Several servers may share one database: subscribe at one, confirm at another.
  const store = await openStateStore(opts.stateDir, io.env);
  if (!store.ok) {
    mailer?.close();
    reportProblems(io, store.problems);
    return 1;
  }
  const running = await startUnsubscribeServer({
    siteDir,
    store: store.value,
    secret: secret.secret,
    listName,
    host: opts.host,
    port,
    onUnsubscribe: (address, via) => io.stdout.write(`${new Date().toISOString()} unsubscribed ${maskAddress(address)} (${via})\n`),
    subscribe: { sender: sender?.ok ? sender.value : null, mailer, trustProxy: opts.trustProxy, ...(opts.rateLimit ? {} : { rateLimit: null }) },
    ...(webhookSecret ? { webhookSecret } : {}),
    log: (line) => io.stdout.write(`${new Date().toISOString()} ${line}\n`),
  });
  if (!running.ok) {
    mailer?.close();
    await store.value.close();
    reportProblems(io, running.problems);
    return 1;
  }
  reportProblems(io, running.warnings);
  io.stdout.write(`Serving ${siteDir}/ and /unsubscribe on ${running.value.url} (Ctrl-C to stop)\n`);
  if (opts.baseUrl) io.stdout.write(`Confirmation links point at ${opts.baseUrl} (--base-url), not newsletter.yml's baseUrl\n`);
  if (!opts.rateLimit) io.stdout.write('Subscribe posts are not rate-limited (--no-rate-limit): for tests and local use only\n');
  await untilInterrupted(io);
  await running.value.close();
  mailer?.close();
  await store.value.close();
  return 0;
}

/** Logs show who unsubscribed without writing whole addresses into log files. */
function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at > 0 ? `${address[0]}***${address.slice(at)}` : '***';
}

/** --base-url as an origin and path without a trailing slash, as newsletter.yml's baseUrl is kept; a bad one is bad usage (exit 2). */
export function baseUrlOption(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  const given = String(raw);
  const url = URL.canParse(given) ? new URL(given) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    const problem = error('--base-url', ServeBaseUrlInvalid, [given]);
    throw new UsageError(formatProblem(problem), problem);
  }
  return url.href.replace(/\/+$/, '');
}
