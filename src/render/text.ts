/**
 * The plain-text part: the same edition, readable in a text-only client and
 * by screen readers that prefer it. Prose goes through html-to-text (links
 * written out after their text); the metrics table is laid out here, since
 * aligned figures are the point of a financial newsletter.
 */
import { compile, type HtmlToTextOptions } from 'html-to-text';
import type { EditionView, MetricRowView } from './view-model.js';
import { projectionsText } from './projection-text.js';

const WIDTH = 78;

const htmlToTextOptions: HtmlToTextOptions = {
  wordwrap: WIDTH,
  selectors: [
    { selector: 'a', options: { linkBrackets: ['<', '>'], hideLinkHrefIfSameAsText: true } },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'ul', options: { itemPrefix: ' - ' } },
    // Markdown tables in a brief: aligned columns, header kept as written.
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false, maxColumnWidth: 40, colSpacing: 2 } },
  ],
  // A URL longer than a line stays whole: a broken URL is a dead link.
  longWordSplit: { forceWrapOnLimit: false },
};

// Compiled once: html-to-text's convert() rebuilds its selector tables per call.
const convert = compile(htmlToTextOptions);

export function htmlToText(html: string): string {
  // Only trailing space and leading blank lines go: a list's first " - " keeps its indent.
  return convert(html).replace(/^\n+/, '').trimEnd();
}

function heading(text: string, underline: string): string {
  const lines = wrapWords(text, WIDTH);
  return `${lines.join('\n')}\n${underline.repeat(Math.max(...lines.map((l) => [...l].length)))}`;
}

const LABEL_WIDTH = 38;
const MIN_LABEL_WIDTH = 16;
// A status such as "no new data since 1 Sept 2025 (three years from 2025)" wraps in its column rather than squeeze the label to a word per line.
const CHANGE_WIDTH = 26;

/** Greedy word wrap; a single over-long word (a URL) stays whole rather than being cut. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  // In code points, as a reader counts columns; kept as the line grows rather than recounted per word.
  let length = 0;
  for (const word of text.split(/\s+/)) {
    const n = codePoints(word);
    if (line && length + 1 + n > width) {
      lines.push(line);
      line = word;
      length = n;
    } else if (line) {
      line = `${line} ${word}`;
      length += 1 + n;
    } else {
      line = word;
      length = n;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A surrogate pair is one code point.
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/**
 * Columns padded to the widest cell, numbers right-aligned. The label column
 * gives way first so value and change stay on a 78-column line; a change too
 * long even then (a "no new data since ..." note) wraps within its column.
 */
export function metricsTextTable(rows: readonly MetricRowView[]): string {
  const header = ['Metric', 'Value', 'Change'];
  const len = (s: string) => [...s].length;
  const valueWidth = Math.max(len(header[1]!), ...rows.map((r) => len(r.value)));
  const changeWidth = Math.min(Math.max(len(header[2]!), ...rows.map((r) => len(r.change))), CHANGE_WIDTH, WIDTH - MIN_LABEL_WIDTH - valueWidth - 4);
  const labelWidth = Math.max(MIN_LABEL_WIDTH, Math.min(LABEL_WIDTH, WIDTH - valueWidth - changeWidth - 4));
  const labels = rows.map((r) => wrapWords(r.period ? `${r.label} (${r.period})` : r.label, labelWidth));
  const changes = rows.map((r) => wrapWords(r.change, changeWidth));
  const widths = [
    Math.max(len(header[0]!), ...labels.flat().map(len)),
    valueWidth,
    Math.max(len(header[2]!), ...changes.flat().map(len)),
  ];
  const pad = (s: string, w: number, right: boolean) => (right ? ' '.repeat(Math.max(0, w - len(s))) + s : s + ' '.repeat(Math.max(0, w - len(s))));
  const line = (c: string[]) => c.map((s, i) => pad(s, widths[i]!, i > 0)).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  rows.forEach((r, i) => {
    const label = labels[i]!;
    const change = changes[i]!;
    for (let k = 0; k < Math.max(label.length, change.length, 1); k++) out.push(line([label[k] ?? '', k === 0 ? r.value : '', change[k] ?? '']));
    const detail = (t: string) => out.push(...wrapWords(t, WIDTH - 4).map((l) => `    ${l}`));
    if (r.sentimentLabel) detail(r.sentimentLabel);
    if (r.previous) detail(`from ${r.previous}`);
    if (r.source) detail(`Source: ${r.source}`);
    if (r.note) detail(`Note: ${r.note}`);
  });
  return out.join('\n');
}

/** A " - " list item wrapped at the text width, continuation lines under its first word. */
function bullet(text: string): string {
  return wrapWords(text, WIDTH - 3).map((l, i) => (i === 0 ? ` - ${l}` : `   ${l}`)).join('\n');
}

export function renderText(view: EditionView): string {
  const parts: string[] = [];
  parts.push(wrapWords(`${view.newsletter.name} · Edition ${view.number} · ${view.dateLong}`, WIDTH).join('\n'));
  parts.push(wrapWords(`View in browser: ${view.viewUrl}`, WIDTH).join('\n'));
  parts.push(heading(view.title, '='));
  if (view.summary) parts.push(wrapWords(view.summary, WIDTH).join('\n'));
  if (view.introHtml) parts.push(htmlToText(view.introHtml));
  if (view.metrics.length > 0) {
    parts.push(heading('Key metrics', '-'));
    parts.push(metricsTextTable(view.metrics));
    parts.push('Shares and rates move in percentage points (pp). ▲ rose, ▼ fell, ▬ flat;\n"good news" means the move is good for readers (a falling price can be).');
  }
  if (view.movers.length > 0) {
    parts.push(heading('Biggest movers', '-'));
    parts.push(view.movers.map((m) => bullet(`${m.label}: ${m.change} to ${m.value}${m.sentimentLabel ? ` (${m.sentimentLabel})` : ''}`)).join('\n'));
  }
  if (view.projections.length > 0) {
    parts.push(heading('Projections', '-'));
    parts.push(projectionsText(view.projections, wrapWords));
  }
  for (const s of view.sections) {
    parts.push(heading(s.headingText, '-'));
    parts.push(htmlToText(s.html));
  }
  if (view.trends.length > 0) {
    parts.push(heading('History', '-'));
    parts.push(view.trends.map((t) => bullet(t.summary)).join('\n'));
  }
  parts.push(
    [
      '--',
      `You are receiving ${view.newsletter.name} because you subscribed to it.`,
      `Unsubscribe: ${view.unsubscribeUrl}`,
      `Archive: ${view.archiveUrl}`,
      `Sent by ${view.newsletter.name}${view.newsletter.address ? ` · ${view.newsletter.address}` : ''}`,
      'Figures are as reported by the sources named beside them. This newsletter is for information only and recommends no security or trade.',
    ]
      .flatMap((l) => wrapWords(l, WIDTH))
      .join('\n'),
  );
  return `${parts.join('\n\n')}\n`;
}
