/**
 * HTML of the preview's pages: the index, an edition, the error overlay.
 * Pure functions of plain data, so they are tested without a server.
 *
 * Elements that change when content changes carry `data-live` and a stable
 * id: the client script fetches the page again and swaps just those, so an
 * open page updates without a full reload (and keeps its scroll position and
 * chosen view). Ids are also what the browser tests drive.
 */
import { formatProblem, type Problem } from '../problems.js';
import { GMAIL_CLIP_BYTES, SIZE_WARNING_BYTES } from '../render/email.js';
import type { MetricRowView } from '../render/view-model.js';
import type { RenderedEdition } from '../render/render-edition.js';
import { CLIENT_SCRIPT } from './client.js';
import { compatibilityPaneHtml } from './compatibility-panel.js';
import type { EditionCompatibilityResult } from './compatibility-reports.js';
import { escapeHtml } from '../util/escape.js';
import { errorCount, problemCounts } from '../util/print-problems.js';

export interface PageBase {
  /** Identifies the state the page shows; the client compares it after reconnecting. */
  build: string;
  newsletterName: string;
  /** Every current problem; the overlay shows when any is an error. */
  problems: readonly Problem[];
  /** Set while a render is in progress (the first one can take a while for a long archive). */
  progress?: { done: number; total: number } | undefined;
}

export interface IndexRow {
  date: string;
  number: number;
  title: string;
  draft?: boolean;
  /** Headline moves from the rendered view; undefined until the edition has rendered. */
  movers?: readonly MetricRowView[] | undefined;
}

export interface IndexPageModel extends PageBase {
  /** Newest first. */
  rows: readonly IndexRow[];
}

export interface EditionPageModel extends PageBase {
  date: string;
  editionCount: number;
  /** Undefined when no brief has this date (any more). */
  edition?: { number: number; title: string; file: string; previousDate: string | null; nextDate: string | null; draft?: boolean } | undefined;
  /** The last good render; undefined until the edition has rendered once. */
  rendered?: RenderedEdition | undefined;
  /** True when the edition's last render attempt failed (as opposed to not having been tried yet). */
  renderFailed?: boolean;
  /** Changes with every re-render, so the iframe URL changes too. */
  renderStamp?: number | undefined;
  /** Problems of this edition (its brief, its render): size warnings and the like. */
  editionProblems: readonly Problem[];
  /** The email's text part as previewed (unsubscribe placeholder filled in). */
  text?: string | undefined;
  /** Where the "Send a test" button sends (briefwire preview --test-to); no button without it. */
  testTo?: string;
  /** The email's client compatibility report; undefined until the edition has rendered, 'pending' while it is checked. */
  compatibility?: EditionCompatibilityResult | 'pending' | undefined;
}

export const VIEWS = ['desktop', 'mobile', 'text', 'source', 'data', 'clients'] as const;
export type PreviewView = (typeof VIEWS)[number];
/** Iframe widths: the email's own 600 px body, and a common phone width. */
/** Where the server answers with assets/preview.css, the pages' stylesheet. */
export const PREVIEW_STYLESHEET = '/assets/preview.css';

export const VIEW_WIDTHS = { desktop: 600, mobile: 375 } as const;

export function editionPath(date: string): string {
  return `/editions/${date}/`;
}

export function indexPageHtml(m: IndexPageModel): string {
  const count = `${m.rows.length} edition${m.rows.length === 1 ? '' : 's'}`;
  const body = `
<header class="bar">
  <span class="brand">${escapeHtml(m.newsletterName)} <span class="tag">preview</span></span>
  <span id="status" class="status" data-live>${statusText(m, count)}</span>
</header>
<main class="index">
  ${editionsTable(m.rows)}
</main>`;
  return htmlDocument({ title: `${m.newsletterName} · preview`, build: m.build, page: 'index', body, overlay: overlayHtml(m.problems) });
}

