/**
 * The period grammar of an observation: what stretch of time a figure
 * belongs to. Comparisons are decided on the parsed form (start, end, length),
 * never on the text, so "FY2025" with a December year end and "2025" are the
 * same period, and "H1 2025" against "FY2025" is a half against a year.
 *
 *   2025 | FY2025          a year (FY years end at the fiscal year end)
 *   H1 2025 | H2 FY2025    a half
 *   Q3 2025 | Q3 FY2026    a quarter
 *   2025-09                a month
 *   2025-09-30             a day (a point in time)
 *   2025-2030              a multi-year span (growth-rate forecasts)
 *
 * A year written with an `E` suffix (2025E, FY2025E, H1 2025E, 2025-2030E)
 * is an estimate: the observation's basis is `forecast`.
 */
import { DateTime } from 'luxon';
import { boundedMemo } from '../util/bounded-memo.js';
import type { Period } from '../model.js';
import { ISO_DATE_PATTERN } from '../util/iso-date.js';

export type { Period, PeriodLength } from '../model.js';


export interface ParsedPeriod {
  period: Period;
  /** Written with an `E` suffix: an estimate, so the basis is forecast. */
  estimate: boolean;
}

export const PERIOD_GRAMMAR = '2025, FY2025, H1 2025, H2 FY2025, Q3 2025, Q3 FY2026, 2025-09, 2025-09-30, 2025-2030 (add E to a year for a forecast: 2025E, FY2025E, 2025-2030E)';

export const DEFAULT_FISCAL_YEAR_END = '12-31';

const YEAR = String.raw`(FY)?(\d{4})(E)?`;
const FORMS: { re: RegExp; build: (m: RegExpExecArray, fye: string) => Period | string }[] = [
  { re: new RegExp(`^${YEAR}$`), build: (m, fye) => year(m[1] === 'FY', Number(m[2]), fye) },
  // Any number is matched so that "Q5 2025" gets "quarters are Q1 to Q4", not a guess that turns it into a year.
  { re: new RegExp(`^H(\\d+) ${YEAR}$`), build: (m, fye) => (inRange(m[1]!, 2) ? part(year(m[2] === 'FY', Number(m[3]), fye), 'half', Number(m[1])) : `has no half H${m[1]} (halves are H1 and H2)`) },
  { re: new RegExp(`^Q(\\d+) ${YEAR}$`), build: (m, fye) => (inRange(m[1]!, 4) ? part(year(m[2] === 'FY', Number(m[3]), fye), 'quarter', Number(m[1])) : `has no quarter Q${m[1]} (quarters are Q1 to Q4)`) },
  { re: /^(\d{4})-(\d{2})()$/, build: (m) => month(Number(m[1]), Number(m[2])) },
  { re: new RegExp(`^${ISO_DATE_PATTERN}$`), build: (m) => day(m[0]) },
  { re: /^(\d{4})-(\d{4})(E)?$/, build: (m) => span(Number(m[1]), Number(m[2])) },
];

/**
 * Parses a period. `fiscalYearEnd` is `MM-DD`; an FY year is named by the
 * calendar year it ends in (FY2026 ending 03-31 runs April 2025 to March 2026).
 */
type PeriodParse = { parsed?: ParsedPeriod; error?: string; suggestion?: string };

/**
 * Parses by text and fiscal-year end, once: an archive writes the same few
 * periods thousands of times (each metric of each brief) and the calendar
 * arithmetic goes through luxon. Callers get their own copy.
 */
const parses = boundedMemo<PeriodParse>(10_000);

export function parsePeriod(text: string, fiscalYearEnd = DEFAULT_FISCAL_YEAR_END): PeriodParse {
  const result = parses(`${fiscalYearEnd}|${text}`, () => parsePeriodUncached(text, fiscalYearEnd));
  return result.parsed ? { ...result, parsed: { ...result.parsed, period: { ...result.parsed.period } } } : { ...result };
}

