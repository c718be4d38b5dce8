/**
 * `briefwire preview`: an HTTP server over the incremental PreviewState, a
 * file watcher feeding it, and Server-Sent Events telling open pages when to
 * refresh. Everything is rendered in memory; nothing is written to disk.
 *
 * Routes:
 *   /                              index of editions, newest first
 *   /editions/<date>/              the edition page (iframe, text, source, data)
 *   /editions/<date>/email.html    the email, unsubscribe link pointed at #preview-unsubscribe
 *   /editions/<date>/email.txt     the text part, likewise
 *   /events                        Server-Sent Events: hello on connect, update after each rebuild
 */
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { formatProblem, type Problem } from '../problems.js';
import { printProblems } from '../cli/report.js';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../render/placeholders.js';
import { PreviewState, type RenderFn, type UpdateReport } from './state.js';
import { readChanges, readContentSources, readTemplates, type SourceDirs } from './sources.js';
import { watchPaths, type Watcher } from './watch.js';
import { editionPageHtml, indexPageHtml, notFoundPageHtml, overlayHtml, type PageBase } from './preview-pages.js';

export const PREVIEW_UNSUBSCRIBE_URL = '#preview-unsubscribe';

export interface PreviewLogger {
  info(line: string): void;
  problems(problems: readonly Problem[]): void;
}

export interface PreviewOptions extends SourceDirs {
  /** 0 picks a free port. */
  port?: number;
  /** Loopback unless asked otherwise: drafts are not for the network. */
  host?: string;
  debounceMs?: number;
  logger?: PreviewLogger;
  /** For tests that count renders. */
  render?: RenderFn;
}