function statusText(m: PageBase, count: string): string {
  const errors = m.problems.filter((p) => p.severity === 'error').length;
  const parts = [escapeHtml(count)];
  if (m.progress) parts.push(`rendering ${m.progress.done} of ${m.progress.total}…`);
  if (errors) parts.push(`<span class="bad">${errors} error${errors === 1 ? '' : 's'}</span>`);
  return parts.join(' · ');
}

function editionsTable(rows: readonly IndexRow[]): string {
  if (rows.length === 0) return '<div id="editions" data-live class="empty">No editions yet. Add a brief to content/editions/ (YYYY-MM-DD-slug.md).</div>';
  const body = rows
    .map(
      (r) => `<tr data-date="${r.date}">
      <td class="num">#${r.number}</td>
      <td class="date"><time datetime="${r.date}">${r.date}</time></td>
      <td class="title"><a class="edition-link" href="${editionPath(r.date)}">${escapeHtml(r.title)}</a>${r.draft ? ' <span class="draft" title="draft: true — previewed, not built or sent">draft</span>' : ''}</td>
      <td class="movers">${r.movers === undefined ? '<span class="muted">rendering…</span>' : moversHtml(r.movers)}</td>
    </tr>`,
    )
    .join('\n');
  return `<table id="editions" data-live class="editions">
    <thead><tr><th>No.</th><th>Date</th><th>Title</th><th>Headline moves</th></tr></thead>
    <tbody>${body}</tbody>
  </table>`;
}

function moversHtml(movers: readonly MetricRowView[]): string {
  if (movers.length === 0) return '<span class="muted">no changes</span>';
  return `<ul class="mover-list">${movers
    .map((m) => `<li data-key="${escapeHtml(m.key)}"><span class="label">${escapeHtml(m.label)}</span> <span class="chg" style="color:${m.color}">${escapeHtml(m.change)}</span></li>`)
    .join('')}</ul>`;
}

/** Where the email iframe of a render loads from: a new render is a new address, so the browser never shows a stale one. */
export function emailFrameSrc(date: string, renderStamp: number): string {
  return `${editionPath(date)}email.html?v=${renderStamp}`;
}

export function editionPageHtml(m: EditionPageModel): string {
  const e = m.edition;
  const r = m.rendered;
  const title = r?.view.title ?? e?.title ?? `No edition on ${m.date}`;
  const frameSrc = r && m.renderStamp !== undefined ? emailFrameSrc(m.date, m.renderStamp) : 'about:blank';
  const body = `
<header class="bar">
  <a class="home" href="/">← All editions</a>
  <span class="brand">${escapeHtml(m.newsletterName)} <span class="tag">preview</span></span>
  <span id="status" class="status" data-live>${statusText(m, e ? `edition ${e.number} of ${m.editionCount}` : 'no such edition')}</span>
</header>
${editionHead(m, title)}
<div class="toolbar">
  <div class="switches" role="group" aria-label="View">
    ${VIEWS.map((v) => `<button type="button" id="view-${v}" data-view="${v}" aria-pressed="${v === 'desktop'}">${VIEW_LABELS[v]}</button>`).join('\n    ')}
  </div>
  <button type="button" id="scheme-dark" class="scheme" aria-pressed="false" title="Show the email as a client in dark mode does (its prefers-color-scheme: dark rules)">Dark mode</button>
  ${sizeHtml(r)}
  ${r && m.testTo ? testSendForm(m.date, m.testTo) : ''}
</div>
${warningsHtml(m.editionProblems)}
<main class="panes">
  <div id="render-status" data-live class="notice"${r || !e ? ' hidden' : ''}>${!r && e ? renderStatus(m) : ''}</div>
  <section id="pane-email" class="pane">
    <div id="frame-wrap"><iframe id="email-frame" title="Email preview" src="${escapeHtml(frameSrc)}"></iframe></div>
  </section>
  <section id="pane-text" class="pane" data-live><pre id="email-text">${escapeHtml(m.text ?? '')}</pre></section>
  <section id="pane-source" class="pane" data-live><pre id="email-source">${escapeHtml(r?.email.html ?? '')}</pre></section>
  <section id="pane-data" class="pane" data-live>${metricsTable(r?.view.metrics ?? [])}</section>
  ${compatibilityPaneHtml(r ? m.compatibility : undefined)}
</main>`;
  return htmlDocument({
    title: `${title} · preview`,
    build: m.build,
    page: 'edition',
    date: m.date,
    body,
    overlay: overlayHtml(m.problems),
  });
}

