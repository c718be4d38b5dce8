/**
 * Edition dates are calendar dates (the brief's file name), shown in the
 * newsletter's language. They are anchored in the newsletter's time zone so
 * that "Monday 1 September" means that Monday where the newsletter lives.
 */
import { DateTime } from 'luxon';
import { boundedMemo } from '../util/bounded-memo.js';

export const DATE_STYLES = ['long', 'medium', 'short', 'iso', 'year', 'month', 'month-short'] as const;
export type DateStyle = (typeof DATE_STYLES)[number];

export function editionDateTime(date: string, timezone: string): DateTime {
  return DateTime.fromISO(date, { zone: timezone });
}

// A 520-edition build formats the same few hundred dates tens of thousands of
// times (every history point of every edition); luxon + Intl is the slow part.
const memoized = boundedMemo<string>(100_000);

export function formatDate(date: string, style: DateStyle, locale: string, timezone: string): string {
  return memoized(`${locale}|${timezone}|${style}|${date}`, () => formatDateUncached(date, style, locale, timezone));
}

/** What each style shows (besides `iso` and `year`), as Intl options. */
export const DATE_STYLE_OPTIONS: Record<Exclude<DateStyle, 'iso' | 'year'>, Intl.DateTimeFormatOptions> = {
  month: { month: 'long', year: 'numeric' },
  'month-short': { month: 'short', year: 'numeric' },
  short: { day: 'numeric', month: 'short', year: 'numeric' },
  medium: { day: 'numeric', month: 'long', year: 'numeric' },
  long: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A calendar date names the same day in every zone, so it is formatted as
 * that day in UTC with Intl directly: the same text luxon gave for it in the
 * newsletter's zone (a test holds them equal), for a few microseconds
 * instead of a tenth of a millisecond per date.
 */
function formatDateUncached(date: string, style: DateStyle, locale: string, timezone: string): string {
  if (style === 'iso') return date;
  if (style === 'year') return editionDateTime(date, timezone).setLocale(locale).toFormat('yyyy');
  const key = `${locale}|${style}`;
  let format = formatters.get(key);
  if (!format) formatters.set(key, (format = new Intl.DateTimeFormat(locale, { ...DATE_STYLE_OPTIONS[style], timeZone: 'UTC' })));
  return format.format(new Date(`${date}T00:00:00Z`));
}

/** RFC 3339 timestamp of the edition's local midnight, for feeds and sitemaps. */
export function editionTimestamp(date: string, timezone: string): string {
  return memoized(`timestamp|${timezone}|${date}`, () => editionDateTime(date, timezone).toISO({ suppressMilliseconds: true }) ?? `${date}T00:00:00Z`);
}
