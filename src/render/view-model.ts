/**
 * The edition as templates see it: every number already formatted, in the
 * newsletter's language, by one piece of code. The email, its text part, the
 * archive page and the preview all read this view, so they cannot disagree
 * about a value or a delta.
 */
import type { Edition, EditionMetric, HistoryPoint, Newsletter, Section, Sentiment } from '../model.js';
import { type RenderedBody, renderBody } from './markdown.js';
import { comparisonWords, formatChange, formatDelta, formatRel, formatValue, arrow, periodText, withComparison } from './format.js';

export { periodText };
import { formatDate } from './dates.js';
import { biggestMovers } from '../compute/movers.js';
import { TREND_POINTS } from '../compute/edition-metrics.js';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from './placeholders.js';
import { absoluteUrl, editionUrl, HOME_PAGE } from './out-layout.js';
import { projectionView, type ProjectionView } from './projection-view.js';

export interface MetricRowView {
  key: string;
  label: string;
  group: string | null;
  status: EditionMetric['status'];
  /** The value with its unit, as the table prints it ("CNY 56.7 bn", "38.1%"). */
  value: string;
  /** The same number without its unit ("56.7", "38.1"), for text that names the unit itself. */
  numberText: string;
  /** Arrow and signed change, e.g. "▲ +2.3 pp"; "new" / "not reported" otherwise. */
  change: string;
  arrow: string;
  deltaText: string;
  relText: string;
  direction: string;
  sentiment: Sentiment;
  color: string;
  /** "good news" / "bad news" / null: sentiment in words, because colour alone fails colour-blind readers and text clients. */
  sentimentLabel: string | null;
  /** "35.8% on 1 Sep 2025 (H1 2025)": the reference of a like-for-like change (or the last value of one not reported); null otherwise, where the change words name it. */
  previous: string | null;
  /** The period as readers see it ("FY2025", "2026 forecast"); null for a point at the edition date. */
  period: string | null;
  previousPeriod: string | null;
  basis: EditionMetric['basis'];
  source: string | null;
  note: string | null;
}

export interface TrendBar {
  heightPx: number;
  color: string;
  /** What the bar is, for a page that colours bars by scheme (the archive's dark mode) rather than by `color`. */
  basis: EditionMetric['basis'];
  latest: boolean;
  title: string;
}

export interface TrendView {
  key: string;
  label: string;
  bars: TrendBar[];
  first: string;
  last: string;
  firstDate: string;
  lastDate: string;
  /** Alt-text style summary for screen readers and text clients. */
  summary: string;
}

export interface EditionView {
  newsletter: Newsletter;
  lang: string;
  date: string;
  dateLong: string;
  dateShort: string;
  number: number;
  title: string;
  subject: string;
  preheader: string;
  summary: string | null;
  introHtml: string;
  introEmailHtml: string;
  sections: Section[];
  viewUrl: string;
  archiveUrl: string;
  unsubscribeUrl: string;
  metrics: MetricRowView[];
  movers: MetricRowView[];
  trends: TrendView[];
  /** The newsletter's own projections, formatted (the email's "Projections" block). */
  projections: ProjectionView[];
  /** The same, as computed: what the body's {{projection}} and {{reaches}} helpers read. */
  projectionData: Edition['projections'];
  previousDate: string | null;
  nextDate: string | null;
}

export const SENTIMENT_COLORS: Record<Sentiment, string> = {
  positive: '#1a7f37',
  negative: '#c62828',
  neutral: '#57606a',
};

const SENTIMENT_LABELS: Record<Sentiment, string | null> = {
  positive: 'good news',
  negative: 'bad news',
  neutral: null,
};

/** Forecast bars are pale grey-blue so they never read as reported figures. */
const FORECAST_BAR = '#d5dde6';
const TREND_HEIGHT = 28;


/** Statuses whose row states the earlier figure in a "from ..." line; the others name it in their change words. */
const FROM_LINE = new Set<EditionMetric['status']>(['changed', 'unchanged', 'not-reported']);

export function metricRowView(m: EditionMetric, newsletter: Newsletter, firstEdition = false): MetricRowView {
  const locale = newsletter.language;
  const when = (date: string) => formatDate(date, 'short', locale, newsletter.timezone);
  const prevPeriod = m.previous ? periodText(m.previous.period, m.previous.basis) : null;
  const period = periodText(m.period, m.basis);
  const previous =
    m.previous && FROM_LINE.has(m.status)
      ? `${formatValue(m, m.previous.value, locale, m.previous.valueText)} on ${when(m.previous.date)}${prevPeriod ? ` (${prevPeriod})` : ''}`
      : null;
  const change = firstEdition && m.status === 'new' ? 'first edition' : formatChange(m, locale, when);
  return {
    key: m.key,
    label: m.label,
    group: m.group ?? null,
    status: m.status,
    value: m.value === null ? '—' : formatValue(m, m.value, locale, m.valueText ?? undefined),
    numberText: m.value === null ? '—' : formatValue({ kind: m.kind, unit: '', decimals: m.decimals }, m.value, locale, m.valueText ?? undefined),
    change,
    arrow: m.delta && m.status === 'changed' ? arrow(m.delta.direction) : m.status === 'unchanged' ? arrow('flat') : '',
    deltaText: deltaText(m, locale, when),
    relText: m.delta && m.status === 'changed' ? formatRel(m.delta.rel, locale) : '',
    direction: m.delta?.direction ?? 'flat',
    sentiment: m.delta?.sentiment ?? 'neutral',
    color: SENTIMENT_COLORS[m.delta?.sentiment ?? 'neutral'],
    sentimentLabel: SENTIMENT_LABELS[m.delta?.sentiment ?? 'neutral'],
    previous,
    period,
    previousPeriod: prevPeriod,
    basis: m.basis,
    source: m.source,
    note: m.note,
  };
}