/** A plain form: it works without the page's script, and the server checks its Origin like any POST. */
function testSendForm(date: string, to: string): string {
  return `<form id="send-test" class="send-test" method="post" action="${editionPath(date)}send-test"><button type="submit">Send a test to ${escapeHtml(to)}</button></form>`;
}

function renderStatus(m: EditionPageModel): string {
  if (m.renderFailed) return 'This edition has not rendered yet: see the problems listed. It appears here once they are fixed.';
  return `Rendering…${m.progress ? ` ${m.progress.done} of ${m.progress.total} editions done.` : ''} This page fills in by itself.`;
}

const VIEW_LABELS: Record<PreviewView, string> = {
  desktop: `Desktop ${VIEW_WIDTHS.desktop}`,
  mobile: `Mobile ${VIEW_WIDTHS.mobile}`,
  text: 'Plain text',
  source: 'HTML source',
  data: 'Data',
  clients: 'Email clients',
};

function editionHead(m: EditionPageModel, title: string): string {
  const e = m.edition;
  const v = m.rendered?.view;
  if (!e) {
    return `<section id="edition-head" data-live class="head"><h1 id="edition-title">${escapeHtml(title)}</h1>
    <p class="muted">No brief in content/editions/ has this date. It appears here as soon as one does.</p></section>`;
  }
  const pager = [
    e.previousDate ? `<a id="prev-edition" href="${editionPath(e.previousDate)}">‹ ${e.previousDate}</a>` : '<span class="muted">‹ first edition</span>',
    e.nextDate ? `<a id="next-edition" href="${editionPath(e.nextDate)}">${e.nextDate} ›</a>` : '<span class="muted">latest edition ›</span>',
  ].join(' ');
  const subject = v ? `<dl class="envelope"><dt>Subject</dt><dd id="email-subject">${escapeHtml(v.subject)}</dd><dt>Preheader</dt><dd>${escapeHtml(v.preheader)}</dd></dl>` : '';
  return `<section id="edition-head" data-live class="head">
    <div class="meta"><span>#${e.number} · <time datetime="${m.date}">${escapeHtml(v?.dateLong ?? m.date)}</time></span> <span class="file" title="Source brief">${escapeHtml(e.file)}</span>${e.draft ? ' <span class="draft" title="Remove draft: true from the brief to build and send it">draft: not built or sent</span>' : ''} <nav class="pager">${pager}</nav></div>
    <h1 id="edition-title">${escapeHtml(title)}</h1>
    ${subject}
  </section>`;
}

function sizeHtml(r: RenderedEdition | undefined): string {
  if (!r) return '<div id="email-size" data-live class="size"></div>';
  const bytes = r.email.htmlBytes;
  const level = bytes > GMAIL_CLIP_BYTES ? 'over' : bytes > SIZE_WARNING_BYTES ? 'warn' : 'ok';
  const pct = Math.round((bytes / GMAIL_CLIP_BYTES) * 100);
  const kb = (n: number) => (n / 1024).toFixed(1);
  const note = level === 'over' ? ' — Gmail will clip it' : level === 'warn' ? ' — close to the limit' : '';
  return `<div id="email-size" data-live class="size ${level}" data-bytes="${bytes}" title="Gmail clips messages whose HTML is over about 102 KB, hiding the footer and unsubscribe link">
    <span class="meter" aria-hidden="true"><span style="width:${Math.min(100, pct)}%"></span></span>
    <span>HTML ${kb(bytes)} KB of Gmail's ${kb(GMAIL_CLIP_BYTES).replace(/\.0$/, '')} KB clip limit (${pct}%)${note}</span>
  </div>`;
}

