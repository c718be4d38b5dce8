/**
 * Inline SVG charts for the archive, generated as strings: no chart library,
 * no script, so a chart renders from file://, in a feed-less page cache and
 * with JavaScript off. Pure: numbers and dates in, markup out. Formatting of
 * tick labels is passed in, so the axis reads "38.0%" exactly as the email
 * would print it.
 *
 * The x axis is time (the edition date), not the edition index: a metric
 * reported in January and again in June should not look like a weekly move.
 */
import { escapeXml } from '../util/escape.js';
import type { Period } from '../model.js';
import { bridgesGap } from '../content/period.js';
import { bandExtent, bandMarks, type ChartBand } from './svg-band.js';

export interface ChartPoint {
  /** ISO date, YYYY-MM-DD. */
  date: string;
  value: number;
  /** Tooltip text, e.g. "1 Sep 2025 (H1 2025): 35.8%". */
  label: string;
  /** The value as printed elsewhere ("38.1%"), shown beside the last point. */
  valueLabel: string;
  /** A forecast: drawn hollow and joined by a dashed line, never as a reported value. */
  forecast?: boolean;
  /** The period the value covers, for charts that break their line at a gap. */
  period?: Period | null;
}

export interface ChartText {
  /** Unique within the page; prefixes the ids that aria-labelledby names. */
  id: string;
  title: string;
  description: string;
}

export type DateTickUnit = 'year' | 'month';

export interface LineChartOptions extends ChartText {
  width?: number;
  height?: number;
  /** Extra class, e.g. to show a compact variant only on narrow screens. */
  className?: string;
  /** Upper bound on date labels; a narrow chart fits fewer. */
  maxDateTicks?: number;
  /** Caption of the value axis, e.g. "Unit: CNY bn". */
  unitLabel: string;
  formatValueTick: (value: number, decimals: number) => string;
  formatDateTick: (date: string, unit: DateTickUnit) => string;
  /** Start the value axis at zero (shares: a 2 pp move should look like 2 pp of 100). */
  fromZero?: boolean;
  /** The newsletter's own projection, drawn as a band after the points (svg-band.ts). */
  band?: ChartBand;
  /** A flow: the line stops at a missing period (Q1 then Q3) instead of drawing through it. */
  breakAtGaps?: boolean;
}

export interface SparklineOptions extends ChartText {
  width?: number;
  height?: number;
  breakAtGaps?: boolean;
}

/**
 * SVG path data through the points in order, lifting the pen ("M") before a
 * point whose period does not follow the one before it when `breakAtGaps`.
 */
function linePath(points: readonly ChartPoint[], coords: readonly (readonly [number, number])[], breakAtGaps: boolean): string {
  return coords
    .map(([cx, cy], i) => {
      const move = i === 0 || (breakAtGaps && bridgesGap(points[i - 1]!.period ?? null, points[i]!.period ?? null));
      return `${move ? 'M' : 'L'}${px(cx)} ${px(cy)}`;
    })
    .join('');
}

const COLORS = { line: '#0b5cad', point: '#0b5cad', last: '#0b2545', grid: '#e4e8ec', axis: '#8c959f', text: '#57606a' };
const FONT_SIZE = 13;
/** Rough width of one tick-label character at FONT_SIZE, to size the left margin without measuring text. */
const CHAR_WIDTH = 7.2;

/** One decimal is plenty for screen coordinates and keeps a 500-point chart small. */
function px(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Days since the epoch for a calendar date, independent of any time zone. */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y!, (m ?? 1) - 1, d ?? 1) / 86_400_000;
}

function isoDay(year: number, month0: number): string {
  return new Date(Date.UTC(year, month0, 1)).toISOString().slice(0, 10);
}

export interface ValueTicks {
  ticks: number[];
  min: number;
  max: number;
  /** Fraction digits that show every tick distinctly. */
  decimals: number;
}

/** Ticks at 1, 2 or 5 times a power of ten, covering [min, max] with about `target` intervals. */
export function niceTicks(min: number, max: number, target = 4): ValueTicks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return niceTicks(0, 1, target);
  if (min === max) {
    // A flat or single-value series still needs a range to sit in the middle of.
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceTicks(min - pad, max + pad, target);
  }
  const raw = (max - min) / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((f) => f * magnitude >= raw) ?? 10) * magnitude;
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step / 2; i++) ticks.push(Number((lo + i * step).toFixed(decimals)));
  return { ticks, min: ticks[0]!, max: ticks.at(-1)!, decimals };
}

export interface DateTick {
  date: string;
  unit: DateTickUnit;
}

