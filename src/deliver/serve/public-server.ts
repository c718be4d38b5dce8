/**
 * `briefwire serve`: the static archive (out/site, via sirv) plus the
 * unsubscribe endpoint every email links to.
 *
 *   GET  /unsubscribe?token=…  a confirmation page with a button. GET never
 *        unsubscribes: mail security scanners and link previewers follow
 *        every link in a message, and would unsubscribe readers on delivery.
 *   POST /unsubscribe?token=…  unsubscribes. This is both the page's button and
 *        RFC 8058 one-click (mail clients POST `List-Unsubscribe=One-Click` to
 *        the List-Unsubscribe URL, token in the query); a form body `token`
 *        field works too.
 *
 * The sealed token is the only authority (see unsubscribe-token.ts): a forged
 * or altered token gets 400 and nothing is written; a pre-sealing token past
 * its acceptance date gets 410 with a page saying how to leave instead. A valid one appends the
 * address to the suppression list (fsync'd) before the success page is sent.
 * Any path ending in /unsubscribe is handled, so the endpoint works whether or
 * not a proxy strips the base URL's path prefix.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';
import { notFound, page } from './http-io.js';
import { createSubscribeRoutes, type SubscribeOptions } from './subscribe-routes.js';
import { createWebhookRoutes } from './webhook-routes.js';
import { SnsVerifier, type SnsCertificateSource } from './sns-signature.js';
import type { StateStore } from '../store/state-store.js';
import { createUnsubscribeRoute } from './unsubscribe-routes.js';
import { fail, ok, type Result } from '../../problems.js';
import { listenProblem } from '../../util/listen-problem.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface UnsubscribeServerOptions {
  /** Directory of the built site; null serves only the unsubscribe endpoint. */
  siteDir: string | null;
  /** Where subscriptions, suppressions and feedback are kept: several servers may share a database. */
  store: StateStore;
  secret: string;
  /** Newsletter name for the pages. */
  listName: string;
  /** Called after an address was suppressed (for a log line). */
  onUnsubscribe?: (address: string, via: string) => void;
  /** The clock that decides whether a legacy token is still honoured (and when subscribe tokens expire). */
  now?: () => Date;
  /** Double opt-in: the confirmation email's sender and transport (see subscribe-routes.ts). */
  subscribe?: Omit<SubscribeOptions, 'store' | 'secret' | 'listName' | 'now' | 'log'>;
  /** WEBHOOK_SECRET for the provider webhooks (see webhook-routes.ts). */
  webhookSecret?: string;
  /** Where SNS signing certificates may come from; Amazon's SNS hosts unless a test says otherwise. */
  snsCertificates?: SnsCertificateSource;
  /** Log lines for subscriptions and webhooks (never whole addresses). */
  log?: (line: string) => void;
}

/** The request handler, or the problems that keep it from starting (an unreadable suppression list). */
export async function createUnsubscribeHandler(opts: UnsubscribeServerOptions): Promise<Result<Handler>> {
  const loaded = await opts.store.suppressions();
  if (!loaded.ok) return fail(loaded.problems);
  const suppression = loaded.value;
  const shared = { store: opts.store, ...(opts.now ? { now: opts.now } : {}), ...(opts.log ? { log: opts.log } : {}) };
  const subscription = await createSubscribeRoutes(
    { sender: null, mailer: null, ...opts.subscribe, ...shared, secret: opts.secret, listName: opts.listName },
    suppression,
  );
  const webhooks = createWebhookRoutes({ ...shared, secret: opts.webhookSecret, ...(opts.snsCertificates ? { sns: new SnsVerifier(opts.snsCertificates, opts.now) } : {}) });
  // dev mode looks files up per request: the site is rebuilt under a running server every week,
  // and a cached file list would 404 the new edition until a restart. ETags keep it cheap.
  const site = opts.siteDir ? sirv(opts.siteDir, { dev: true, etag: true, extensions: ['html'] }) : null;

  // The archive's own 404 page when it has one (the site build writes 404.html).
  const siteNotFound = async (res: ServerResponse): Promise<void> => {
    const html = opts.siteDir ? await readFile(path.join(opts.siteDir, '404.html'), 'utf8').catch(() => null) : null;
    if (html === null) return notFound(res);
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(html);
  };

  const unsubscribe = createUnsubscribeRoute(opts, suppression);

  const handler: Handler = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const run = async (): Promise<void> => {
      if (/\/unsubscribe\/?$/.test(url.pathname)) return unsubscribe(req, res, url);
      if (/\/subscribe\/?$/.test(url.pathname)) return subscription.subscribe(req, res);
      if (/\/confirm\/?$/.test(url.pathname)) return subscription.confirm(req, res, url);
      if (await webhooks(req, res, url)) return;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return page(res, 405, 'Method not allowed', '');
      }
      // sirv's dev mode does not hide dotfiles; nothing under /. belongs to the public site.
      if (url.pathname.split('/').some((seg) => seg.startsWith('.') && seg !== '.well-known')) return siteNotFound(res);
      if (!site) return notFound(res);
      site(req, res, () => void siteNotFound(res));
    };
    run().catch((e: unknown) => {
      const line = `serve: ${req.method} ${url.pathname}: ${(e as Error).message}`;
      if (opts.log) opts.log(line);
      else process.stderr.write(`${line}\n`);
      if (!res.headersSent) page(res, 500, 'Something went wrong', '<p>Please try again in a minute.</p>');
      else res.destroy();
    });
  };
  return ok(handler, loaded.warnings);
}

export interface RunningServer {
  server: Server;
  url: string;
  close: () => Promise<void>;
}

/** Listens, or says with a code why not (a damaged state file, the port in use); warnings ride along. */
export async function startUnsubscribeServer(opts: UnsubscribeServerOptions & { host: string; port: number }): Promise<Result<RunningServer>> {
  let siteDir = opts.siteDir;
  if (siteDir) {
    const isDir = await stat(siteDir).then((s) => s.isDirectory()).catch(() => false);
    if (!isDir) siteDir = null;
  }
  const handler = await createUnsubscribeHandler({ ...opts, siteDir });
  if (!handler.ok) return handler;
  const server = createServer(handler.value);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    const problem = listenProblem(e, opts.host, opts.port);
    if (!problem) throw e;
    return fail([problem]);
  }
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return ok({
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Keep-alive sockets that finish a response right now are not idle yet; give requests in
        // flight a moment (an unsubscribe is synced before its answer), then cut the rest.
        setTimeout(() => server.closeAllConnections(), 500).unref();
      }),
  }, handler.warnings);
}
