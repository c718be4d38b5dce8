/**
 * Calendar dates as briefwire writes them everywhere (brief file names,
 * edition folders, ledgers, URLs, edition.json): YYYY-MM-DD. One pattern and
 * one check, so a file name, a route and a command-line option agree on what
 * a date is.
 */
import { DateTime } from 'luxon';

/** YYYY-MM-DD as a regular-expression fragment (no anchors, no group), for patterns that embed a date. */
export const ISO_DATE_PATTERN = String.raw`\d{4}-\d{2}-\d{2}`;

const EXACT = new RegExp(`^${ISO_DATE_PATTERN}$`);

/** Exactly YYYY-MM-DD, and a day the calendar has (2025-02-30 is not). */
export function isIsoDate(text: string): boolean {
  return EXACT.test(text) && DateTime.fromISO(text, { zone: 'utc' }).isValid;
}

/** A date as YAML may hand it over (an unquoted date can arrive as a Date) in YYYY-MM-DD; anything else as its text. */
export function isoDateText(value: unknown): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
}