function warningsHtml(problems: readonly Problem[]): string {
  if (problems.length === 0) return '<div id="warnings" data-live hidden></div>';
  return `<div id="warnings" data-live class="warnings"><strong>${problems.length} problem${problems.length === 1 ? '' : 's'} in this edition</strong>
    <ul>${problems.map((p) => `<li class="${p.severity}"><code>${escapeHtml(formatProblem(p))}</code></li>`).join('')}</ul></div>`;
}

function metricsTable(rows: readonly MetricRowView[]): string {
  if (rows.length === 0) return '<p class="muted" id="metrics-table">This edition reports no metrics.</p>';
  const cell = (s: string | null) => (s === null || s === '' ? '<span class="muted">—</span>' : escapeHtml(s));
  return `<table id="metrics-table" class="data">
    <thead><tr><th>Metric</th><th>Value</th><th>Change</th><th>Previous</th><th>Period</th><th>Source</th><th>Status</th></tr></thead>
    <tbody>${rows
      .map(
        (m) => `<tr data-key="${escapeHtml(m.key)}" data-status="${m.status}">
        <td>${escapeHtml(m.label)}${m.note ? `<div class="note">${escapeHtml(m.note)}</div>` : ''}</td>
        <td class="num">${escapeHtml(m.value)}</td>
        <td class="num" style="color:${m.color}">${cell(m.change)}</td>
        <td>${cell(m.previous)}</td>
        <td>${cell(m.period)}</td>
        <td>${cell(m.source)}</td>
        <td><span class="status-${m.status}">${escapeHtml(m.status.replace('-', ' '))}</span></td>
      </tr>`,
      )
      .join('')}</tbody>
  </table>`;
}

/** The error overlay: present on every page, hidden while the build is clean. */
export function overlayHtml(problems: readonly Problem[]): string {
  const errors = errorCount(problems);
  if (errors === 0) return '<div id="overlay" data-live data-errors="0" hidden></div>';
  return `<div id="overlay" data-live data-errors="${errors}" class="overlay" role="alert">
  <div class="overlay-head">
    <strong>Build failed: ${problemCounts(problems)}</strong>
    <span class="overlay-sub">The preview shows the last good version. Fix the file and save; this goes away by itself.</span>
    <button type="button" id="overlay-toggle">Hide</button>
  </div>
  <ol id="problems">${problems
    .map(
      (p) =>
        `<li class="problem ${p.severity}" data-file="${escapeHtml(p.file)}"${p.line !== undefined ? ` data-line="${p.line}"` : ''}><code>${escapeHtml(formatProblem(p))}</code></li>`,
    )
    .join('\n')}</ol>
</div>`;
}

export function notFoundPageHtml(m: PageBase, what: string): string {
  const body = `<header class="bar"><a class="home" href="/">← All editions</a></header><main class="index"><p>${escapeHtml(what)} was not found.</p></main>`;
  return htmlDocument({ title: 'Not found · preview', build: m.build, page: 'missing', body, overlay: overlayHtml(m.problems) });
}

function htmlDocument(d: { title: string; build: string; page: string; date?: string; body: string; overlay: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(d.title)}</title>
<link rel="stylesheet" href="${PREVIEW_STYLESHEET}">
<style>:root { --frame-desktop: ${VIEW_WIDTHS.desktop}px; --frame-mobile: ${VIEW_WIDTHS.mobile}px; }</style>
</head>
<body data-page="${d.page}" data-build="${escapeHtml(d.build)}" data-view="desktop"${d.date ? ` data-date="${d.date}"` : ''}>
${d.body}
${d.overlay}
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