function parsePeriodUncached(text: string, fiscalYearEnd: string): PeriodParse {
  const written = text.trim().replace(/\s+/g, ' ');
  for (const form of FORMS) {
    const m = form.re.exec(written);
    if (!m) continue;
    const built = form.build(m, fiscalYearEnd);
    if (typeof built === 'string') return { error: `period "${text}" ${built}` };
    const estimate = written.endsWith('E');
    // Readers get words, not the grammar's suffix: "2025E" is shown as "2025 forecast".
    return { parsed: { period: { ...built, label: estimate ? `${written.slice(0, -1)} forecast` : written }, estimate } };
  }
  const suggestion = suggestPeriod(written);
  return { error: `period "${text}" is not in the period grammar: ${PERIOD_GRAMMAR}`, ...(suggestion ? { suggestion } : {}) };
}

function inRange(n: string, max: number): boolean {
  return Number(n) >= 1 && Number(n) <= max;
}

function iso(dt: DateTime): string {
  return dt.toISODate()!;
}

function year(fiscal: boolean, y: number, fye: string): Period {
  const endMonthDay = fiscal ? fye : DEFAULT_FISCAL_YEAR_END;
  const end = DateTime.fromISO(`${y}-${endMonthDay}`, { zone: 'utc' });
  const start = end.minus({ years: 1 }).plus({ days: 1 });
  return { label: '', start: iso(start), end: iso(end), length: 'year' };
}

function part(fy: Period, length: 'half' | 'quarter', n: number): Period {
  const months = length === 'half' ? 6 : 3;
  const start = DateTime.fromISO(fy.start, { zone: 'utc' }).plus({ months: months * (n - 1) });
  const end = start.plus({ months }).minus({ days: 1 });
  return { label: '', start: iso(start), end: iso(end), length };
}

function month(y: number, m: number): Period | string {
  if (m < 1 || m > 12) return `has no month ${m} (months are 01 to 12)`;
  const start = DateTime.utc(y, m, 1);
  return { label: '', start: iso(start), end: iso(start.endOf('month')), length: 'month' };
}

function day(text: string): Period | string {
  const dt = DateTime.fromISO(text, { zone: 'utc' });
  if (!dt.isValid) return 'is not a real calendar date';
  return { label: '', start: text, end: text, length: 'day' };
}

