/**
 * The preview's routes:
 *   /                              index of editions, newest first
 *   /editions/<date>/              the edition page (iframe, text, source, data, email clients)
 *   /editions/<date>/email.html    the email, unsubscribe link pointed at #preview-unsubscribe
 *   /editions/<date>/email.txt     the text part, likewise
 *   /events?edition=<date>         Server-Sent Events: hello on connect, update after each rebuild, report
 *                                  when an edition's client report is ready; an edition page names its
 *                                  edition, which is then rendered first
 *   /assets/preview.css            the pages' stylesheet (assets/preview.css in the package)
 *
 * Everything is rendered in memory from the PreviewState; nothing is read
 * from or written to disk here.
 */
import { readFile } from 'node:fs/promises';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../render/placeholders.js';
import type { PreviewState } from './state.js';
import type { EventHub } from './event-hub.js';
import { editionPageHtml, indexPageHtml, notFoundPageHtml, PREVIEW_STYLESHEET, type PageBase } from './preview-pages.js';
import { redirect, send, type Route, type RouteRequest } from './router.js';
import { sendTestOfRendered, type PreviewTestSend } from './test-send.js';
import type { EditionCompatibilityResult } from './compatibility-reports.js';
import type { RenderedEdition } from '../render/render-edition.js';
import { ISO_DATE_PATTERN } from '../util/iso-date.js';

export const PREVIEW_UNSUBSCRIBE_URL = '#preview-unsubscribe';

/** What the routes read: the live state, the event hub, and what every page shows. */
export interface PreviewContext {
  state: PreviewState;
  events: EventHub;
  /** Identifies the state a page shows; it changes with every update and render. */
  build(): string;
  base(): PageBase;
  /** Set when the preview may send test copies (briefwire preview --test-to). */
  testSend?: PreviewTestSend;
  /**
   * The email client compatibility of a render of edition `date`, if it is
   * ready; 'pending' while it is computed (kept with the render), after
   * which a `report` event names the edition. `startNow`: the page's email
   * has just been served, so the check may take the server's thread.
   */
  compatibility?(rendered: RenderedEdition, date: string, startNow?: boolean): EditionCompatibilityResult | 'pending' | undefined;
}

const DATE = `(${ISO_DATE_PATTERN})`;

export function previewRoutes(ctx: PreviewContext): Route[] {
  const { state } = ctx;
  const testSend = ctx.testSend;
  return [
    ...(testSend
      ? [
          {
            method: 'POST' as const,
            path: new RegExp(`^/editions/${DATE}/send-test$`),
            handle: async (r: RouteRequest) => {
              const result = await sendTestOfRendered(testSend, state, r.params[0]!);
              send(r.res, result.status, 'text/html', result.html);
            },
          },
        ]
      : []),
    { method: 'GET', path: '/', handle: ({ res }) => send(res, 200, 'text/html', indexHtml(ctx)) },
    { method: 'GET', path: '/events', handle: ({ req, res, url }) => ctx.events.open(req, res, { build: ctx.build() }, watchedEdition(url)) },
    { method: 'GET', path: '/favicon.ico', handle: ({ res }) => send(res, 204, 'text/plain', '') },
    { method: 'GET', path: PREVIEW_STYLESHEET, handle: async ({ res }) => send(res, 200, 'text/css', await stylesheet()) },
    { method: 'GET', path: new RegExp(`^/editions/${DATE}$`), handle: ({ res, params }) => redirect(res, `/editions/${params[0]}/`) },
    { method: 'GET', path: new RegExp(`^/editions/${DATE}/$`), handle: ({ res, params }) => editionHtml(ctx, res, params[0]!) },
    {
      method: 'GET',
      path: new RegExp(`^/editions/${DATE}/email\\.(html|txt)$`),
      handle: (r) => {
        const rendered = state.rendered(r.params[0]!);
        if (!rendered) return notFound(ctx, r);
        const html = r.params[1] === 'html';
        send(r.res, 200, html ? 'text/html' : 'text/plain', forPreview(html ? rendered.email.html : rendered.email.text));
        if (html) ctx.compatibility?.(rendered, r.params[0]!, true);
      },
    },
  ];
}

/** The edition an /events stream's page shows, when it names a well-formed date. */
function watchedEdition(url: URL): string | undefined {
  const date = url.searchParams.get('edition');
  return date !== null && new RegExp(`^${ISO_DATE_PATTERN}$`).test(date) ? date : undefined;
}

export function notFound(ctx: PreviewContext, { res, url }: RouteRequest): void {
  send(res, 404, 'text/html', notFoundPageHtml(ctx.base(), url.pathname));
}

function indexHtml({ state, base }: PreviewContext): string {
  const rows = [...state.editions].reverse().map((e) => ({ date: e.date, number: e.number, title: e.title, draft: e.draft, movers: state.rendered(e.date)?.view.movers }));
  return indexPageHtml({ ...base(), rows });
}

async function editionHtml(ctx: PreviewContext, res: RouteRequest['res'], date: string): Promise<void> {
  const { state, base } = ctx;
  const rendered = state.rendered(date);
  const compatibility = rendered ? ctx.compatibility?.(rendered, date) : undefined;
  const edition = state.editions.find((e) => e.date === date);
  const html = editionPageHtml({
    ...base(),
    date,
    editionCount: state.editions.length,
    edition,
    rendered,
    renderStamp: state.renderStamp(date),
    renderFailed: state.renderFailed(date),
    // Its client compatibility warnings are listed with the edition's other problems.
    editionProblems: [...state.problemsFor(date), ...(typeof compatibility === 'object' && 'problems' in compatibility ? compatibility.problems : [])],
    text: rendered ? forPreview(rendered.email.text) : undefined,
    compatibility,
    ...(ctx.testSend ? { testTo: ctx.testSend.to } : {}),
  });
  // 404 while no brief has this date; the page still listens and fills in when one appears.
  send(res, edition ? 200 : 404, 'text/html', html);
}

/** The package's assets/ lies two levels up from src/preview and from dist/preview alike. */
const STYLESHEET_FILE = new URL('../../assets/preview.css', import.meta.url);
let css: Promise<string> | undefined;

/** Read once: it ships with briefwire and does not change while the preview runs. */
function stylesheet(): Promise<string> {
  return (css ??= readFile(STYLESHEET_FILE, 'utf8'));
}

/** The preview must not send a real unsubscribe request anywhere; the link goes to a fragment. */
export function forPreview(s: string): string {
  return s.split(UNSUBSCRIBE_URL_PLACEHOLDER).join(PREVIEW_UNSUBSCRIBE_URL);
}
