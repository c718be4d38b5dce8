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

function formatDateUncached(date: string, style: DateStyle, locale: string, timezone: string): string {
  const dt = editionDateTime(date, timezone).setLocale(locale);
  switch (style) {
    case 'iso':
      return date;
    case 'year':
      return dt.toFormat('yyyy');
    case 'month':
      return dt.toLocaleString({ month: 'long', year: 'numeric' });
    case 'month-short':
      return dt.toLocaleString({ month: 'short', year: 'numeric' });
    case 'short':
      return dt.toLocaleString({ day: 'numeric', month: 'short', year: 'numeric' });
    case 'medium':
      return dt.toLocaleString({ day: 'numeric', month: 'long', year: 'numeric' });
    case 'long':
      return dt.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  }
}

/** RFC 3339 timestamp of the edition's local midnight, for feeds and sitemaps. */
export function editionTimestamp(date: string, timezone: string): string {
  return memoized(`timestamp|${timezone}|${date}`, () => editionDateTime(date, timezone).toISO({ suppressMilliseconds: true }) ?? `${date}T00:00:00Z`);
}
