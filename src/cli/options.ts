/**
 * Option and argument parsing shared by the commands. Every bad value is a
 * UsageError, which the CLI turns into exit code 2, and is caught before the
 * command does anything.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UsageError } from './usage-error.js';
import { error, formatProblem } from '../problems.js';
import { DirectoryMissing } from '../problem-catalogue.js';
import { isIsoDate } from '../util/iso-date.js';

export interface DirOptions {
  content: string;
  templates: string;
  out: string;
}

/** The directory flags shared by build, preview and send, with their defaults. */
export const DIR_DEFAULTS: DirOptions = { content: 'content', templates: 'templates', out: 'out' };

/** Where send ledgers, locks and the suppression list live unless --state says otherwise. */
export const STATE_DIR_DEFAULT = '.briefwire';

/**
 * A flag's value as the text typed: cac turns a value that looks like a number
 * into one (`--out 2025` arrives as 2025), so the mapping to a command's typed
 * options reads every text flag through here.
 */
export function textOption(raw: unknown): string {
  return String(raw);
}

/** A flag that may be absent, as text when given. */
export function optionalText(raw: unknown): string | undefined {
  return raw === undefined ? undefined : String(raw);
}

/** `send`'s defaults (`subscribers` shares the list and state ones). */
export const SEND_DEFAULTS = {
  subscribers: 'subscribers.csv',
  state: STATE_DIR_DEFAULT,
  rate: 10,
  connections: 5,
  retries: 4,
  retryDelay: 2000,
  lateLimit: 24,
};

/**
 * The CSV to read, or null for none: the default file may be absent when every reader came
 * through the subscribe form; a file named with --subscribers must exist.
 */
export function subscribersFileOption(option: unknown): string | null {
  return option === SEND_DEFAULTS.subscribers && !existsSync(SEND_DEFAULTS.subscribers) ? null : String(option);
}

/** A whole number from `min` to `max` for `--<name>`. */
export function parseIntOption(name: string, raw: unknown, min: number, max: number): number {
  const text = String(raw).trim();
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(String(raw))}`);
  }
  return n;
}

/** A TCP port; 0 lets the system pick a free one. */
export function parsePort(raw: unknown): number {
  return parseIntOption('port', raw, 0, 65535);
}

/** `raw` as YYYY-MM-DD if it is a real calendar date written so (2025-02-30 is not), else null. */
function calendarDate(raw: unknown): string | null {
  const text = typeof raw === 'string' ? raw.trim() : '';
  return isIsoDate(text) ? text : null;
}

/** A calendar date option such as --date. */
export function parseDateOption(raw: unknown, label = '--date'): string {
  const date = calendarDate(raw);
  if (date === null) throw new UsageError(`${label} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(String(raw))}`);
  return date;
}

/** An edition argument: "latest" or a calendar date. */
export function parseEditionArgument(raw: unknown): string {
  if (raw === 'latest') return raw;
  const date = calendarDate(raw);
  if (date === null) throw new UsageError(`the edition must be "latest" or a calendar date YYYY-MM-DD, got ${JSON.stringify(String(raw))}`);
  return date;
}

/** Refuses a directory that does not exist (BW_DIR_MISSING, exit 2): `<dir>: ... <label>: no such directory` and the hint. */
export async function requireDir(dir: string, label: string, hint?: string): Promise<void> {
  const s = await stat(dir).catch(() => undefined);
  if (!s?.isDirectory()) {
    const problem = error(dir, DirectoryMissing, [label, hint]);
    throw new UsageError(formatProblem(problem), problem);
  }
}