/** What `{{delta "key"}}` prints for a change: "+CNY 6.6 bn YoY", "+2.3 pp vs H1 2025", "no change YoY". */
function deltaText(m: EditionMetric, locale: string, when: (date: string) => string): string {
  if (!m.delta) return '';
  return withComparison(m.status === 'unchanged' ? 'no change' : formatDelta(m.delta, m.decimals, locale), comparisonWords(m, when));
}

/** The points a trend shows: the last few of a history that reaches back to the first edition. */
function trendWindow(points: readonly HistoryPoint[]): HistoryPoint[] {
  return points.slice(-TREND_POINTS);
}

/**
 * The part of an edition its view reads: all of it but the histories it
 * draws no trend for and the points older than the trend window. Two
 * editions with equal inputs have equal views
 * (for one newsletter), so the preview compares these to know what to
 * re-render without building every view.
 */
export function viewInputs(edition: Edition): Edition {
  const history: Edition['history'] = {};
  for (const m of trendedMetrics(edition)) history[m.key] = trendWindow(edition.history[m.key]!);
  return { ...edition, history };
}

/** The metrics drawn as a trend: reported in this edition, with at least two points. */
function trendedMetrics(edition: Edition): EditionMetric[] {
  return edition.metrics.filter((m) => m.status !== 'not-reported' && (edition.history[m.key]?.length ?? 0) >= 2);
}

export function trendView(m: EditionMetric, points: readonly HistoryPoint[], newsletter: Newsletter): TrendView {
  const locale = newsletter.language;
  const recent = trendWindow(points);
  const max = Math.max(...recent.map((p) => Math.abs(p.value)), 0) || 1;
  // Each point is formatted once and reused by bar titles, first/last and the summary.
  const values = recent.map((p) => formatValue(m, p.value, locale, p.valueText));
  // Each bar is an observation: named by its period, or by its edition's date when it is a point.
  const dates = recent.map((p) => periodText(p.period, p.basis) ?? formatDate(p.date, 'short', locale, newsletter.timezone));
  const last = recent.length - 1;
  return {
    key: m.key,
    label: m.label,
    bars: recent.map((p, i) => ({
      // At least 2 px so a small value is still a visible bar, not a gap.
      heightPx: Math.max(2, Math.round((Math.abs(p.value) / max) * TREND_HEIGHT)),
      color: p.basis === 'forecast' ? FORECAST_BAR : i === last ? '#0b5cad' : '#9db7d5',
      basis: p.basis,
      latest: i === last,
      title: `${dates[i]}: ${values[i]}`,
    })),
    first: values[0]!,
    last: values[last]!,
    firstDate: dates[0]!,
    lastDate: dates[last]!,
    summary: `${m.label}: ${recent.map((_, i) => `${values[i]} (${dates[i]})`).join(', ')}`,
  };
}

/** `body`: the brief's body as rendered, when the caller renders it (prepareEdition fills its helpers first); by default the body as written. */
export function editionView(edition: Edition, newsletter: Newsletter, body: RenderedBody = renderBody(edition.body)): EditionView {
  const locale = newsletter.language;
  const rows = edition.metrics.map((m) => metricRowView(m, newsletter, edition.number === 1));
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const trends = trendedMetrics(edition).map((m) => trendView(m, edition.history[m.key]!, newsletter));
  return {
    newsletter,
    lang: locale,
    date: edition.date,
    dateLong: formatDate(edition.date, 'long', locale, newsletter.timezone),
    dateShort: formatDate(edition.date, 'short', locale, newsletter.timezone),
    number: edition.number,
    title: edition.title,
    subject: edition.subject,
    preheader: edition.preheader ?? edition.summary ?? edition.title,
    summary: edition.summary,
    introHtml: body.introHtml,
    introEmailHtml: body.introEmailHtml,
    sections: body.sections,
    viewUrl: editionUrl(newsletter.baseUrl, edition.date),
    archiveUrl: absoluteUrl(newsletter.baseUrl, HOME_PAGE),
    unsubscribeUrl: UNSUBSCRIBE_URL_PLACEHOLDER,
    metrics: rows,
    movers: biggestMovers(edition.metrics).map((m) => byKey.get(m.key)!),
    trends,
    projections: edition.projections.map((p) => projectionView(p, locale)),
    projectionData: edition.projections,
    previousDate: edition.previousDate,
    nextDate: edition.nextDate,
  };
}