export interface PreviewServer {
  url: string;
  host: string;
  port: number;
  state: PreviewState;
  /** Settles when the first full render is done (the server answers before that). */
  ready: Promise<UpdateReport>;
  /** Settles when the update for the last batch of file changes seen so far is done. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const consoleLogger: PreviewLogger = {
  info: (line) => process.stdout.write(`${line}\n`),
  problems: (problems) => printProblems(problems),
};

export const silentLogger: PreviewLogger = { info: () => {}, problems: () => {} };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export async function startPreview(options: PreviewOptions): Promise<PreviewServer> {
  const logger = options.logger ?? consoleLogger;
  const host = options.host ?? '127.0.0.1';
  const dirs: SourceDirs = { contentDir: options.contentDir, templatesDir: options.templatesDir };
  // Distinguishes this server's versions from a previous run's, for pages that outlive a restart.
  const boot = randomBytes(3).toString('hex');

  let progress: { done: number; total: number } | undefined;
  let lastProgressSent = 0;
  const clients = new Set<http.ServerResponse>();

  // Watch first, then read: a save between the two is then seen twice rather than never.
  let pendingBatches: Promise<unknown> = Promise.resolve();
  let initial: Promise<UpdateReport> | undefined;
  const watcher: Watcher = watchPaths([dirs.contentDir, dirs.templatesDir], (changed) => {
    pendingBatches = pendingBatches.then(() => onBatch(changed)).catch((err: unknown) => logger.info(`preview: update failed: ${(err as Error).stack ?? String(err)}`));
  }, { ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}), onError: (err) => logger.info(`preview: watcher error: ${String(err)}`) });
  await watcher.ready;

  const [content, templates] = await Promise.all([readContentSources(dirs.contentDir), readTemplates(dirs.templatesDir)]);
  const liveState = new PreviewState(content, templates, {
    ...(options.render ? { render: options.render } : {}),
    onRendered: (done, total) => {
      progress = done < total ? { done, total } : undefined;
      // A long first render reports progress so waiting pages fill in as editions land.
      const now = Date.now();
      if (total > 1 && (now - lastProgressSent > 300 || done === total)) {
        lastProgressSent = now;
        broadcast('update', { build: build(), overlay: overlayHtml(liveState.problems) });
      }
    },
  });

  let lastPrinted = '';
  let wasOk = true;
  const report = (r: UpdateReport, what: string) => {
    const printed = r.problems.map(formatProblem).join('\n');
    if (printed !== lastPrinted) {
      if (r.problems.length) logger.problems(r.problems);
      lastPrinted = printed;
    }
    const n = r.rendered.length;
    const editions = `${n} edition${n === 1 ? '' : 's'}${n > 0 && n <= 3 ? ` (${r.rendered.join(', ')})` : ''}`;
    if (!r.ok) logger.info(`${what || 'Start'}: build failed; the preview shows the last good version until it is fixed.`);
    else if (what === '') logger.info(`Rendered ${editions} in ${r.ms} ms`);
    else logger.info(`${what}: ${wasOk ? '' : 'fixed; '}re-rendered ${editions} in ${r.ms} ms`);
    wasOk = r.ok;
    progress = undefined;
    broadcast('update', { build: build(), overlay: overlayHtml(r.problems), ok: r.ok, rendered: r.rendered });
  };

  async function onBatch(changed: string[]): Promise<void> {
    await initial;
    const changes = await readChanges(dirs, changed);
    if (changes.length === 0) return;
    const r = await liveState.update(changes);
    report(r, `${timeOfDay()} ${describeChanges(changed)}`);
  }

  const build = () => `${boot}.${liveState.version}.${liveState.renderTotal}`;
  const base = (): PageBase => ({
    build: build(),
    newsletterName: liveState.newsletterConfig?.name ?? 'briefwire',
    problems: liveState.problems,
    progress,
  });

  function broadcast(event: string, data: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(frame);
  }

  const server = http.createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      logger.info(`preview: ${req.method} ${req.url} failed: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error; see the terminal');
      else res.end();
    }
  });

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!allowedHost(req.headers.host, host)) return send(res, 403, 'text/plain', 'preview: unexpected Host header\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    const url = new URL(req.url ?? '/', 'http://preview.invalid');
    const p = url.pathname;
    if (p === '/') return send(res, 200, 'text/html', indexHtml());
    if (p === '/events') return openEvents(req, res);
    if (p === '/favicon.ico') return send(res, 204, 'text/plain', '');
    const m = /^\/editions\/([^/]+)(\/(.*))?$/.exec(p);
    if (m && DATE.test(m[1]!)) {
      const date = m[1]!;
      const rest = m[3];
      if (m[2] === undefined) return redirect(res, `/editions/${date}/`);
      if (rest === '') return editionHtml(res, date);
      const r = liveState.rendered(date);
      if (rest === 'email.html' && r) return send(res, 200, 'text/html', forPreview(r.email.html));
      if (rest === 'email.txt' && r) return send(res, 200, 'text/plain', forPreview(r.email.text));
    }
    send(res, 404, 'text/html', notFoundPageHtml(base(), p));
  }

  function indexHtml(): string {
    const rows = [...liveState.editions].reverse().map((e) => ({ date: e.date, number: e.number, title: e.title, draft: e.draft, movers: liveState.rendered(e.date)?.view.movers }));
    return indexPageHtml({ ...base(), rows });
  }

  function editionHtml(res: http.ServerResponse, date: string): void {
    const edition = liveState.editions.find((e) => e.date === date);
    const rendered = liveState.rendered(date);
    const html = editionPageHtml({
      ...base(),
      date,
      editionCount: liveState.editions.length,
      edition,
      rendered,
      renderStamp: liveState.renderStamp(date),
      renderFailed: liveState.renderFailed(date),
      editionProblems: liveState.problemsFor(date),
      text: rendered ? forPreview(rendered.email.text) : undefined,
    });
    // 404 while no brief has this date; the page still listens and fills in when one appears.
    send(res, edition ? 200 : 404, 'text/html', html);
  }

  function openEvents(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    // retry: how soon EventSource reconnects after the server restarts.
    res.write(`retry: 500\nevent: hello\ndata: ${JSON.stringify({ build: build() })}\n\n`);
    clients.add(res);
    req.on('close', () => clients.delete(res));
  }

  // Comments keep idle connections (and proxies) from timing out.
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': ping\n\n');
  }, 15_000);
  heartbeat.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 4000, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    clearInterval(heartbeat);
    await watcher.close();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/`;

  initial = liveState.update();
  const ready = initial.then((r) => {
    report(r, '');
    return r;
  });

  return {
    url,
    host,
    port: address.port,
    state: liveState,
    ready,
    async idle() {
      await ready;
      // A batch may still be waiting in the debounce; callers that need it wait for the event instead.
      await pendingBatches;
    },
    async close() {
      clearInterval(heartbeat);
      await watcher.close();
      for (const res of clients) res.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pendingBatches;
      await ready.catch(() => undefined);
    },
  };
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    // Always fresh: the whole point is seeing the latest save.
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function redirect(res: http.ServerResponse, location: string): void {
  res.writeHead(301, { location, 'cache-control': 'no-store' });
  res.end();
}

/** The preview must not send a real unsubscribe request anywhere; the link goes to a fragment. */
export function forPreview(s: string): string {
  return s.split(UNSUBSCRIBE_URL_PLACEHOLDER).join(PREVIEW_UNSUBSCRIBE_URL);
}

/**
 * Bound to loopback, only loopback names are answered: a web page elsewhere
 * could otherwise point a DNS name at 127.0.0.1 and read unpublished drafts.
 */
export function allowedHost(hostHeader: string | undefined, boundHost: string): boolean {
  if (!isLoopback(boundHost)) return true;
  if (!hostHeader) return false;
  const name = hostHeader.replace(/:\d+$/, '').toLowerCase();
  return LOOPBACK_NAMES.has(name) || name === boundHost || /^127(\.\d{1,3}){3}$/.test(name);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function timeOfDay(): string {
  return new Date().toTimeString().slice(0, 8);
}

function describeChanges(changed: readonly string[]): string {
  const names = [...new Set(changed.map((p) => path.basename(p)))];
  return names.length <= 2 ? names.join(', ') : `${names[0]} and ${names.length - 1} more files`;
}
