/**
 * Number formatting shared by the email (HTML and text parts), the site and
 * feeds, so every surface prints the same figures. Pure functions over
 * Intl.NumberFormat; formatters are cached because building an archive of
 * hundreds of editions formats tens of thousands of values.
 */
import { boundedMemo } from '../util/bounded-memo.js';
import type { Direction, EditionMetric, FigureBasis, MetricDef, MetricDelta, Period } from '../model.js';
import { decimalPlaces, parseDecimal } from '../compute/decimal.js';

type SignMode = 'negative' | 'exceptZero';
type Style = 'decimal' | 'percent-of-100' | 'fraction-as-percent';

/** Intl.NumberFormat rejects more fraction digits than this on Node 20. */
const MAX_FRACTION_DIGITS = 20;

/**
 * Formatters print magnitudes only (signDisplay "never"); the sign is added
 * by signAndBody. That lets the sign lead a currency code, and avoids
 * formatToParts, which is several times slower than format.
 */
const formatters = new Map<string, Intl.NumberFormat>();

function formatter(locale: string, style: Style, digits: number): Intl.NumberFormat {
  const key = `${locale}|${style}|${digits}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      // unit "percent" prints 38.1 as "38.1%" without the ×100 that
      // style "percent" applies, which is what a fraction like rel needs.
      ...(style === 'percent-of-100' ? { style: 'unit', unit: 'percent' } : {}),
      ...(style === 'fraction-as-percent' ? { style: 'percent' } : {}),
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      signDisplay: 'never',
    });
    formatters.set(key, f);
  }
  return f;
}

const zeros = new Map<string, string>();

/** How zero looks in a style, to recognise values that round to zero. */
function zeroText(locale: string, style: Style, digits: number): string {
  const key = `${locale}|${style}|${digits}`;
  let z = zeros.get(key);
  if (z === undefined) {
    z = formatter(locale, style, digits).format(0);
    zeros.set(key, z);
  }
  return z;
}

const signs = new Map<string, { plus: string; minus: string }>();

export const MINUS = '\u2212';

/**
 * The locale's own signs, with bidi marks where needed, except that a
 * hyphen-minus becomes the true minus sign U+2212: "-1.5" next to "+2.3"
 * reads as a dash, and a line break may fall after a hyphen.
 */
function localeSigns(locale: string): { plus: string; minus: string } {
  let s = signs.get(locale);
  if (!s) {
    const f = new Intl.NumberFormat(locale, { signDisplay: 'always' });
    const signOf = (n: number) => f.formatToParts(n).filter(isSign).map((p) => p.value).join('');
    s = { plus: signOf(1), minus: signOf(-1).replace('-', MINUS) };
    signs.set(locale, s);
  }
  return s;
}

function isSign(part: Intl.NumberFormatPart): boolean {
  return part.type === 'plusSign' || part.type === 'minusSign';
}

function clampDigits(decimals: number): number {
  return Math.min(MAX_FRACTION_DIGITS, Math.max(0, Math.floor(decimals)));
}

const currencies = new Set(Intl.supportedValuesOf('currency'));

/**
 * "CNY bn" -> { code: "CNY", scale: "bn" }. Only real ISO 4217 codes count,
 * so a unit such as "MAU m" stays an ordinary suffix.
 */
function currencyUnit(unit: string): { code: string; scale: string } | null {
  const match = /^([A-Z]{3})(?:\s+(\S.*))?$/.exec(unit.trim());
  if (!match?.[1] || !currencies.has(match[1])) return null;
  return { code: match[1], scale: match[2] ?? '' };
}

/**
 * A formatted number split into sign and magnitude. The sign is judged on
 * the rounded text, so -0.04 at one decimal is "0.0", never "-0.0"; with
 * "exceptZero" a zero gets "±" so the sign column of a change table is never
 * blank.
 */
function signAndBody(
  locale: string,
  style: Style,
  digits: number,
  mode: SignMode,
  n: number | `${number}`,
): { sign: string; body: string } {
  const body = formatter(locale, style, digits).format(n);
  if (body === zeroText(locale, style, digits)) return { sign: mode === 'exceptZero' ? '±' : '', body };
  const negative = typeof n === 'number' ? n < 0 : n.trimStart().startsWith('-');
  const { plus, minus } = localeSigns(locale);
  return { sign: negative ? minus : mode === 'exceptZero' ? plus : '', body };
}

/**
 * Lays a number out with its unit. The currency code always leads, sign
 * first ("CNY 56.7 bn", "+CNY 4.9 bn", "-EUR 2.5", also in de-DE), because
 * the scale word is part of the unit text and "56,7 CNY bn" reads worse than
 * either convention; the number itself is localised. Parts are joined with
 * plain spaces so the text part and HTML carry identical strings; renderers
 * that need no-wrap can apply it in markup.
 */
function withUnit(unit: string, locale: string, digits: number, sign: SignMode, n: number | `${number}`): string {
  if (unit === '%') {
    const s = signAndBody(locale, 'percent-of-100', digits, sign, n);
    return s.sign + s.body;
  }
  const s = signAndBody(locale, 'decimal', digits, sign, n);
  const money = currencyUnit(unit);
  if (money) return [`${s.sign}${money.code}`, s.body, money.scale].filter(Boolean).join(' ');
  return unit ? `${s.sign}${s.body} ${unit}` : s.sign + s.body;
}

/** Fixed decimals with the locale's grouping: 1234.5 -> "1,234.50" (en-GB), "1.234,50" (de-DE). */
export function formatNumber(value: number, decimals: number, locale: string): string {
  const s = signAndBody(locale, 'decimal', clampDigits(decimals), 'negative', value);
  return s.sign + s.body;
}

/**
 * A metric value with its unit: "38.1%", "CNY 56.7 bn", "700 M downloads".
 * Shows the metric's decimals, or more when the analyst wrote more
 * ("38.125" stays "38.125%"): precision in the brief is never hidden. When
 * valueText is given it is what gets printed, formatted as an exact decimal
 * (Intl reads numeric strings without a detour through binary floats).
 */
/**
 * Values already formatted, by everything the text depends on. A history
 * point is shown by every edition whose trend window holds it (eight), and
 * by the site; formatting through Intl was a tenth of a build.
 */
const formattedValues = boundedMemo<string>(50_000);

export function formatValue(
  m: Pick<MetricDef, 'kind' | 'unit' | 'decimals' | 'derived'>,
  value: number,
  locale: string,
  valueText?: string,
): string {
  // A computed value (a derived metric's) carries the digits of its arithmetic, not of a brief: it is shown at the metric's decimals.
  if (m.derived !== undefined) valueText = undefined;
  return formattedValues(`${m.unit}|${m.decimals}|${locale}|${valueText ?? `=${value}`}`, () => formatValueUncached(m, value, locale, valueText));
}

function formatValueUncached(m: Pick<MetricDef, 'unit' | 'decimals'>, value: number, locale: string, valueText?: string): string {
  if (valueText === undefined) return withUnit(m.unit, locale, clampDigits(m.decimals), 'negative', value);
  const digits = clampDigits(Math.max(m.decimals, decimalPlaces(valueText)));
  const exact = parseDecimal(valueText).toFixed() as `${number}`;
  return withUnit(m.unit, locale, digits, 'negative', exact);
}

/**
 * A change with its sign always shown: "+2.3 pp", "-1.5 pp", "+CNY 4.9 bn",
 * "±0.0 pp". The minus is whatever the locale uses ("-" in en-GB and de-DE,
 * U+2212 in sv-SE), so deltas match the locale's other numbers.
 */
export function formatDelta(delta: MetricDelta, decimals: number, locale: string): string {
  return withUnit(delta.unit, locale, clampDigits(decimals), 'exceptZero', delta.abs);
}

/**
 * Relative change, one decimal, signed: 0.094595 -> "+9.5%"; "" for null.
 * rel arrives rounded to 6 places, so a true 0.09449996 shows as +9.5%
 * rather than +9.4%; the 0.0005-point gap is below anything a reader acts on.
 */
export function formatRel(rel: number | null, locale: string): string {
  if (rel === null) return '';
  const s = signAndBody(locale, 'fraction-as-percent', 1, 'exceptZero', rel);
  return s.sign + s.body;
}

/**
 * ▲ / ▼ / ▬. All three are in the WGL4 set that every mainstream email and
 * system font covers, none has an emoji presentation (so no colour emoji
 * swap on phones), and ▬ has the same weight as the triangles in a column,
 * where an en dash would look like a stray minus sign.
 */
export function arrow(direction: Direction): string {
  return direction === 'up' ? '▲' : direction === 'down' ? '▼' : '▬';
}

/** Formats an edition date for the words of a comparison ("no new data since 15 Sep 2025"). */
export type DateText = (isoDate: string) => string;

/** A magnitude with its unit and no sign, for words that say the direction ("4.9 above ..."). */
function magnitude(delta: MetricDelta, decimals: number, locale: string): string {
  return withUnit(delta.unit, locale, clampDigits(decimals), 'negative', Math.abs(delta.abs));
}

function periodSuffix(p: { label: string } | null): string {
  return p ? ` (${p.label})` : '';
}

/** How a period is shown: its label, marked as a forecast when the label does not already say so. */
export function periodText(period: Period | null, basis: FigureBasis | null): string | null {
  // The newsletter's own projection is never dressed as a sourced forecast.
  if (basis === 'projection') return period ? `${period.label} (our projection)` : 'our projection';
  if (!period) return basis === 'forecast' ? 'forecast' : null;
  if (basis !== 'forecast' || /forecast|projection|estimate|guidance|outlook|plan/i.test(period.label)) return period.label;
  return /\s/.test(period.label) ? `${period.label} (forecast)` : `${period.label} forecast`;
}

/** The earlier observation's period as readers see it, or its edition's date for a point in time. */
function previousPeriodText(prev: NonNullable<EditionMetric['previous']>, when: DateText): string {
  return prev.period ? (periodText(prev.period, prev.basis) ?? prev.period.label) : when(prev.date);
}

/**
 * What a change is measured against, in the words a financial reader
 * expects beside it: "YoY", "vs Q3 2025", "since 14 Jan 2026"; "" for a
 * delta that is not a change (a revision, a comparison with a forecast).
 */
export function comparisonWords(m: Pick<EditionMetric, 'delta' | 'previous'>, when: DateText = (d) => d): string {
  const kind = m.delta?.comparison;
  if (!kind || !m.previous) return '';
  if (kind === 'year-on-year') return 'YoY';
  return `${kind === 'since' ? 'since' : 'vs'} ${previousPeriodText(m.previous, when)}`;
}

/** A change's text with its comparison's words after it, when it has any. */
export function withComparison(text: string, words: string): string {
  return words ? `${text} ${words}` : text;
}

/**
 * The change column of a metric row, in words that say what kind of
 * comparison it is. Only a like-for-like change gets an arrow and growth
 * wording: "▲ +2.3 pp", "▲ +CNY 4.9 bn (+9.5%)", "▬ unch."; a revision reads
 * "revised up from CNY 51.8 bn", a beat "CNY 4.9 bn above the forecast of
 * CNY 51.8 bn", a repeat "no new data since 15 Sep 2025 (H1 2025)", a flow
 * with no comparable period "no comparable period (last reported FY2024: CNY
 * 20.8 bn)". A change names what it is compared with: "▲ +CNY 6.6 bn (+20.0%
 * YoY)", "▲ +2.3 pp vs H1 2025", "▲ +250 M downloads (+35.7% since 14 Jan 2026)".
 */
export function formatChange(m: EditionMetric, locale: string, when: DateText = (d) => d): string {
  const d = m.delta;
  const prev = m.previous;
  // A projected point is shown at the metric's decimals, like any computed value.
  const prevValue = prev ? formatValue(m, prev.value, locale, prev.basis === 'projection' ? undefined : prev.valueText) : '';
  switch (m.status) {
    case 'not-reported':
      return 'not reported';
    case 'no-new-data':
      return prev ? `no new data since ${when(prev.date)}${periodSuffix(prev.period)}` : 'no new data';
    case 'not-comparable':
      return prev ? `no comparable period (last reported ${previousPeriodText(prev, when)}: ${prevValue})` : 'no comparable period';
    case 'revised':
      if (!d || !prev) break;
      return d.direction === 'flat' ? `revised from ${prevValue}` : `revised ${d.direction} from ${prevValue}`;
    case 'vs-forecast':
      if (!d || !prev) break;
      return d.direction === 'flat'
        ? `in line with the forecast of ${prevValue}`
        : `${magnitude(d, m.decimals, locale)} ${d.direction === 'up' ? 'above' : 'below'} the forecast of ${prevValue}`;
    case 'vs-projection':
      if (!d || !prev) break;
      return d.direction === 'flat'
        ? `in line with our projection of ${prevValue}`
        : `${magnitude(d, m.decimals, locale)} ${d.direction === 'up' ? 'above' : 'below'} our projection of ${prevValue}`;
    case 'unchanged':
      return withComparison(`${arrow('flat')} unch.`, comparisonWords(m, when));
    case 'changed':
      if (!d) break;
      // The comparison's words go with the last figure: "+CNY 6.6 bn (+20.0% YoY)", "+2.3 pp vs H1 2025".
      return d.rel !== null && d.direction !== 'flat'
        ? `${arrow(d.direction)} ${formatDelta(d, m.decimals, locale)} (${withComparison(formatRel(d.rel, locale), comparisonWords(m, when))})`
        : withComparison(`${arrow(d.direction)} ${formatDelta(d, m.decimals, locale)}`, comparisonWords(m, when));
    case 'new':
      break;
    default:
      // A status added to comparison-contract.ts fails to compile here until it is worded.
      return m.status satisfies never;
  }
  // A reported value without a comparison is new whatever the status says.
  return 'new';
}