/** Year ticks for long spans, month ticks (every 1, 2, 3, 6 or 12 months) for short ones; at most `max`. */
export function dateTicks(first: string, last: string, max = 7): DateTick[] {
  const [y1, m1] = first.split('-').map(Number) as [number, number];
  const [y2, m2] = last.split('-').map(Number) as [number, number];
  const months = (y2 - y1) * 12 + (m2 - m1);
  const lo = dayNumber(first);
  const hi = dayNumber(last);
  const inRange = (d: string) => dayNumber(d) >= lo && dayNumber(d) <= hi;
  const ticks: DateTick[] = [];
  const limit = Math.max(2, max);
  if (months > 5 * limit) {
    const every = Math.max(1, Math.ceil((y2 - y1) / limit));
    for (let y = y1 + 1; y <= y2; y++) if ((y - y1 - 1) % every === 0) ticks.push({ date: isoDay(y, 0), unit: 'year' });
  } else {
    const every = [1, 2, 3, 6, 12].find((n) => months / n < limit) ?? 12;
    for (let i = 0; i <= months + 1; i++) {
      const m0 = m1 - 1 + i;
      if (m0 % every !== 0) continue;
      const d = isoDay(y1 + Math.floor(m0 / 12), m0 % 12);
      if (inRange(d)) ticks.push({ date: d, unit: 'month' });
    }
  }
  // A series inside one month has no month start in range: label its first date instead.
  return ticks.length > 0 ? ticks : [{ date: first, unit: 'month' }];
}

