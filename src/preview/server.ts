/**
 * `briefwire preview`: wires the parts together. A file watcher feeds
 * changed paths to the incremental PreviewState; after each update the
 * reporter writes to the terminal and the event hub tells open pages to
 * refresh; the router answers HTTP from the state (routes.ts lists the pages).
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PreviewState, type RenderFn, type UpdateReport } from './state.js';
import { readChanges, readContentSources, readTemplates, type SourceDirs } from './sources.js';
import { watchPaths } from './watch.js';
import { emailFrameSrc, overlayHtml, type PageBase } from './preview-pages.js';
import { createEventHub, type EventHub } from './event-hub.js';
import { createRouter } from './router.js';
import { notFound, previewRoutes, type PreviewContext } from './routes.js';
import { consoleLogger, createReporter, describeBatch, type PreviewLogger } from './reporter.js';
import type { PreviewTestSend } from './test-send.js';
import { CompatibilityReports } from './compatibility-reports.js';
import { renderEdition } from '../render/render-edition.js';

export interface PreviewOptions extends SourceDirs {
  /** 0 picks a free port. */
  port?: number;
  /** Loopback unless asked otherwise: drafts are not for the network. */
  host?: string;
  debounceMs?: number;
  logger?: PreviewLogger;
  /** For tests that count renders. */
  render?: RenderFn;
  /** Enables the "Send a test" button: where to, and the environment with the mail transport and UNSUBSCRIBE_SECRET. */
  testSend?: PreviewTestSend;
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

/** A long first render reports progress (at most every 300 ms) so waiting pages fill in as editions land. */
const PROGRESS_EVERY_MS = 300;

interface LiveHooks {
  /** After each update: the first render (what = '') and each batch of file changes. */
  updated(r: UpdateReport, what: string): void;
  /** While a long render runs, with its progress. */
  progress(): void;
  /** The editions open in a page now, rendered before the rest. */
  watched(): Iterable<string>;
  /** Those are rendered; the others are still rendering. */
  focusRendered(): void;
}

interface LiveState {
  state: PreviewState;
  /** Set while a render with several editions is in progress. */
  progress(): PageBase['progress'];
  /** Starts the first full render. */
  start(): Promise<UpdateReport>;
  /** Settles when the updates for the batches seen so far are done. */
  settled(): Promise<unknown>;
  close(): Promise<void>;
}

/** The state kept current by a file watcher: batches of changed files become updates, one at a time. */
async function startLiveState(options: PreviewOptions, logger: PreviewLogger, hooks: LiveHooks, compat: CompatibilityReports): Promise<LiveState> {
  const dirs: SourceDirs = { contentDir: options.contentDir, templatesDir: options.templatesDir };
  let progress: PageBase['progress'];
  let progressSentAt = 0;
  // Watch first, then read: a save between the two is then seen twice rather than never.
  let batches: Promise<unknown> = Promise.resolve();
  let initial: Promise<UpdateReport> | undefined;
  const onBatch = async (changed: string[]) => {
    await initial;
    const changes = await readChanges(dirs, changed);
    if (changes.length > 0) updated(await state.update(changes), describeBatch(changed));
  };
  const watcher = watchPaths(
    [dirs.contentDir, dirs.templatesDir],
    (changed) => {
      batches = batches.then(() => onBatch(changed)).catch((err: unknown) => logger.info(`preview: update failed: ${(err as Error).stack ?? String(err)}`));
    },
    { ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}), onError: (err) => logger.info(`preview: watcher error: ${String(err)}`) },
  );
  await watcher.ready;

  const [content, templates] = await Promise.all([readContentSources(dirs.contentDir), readTemplates(dirs.templatesDir)]);
  const state: PreviewState = new PreviewState(content, templates, {
    render: compat.recording(options.render ?? renderEdition),
    onRendered: (done, total) => {
      progress = done < total ? { done, total } : undefined;
      const now = Date.now();
      if (total > 1 && (now - progressSentAt > PROGRESS_EVERY_MS || done === total)) {
        progressSentAt = now;
        hooks.progress();
      }
    },
    focus: hooks.watched,
    onFocusRendered: hooks.focusRendered,
  });
  const updated = (r: UpdateReport, what: string) => {
    progress = undefined;
    hooks.updated(r, what);
  };
  return {
    state,
    progress: () => progress,
    start() {
      initial = state.update();
      return initial.then((r) => (updated(r, ''), r));
    },
    settled: () => batches,
    close: () => watcher.close(),
  };
}