function span(from: number, to: number): Period | string {
  if (to <= from) return `must run forward: the second year must be after the first (e.g. ${from}-${from + 5})`;
  return { label: '', start: `${from}-01-01`, end: `${to}-12-31`, length: 'span' };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ESTIMATE_WORDS = /\b(forecast|projection|projected|estimate[sd]?|expected|outlook|guidance|e)\b/i;

/**
 * A best guess at the grammar form of a free period ("FY2025 forecast" ->
 * "FY2025E", "Quarter to June 2025" -> "Q2 2025", "1H 2025" -> "H1 2025").
 */
export function suggestPeriod(text: string): string | undefined {
  const t = text.trim();
  const estimate = ESTIMATE_WORDS.test(t.replace(/\d{4}E\b/i, '')) || /\d{4}E\b/i.test(t);
  const e = estimate ? 'E' : '';
  const fy = /\bFY\s*'?(\d{2,4})\b/i.exec(t);
  const years = [...t.matchAll(/\b(\d{4})(?:E\b)?/gi)].map((m) => m[1]!);
  const fyYear = fy ? (fy[1]!.length === 2 ? `20${fy[1]}` : fy[1]!) : undefined;
  const y = fyYear ?? years[0];
  const prefix = fyYear ? 'FY' : '';
  const q = /\b(?:Q([1-4])|([1-4])Q)\b/i.exec(t);
  const h = /\b(?:H([12])|([12])H)\b/i.exec(t);
  if (y && q) return `Q${q[1] ?? q[2]} ${prefix}${y}${e}`;
  if (y && h) return `H${h[1] ?? h[2]} ${prefix}${y}${e}`;
  if (y && /first half/i.test(t)) return `H1 ${prefix}${y}${e}`;
  if (y && /second half/i.test(t)) return `H2 ${prefix}${y}${e}`;
  const monthIndex = MONTHS.findIndex((m) => new RegExp(`\\b${m}[a-z]*\\b`, 'i').test(t));
  if (y && monthIndex >= 0) {
    const mm = String(monthIndex + 1).padStart(2, '0');
    // "Quarter to June 2025", "three months to June": the calendar quarter that ends in that month.
    if (/quarter|three months/i.test(t) && (monthIndex + 1) % 3 === 0) return `Q${(monthIndex + 1) / 3} ${y}${e}`;
    return `${y}-${mm}`;
  }
  if (years.length >= 2 && Number(years[1]) > Number(years[0])) return `${years[0]}-${years[1]}${e}`;
  if (y) return `${prefix}${y}${e}`;
  return undefined;
}

/** Same stretch of time (FY2025 ending 12-31 and 2025 are one period). */
export function samePeriod(a: Period, b: Period): boolean {
  return a.start === b.start && a.end === b.end;
}

/** A point in time at the edition's date: what an observation without a period means. */
export function pointAt(date: string): Period {
  return { label: date, start: date, end: date, length: 'day' };
}

/** How far back the period of the same length before this one starts. */
function lengthDuration(p: Period): { months?: number; years?: number; days?: number } {
  switch (p.length) {
    case 'day':
      return { days: 1 };
    case 'month':
      return { months: 1 };
    case 'quarter':
      return { months: 3 };
    case 'half':
      return { months: 6 };
    case 'year':
      return { years: 1 };
    case 'span':
      return { years: Number(p.end.slice(0, 4)) - Number(p.start.slice(0, 4)) + 1 };
  }
}

/**
 * What makes two periods the same kind of stretch: their length, and for
 * spans how many years they cover (2025-2030 and 2031-2036 are alike,
 * 2021-2025 and 2023-2025 are not).
 */
export function lengthKey(p: Period): string {
  return p.length === 'span' ? `span:${Number(p.end.slice(0, 4)) - Number(p.start.slice(0, 4))}` : p.length;
}

/** The period of the same length just before this one (Q2 2025: Q1 2025; 2025-03: 2025-02; a day: the day before). */
export function periodBefore(p: Period): Pick<Period, 'start' | 'end' | 'length'> {
  const start = DateTime.fromISO(p.start, { zone: 'utc' });
  return { start: iso(start.minus(lengthDuration(p))), end: iso(start.minus({ days: 1 })), length: p.length };
}

/** The same period one year earlier (Q1 FY2026: Q1 FY2025), as its start; the length stays. */
export function yearEarlierStart(p: Period): string {
  return iso(DateTime.fromISO(p.start, { zone: 'utc' }).minus({ years: 1 }));
}

/** Flows over these lengths compare year on year or with the period just before, and are charted without bridging a gap. */
export const PERIODIC_LENGTHS: ReadonlySet<Period['length']> = new Set(['month', 'quarter', 'half', 'year']);

/**
 * Whether a flow's line from `a` to `b` would bridge a gap: both are months,
 * quarters, halves or years, and `b` is neither `a` (a forecast and its
 * actual) nor the period right after it. Points in time and spans never do.
 */
export function bridgesGap(a: Period | null, b: Period | null): boolean {
  if (!a || !b || !PERIODIC_LENGTHS.has(a.length) || !PERIODIC_LENGTHS.has(b.length)) return false;
  return !samePeriod(a, b) && !followsDirectly(a, b);
}

/** `later` is the period of the same length that comes right after `earlier`: no gap between them, no overlap. */
export function followsDirectly(earlier: Period, later: Period): boolean {
  return lengthKey(earlier) === lengthKey(later) && periodBefore(later).end === earlier.end && earlier.start === periodBefore(later).start;
}