function svgOpen(width: number, height: number, text: ChartText, className: string): string {
  const ids = `${text.id}-title ${text.id}-desc`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="${className}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${ids}">` +
    `<title id="${text.id}-title">${escapeXml(text.title)}</title><desc id="${text.id}-desc">${escapeXml(text.description)}</desc>`
  );
}

/** Maps the x domain to pixels (to `until` when a band runs past the points); a single date sits in the middle. */
function xScale(points: readonly ChartPoint[], left: number, right: number, until?: string): (date: string) => number {
  const lo = dayNumber(points[0]!.date);
  const hi = Math.max(dayNumber(points.at(-1)!.date), until === undefined ? -Infinity : dayNumber(until));
  if (hi === lo) return () => (left + right) / 2;
  return (date) => left + ((dayNumber(date) - lo) / (hi - lo)) * (right - left);
}

/**
 * A full-size line chart: value gridlines with formatted labels, date ticks,
 * the unit caption, one dot per point with its tooltip, and the last value
 * printed by the last dot. Points must be oldest first.
 */
export function lineChart(points: readonly ChartPoint[], opts: LineChartOptions): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 300;
  const className = opts.className ? `chart ${opts.className}` : 'chart';
  if (points.length === 0) return `${svgOpen(width, height, opts, className)}</svg>`;

  const extent = bandExtent(opts.band);
  const values = [...points.map((p) => p.value), ...extent.values];
  const lowest = Math.min(...values);
  const y = niceTicks(opts.fromZero && lowest > 0 ? 0 : lowest, Math.max(...values));
  // An axis that does not reach zero magnifies moves; say so rather than let a small step look like a cliff.
  const broken = y.min > 0 || y.max < 0;
  const yLabels = y.ticks.map((t) => opts.formatValueTick(t, y.decimals));
  const last = points.at(-1)!;
  const until = extent.dates.reduce((a, b) => (b > a ? b : a), last.date);
  const left = Math.max(44, Math.max(...yLabels.map((l) => l.length)) * CHAR_WIDTH + 14);
  const right = width - 16;
  const top = 30;
  const bottom = height - 34;
  const yPos = (v: number) => bottom - ((v - y.min) / (y.max - y.min)) * (bottom - top);
  // Inset so the first and last dots do not sit on the axis.
  const xPos = xScale(points, left + 10, right - 6, until);

  const out: string[] = [svgOpen(width, height, opts, className)];
  out.push(`<g class="chart-text" font-size="${FONT_SIZE}" fill="${COLORS.text}">`);
  out.push(`<text x="${px(left)}" y="16">${escapeXml(opts.unitLabel + (broken ? ' · axis does not start at zero' : ''))}</text>`);
  y.ticks.forEach((t, i) => {
    const ty = px(yPos(t));
    out.push(`<line class="grid" x1="${px(left)}" x2="${px(right)}" y1="${ty}" y2="${ty}" stroke="${COLORS.grid}"/>`);
    out.push(`<text x="${px(left - 8)}" y="${ty}" dy="0.32em" text-anchor="end">${escapeXml(yLabels[i]!)}</text>`);
  });
  out.push(`<line class="axis" x1="${px(left)}" x2="${px(right)}" y1="${px(bottom)}" y2="${px(bottom)}" stroke="${COLORS.axis}"/>`);
  if (broken) {
    // The conventional break mark on the value axis, just above the baseline.
    const bx = left;
    out.push(`<path class="axis-break" d="M${px(bx - 6)} ${px(bottom - 4)}l12 -4M${px(bx - 6)} ${px(bottom - 9)}l12 -4" stroke="${COLORS.axis}" stroke-width="1.5" fill="none"/>`);
  }
  for (const t of dateTicks(points[0]!.date, until, opts.maxDateTicks)) {
    const x = xPos(t.date);
    const tx = px(x);
    const label = opts.formatDateTick(t.date, t.unit);
    // A label centred on a tick near either edge would be cut off by the viewBox: anchor it inwards.
    const half = (label.length * CHAR_WIDTH) / 2;
    const anchor = x + half > width - 2 ? 'end' : x - half < 2 ? 'start' : 'middle';
    out.push(`<line class="axis" x1="${tx}" x2="${tx}" y1="${px(bottom)}" y2="${px(bottom + 5)}" stroke="${COLORS.axis}"/>`);
    out.push(`<text x="${tx}" y="${px(bottom + 20)}" text-anchor="${anchor}">${escapeXml(label)}</text>`);
  }
  out.push('</g>');

  if (opts.band) out.push(...bandMarks(opts.band, opts.id, xPos, yPos));
  const coords = points.map((p) => [xPos(p.date), yPos(p.value)] as const);
  out.push(...seriesMarks(points, coords, bottom, opts.breakAtGaps ?? false));
  out.push('</svg>');
  return out.join('');
}

/** The line (dashed through forecasts), one dot per point with its tooltip, and the last value by the last dot. */
function seriesMarks(points: readonly ChartPoint[], coords: readonly (readonly [number, number])[], bottom: number, breakAtGaps: boolean): string[] {
  const marks: string[] = [];
  const last = points.at(-1)!;
  // Forecasts join the series with a dashed line; actuals are joined by a solid one drawn over it.
  if (points.some((p) => p.forecast) && coords.length > 1) {
    marks.push(`<path class="forecast-line" d="${linePath(points, coords, breakAtGaps)}" fill="none" stroke="${COLORS.line}" stroke-width="1.5" stroke-dasharray="5 4"/>`);
  }
  const actualAt = points.flatMap((p, i) => (p.forecast ? [] : [i]));
  if (actualAt.length > 1) {
    const d = linePath(actualAt.map((i) => points[i]!), actualAt.map((i) => coords[i]!), breakAtGaps);
    marks.push(`<path class="actual-line" d="${d}" fill="none" stroke="${COLORS.line}" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>`);
  }
  // Dense series get smaller dots so the line stays readable; every dot keeps its tooltip.
  const r = points.length > 60 ? 2.5 : 4.5;
  marks.push('<g>');
  points.forEach((p, i) => {
    const [cx, cy] = coords[i]!;
    const isLast = i === points.length - 1;
    const color = isLast ? COLORS.last : COLORS.point;
    // Hollow for a forecast, filled for an actual.
    const kind = `point${p.forecast ? ' forecast' : ''}${isLast ? ' last' : ''}`;
    const paint = p.forecast ? `class="${kind}" fill="#fff" stroke="${color}" stroke-width="2"` : `class="${kind}" fill="${color}" stroke="#fff" stroke-width="1.5"`;
    marks.push(`<circle cx="${px(cx)}" cy="${px(cy)}" r="${isLast ? r + 1.5 : r}" ${paint}><title>${escapeXml(p.label)}</title></circle>`);
  });
  marks.push('</g>');
  // The last value is written above its dot, or below it when the line falls
  // into the dot from above, so the label never sits on the line and needs no
  // right margin (a long unit would otherwise squeeze the plot).
  const [lx, ly] = coords.at(-1)!;
  const before = coords.at(-2);
  const below = before !== undefined && before[1] < ly;
  const labelY = below ? Math.min(ly + 20, bottom - 4) : Math.max(ly - 11, 14);
  marks.push(
    `<text class="last-label" x="${px(lx)}" y="${px(labelY)}" text-anchor="end" font-size="${FONT_SIZE + 1}" font-weight="700" fill="${COLORS.last}" stroke="#fff" stroke-width="4" paint-order="stroke">${escapeXml(last.valueLabel)}</text>`,
  );
  return marks;
}

/** A small trend line without axes, for lists of metrics. */
export function sparkline(points: readonly ChartPoint[], opts: SparklineOptions): string {
  // Drawn at the size it is shown, so stroke and dot are not scaled up.
  const width = opts.width ?? 240;
  const height = opts.height ?? 48;
  const pad = 5;
  const out: string[] = [svgOpen(width, height, opts, 'sparkline')];
  if (points.length > 0) {
    const values = points.map((p) => p.value);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const yPos = (v: number) => (hi === lo ? height / 2 : height - pad - ((v - lo) / (hi - lo)) * (height - 2 * pad));
    const xPos = xScale(points, pad, width - pad);
    const coords = points.map((p) => [xPos(p.date), yPos(p.value)] as const);
    if (coords.length > 1) out.push(`<path class="actual-line" d="${linePath(points, coords, opts.breakAtGaps ?? false)}" fill="none" stroke="${COLORS.line}" stroke-width="2" stroke-linejoin="round"/>`);
    const last = points.at(-1)!;
    out.push(`<circle class="point last" cx="${px(xPos(last.date))}" cy="${px(yPos(last.value))}" r="3.5" fill="${COLORS.last}"/>`);
  }
  out.push('</svg>');
  return out.join('');
}