/** The email of each open page's edition, so the page loads it while it fetches its own text again. */
function watchedFrames(state: PreviewState, events: EventHub): Record<string, string> {
  return Object.fromEntries(
    [...events.watched()].flatMap((date) => {
      const stamp = state.renderStamp(date);
      return stamp !== undefined && state.rendered(date) ? [[date, emailFrameSrc(date, stamp)]] : [];
    }),
  );
}

/** What the routes read, over the live state; client reports announce themselves with a report event. */
function previewContext(live: LiveState, events: EventHub, compat: CompatibilityReports, boot: string, testSend: PreviewTestSend | undefined): PreviewContext {
  const { state } = live;
  let reportsReady = 0;
  const ctx: PreviewContext = {
    state,
    events,
    // Client reports count too: a page served while its report was pending is behind once it is ready,
    // which the page learns from the report event, or from the hello when it connects after it.
    build: () => `${boot}.${state.version}.${state.renderTotal}.${reportsReady}`,
    base: () => ({ build: ctx.build(), newsletterName: state.newsletterConfig?.name ?? 'briefwire', problems: state.problems, progress: live.progress() }),
    ...(testSend ? { testSend } : {}),
    // The report event names the render it belongs to (the email frame's stamp), as an update does.
    compatibility: (rendered, date, startNow) => {
      const stamp = state.renderStamp(date);
      const ready = () => {
        reportsReady++;
        events.broadcast('report', { edition: date, stamp, build: ctx.build() });
      };
      return compat.now(rendered, ready, startNow);
    },
  };
  return ctx;
}

export async function startPreview(options: PreviewOptions): Promise<PreviewServer> {
  const logger = options.logger ?? consoleLogger;
  const host = options.host ?? '127.0.0.1';
  // Distinguishes this server's versions from a previous run's, for pages that outlive a restart.
  const boot = randomBytes(3).toString('hex');
  const events = createEventHub();
  const reporter = createReporter(logger);
  const announce = (r?: UpdateReport) => {
    const overlay = overlayHtml(r?.problems ?? live.state.problems);
    const frames = watchedFrames(live.state, events);
    events.broadcast('update', r ? { build: ctx.build(), overlay, frames, ok: r.ok, rendered: r.rendered } : { build: ctx.build(), overlay, frames });
  };
  const compat = new CompatibilityReports();
  const live = await startLiveState(
    options,
    logger,
    {
      updated: (r, what) => (reporter.report(r, what), announce(r)),
      progress: () => announce(),
      watched: () => events.watched(),
      focusRendered: () => announce(),
    },
    compat,
  );
  const { state } = live;
  const ctx = previewContext(live, events, compat, boot, options.testSend);

  const server = http.createServer(
    createRouter(previewRoutes(ctx), {
      host,
      notFound: (r) => notFound(ctx, r),
      onError: (err, req) => logger.info(`preview: ${req.method} ${req.url} failed: ${(err as Error).stack ?? String(err)}`),
    }),
  );
  const address = await listen(server, options.port ?? 4000, host).catch(async (err: unknown) => {
    events.close();
    await live.close();
    throw err;
  });

  const ready = live.start();
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/`,
    host,
    port: address.port,
    state,
    ready,
    async idle() {
      await ready;
      // A batch may still be waiting in the debounce; callers that need it wait for the event instead.
      await live.settled();
    },
    async close() {
      await live.close();
      events.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await live.settled();
      await ready.catch(() => undefined);
    },
  };
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
