/**
 * Schemas for the content contract (documented in README "Content format").
 * Zod checks shape and types; checks that need more than one file (unknown
 * metric keys, units against the registry, duplicate dates) live in the loader.
 */
import { z } from 'zod';
import { IANAZone } from 'luxon';
import type { YamlSource } from './yaml-source.js';
import { error, type Problem } from '../problems.js';
import { didYouMean } from './suggest.js';

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const timezone = nonEmpty.refine((tz) => IANAZone.isValidZone(tz), { message: 'is not a valid IANA time zone (e.g. Europe/London)' });
const language = nonEmpty.refine(
  (tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  },
  { message: 'is not a valid BCP 47 language tag (e.g. en-GB)' },
);

export const scheduleSchema = z
  .object({
    weekday: z.number().int().min(1).max(7).describe('ISO weekday, 1 = Monday'),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time "HH:MM"'),
    timezone: timezone.optional(),
  })
  .strict();

export const newsletterSchema = z
  .object({
    name: nonEmpty,
    from: nonEmpty.regex(/<[^<>@\s]+@[^<>@\s]+>$|^[^<>@\s]+@[^<>@\s]+$/, 'must be an address, e.g. "AI Cloud Weekly <brief@example.com>"'),
    replyTo: nonEmpty.optional(),
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, '')),
    timezone,
    language,
    description: z.string().optional(),
    address: z.string().optional(),
    schedule: scheduleSchema.optional(),
    /** Where the archive's subscribe form posts; `{}` means <baseUrl>/subscribe (what `serve` answers). */
    subscribe: z
      .object({
        url: z
          .string()
          .regex(/^(https?:\/\/[^\s]+|\/[^\s]*)$/, 'must be an http(s) URL or a path starting with "/"')
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const METRIC_KINDS = ['share', 'rate', 'money', 'count', 'number'] as const;

export const metricDefSchema = z
  .object({
    label: nonEmpty,
    kind: z.enum(METRIC_KINDS),
    unit: nonEmpty,
    decimals: z.number().int().min(0).max(6),
    better: z.enum(['up', 'down', 'neutral']),
    source: z.string().optional(),
    group: z.string().optional(),
  })
  .strict();

export const METRIC_KEY = /^[a-z0-9_]+$/;

const metricValue = z.union([z.number(), z.string()]);

export const briefMetricSchema = z.union([
  metricValue,
  z
    .object({
      value: metricValue,
      period: z.union([z.string(), z.number()]).transform(String).optional(),
      source: z.string().optional(),
      note: z.string().optional(),
      unit: z.string().optional(),
    })
    .strict(),
]);

export const frontmatterSchema = z
  .object({
    title: nonEmpty,
    draft: z.boolean().optional(),
    date: z.union([z.string(), z.date()]).optional(),
    subject: nonEmpty.optional(),
    preheader: z.string().optional(),
    summary: z.string().optional(),
    metrics: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** Zod issues as problems positioned at the offending YAML node. */
export function zodProblems(source: YamlSource, issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): Problem[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '';
      const known = knownKeys(source, prefix, issue.path);
      return error(
        source.file,
        `unknown field "${[...path, key].join('.')}"${didYouMean(key, known)}`,
        source.at([...path, key]),
      );
    }
    const name = path.length > 0 ? `"${path.join('.')}"` : 'document';
    const message =
      issue.code === 'invalid_type' && issue.input === undefined ? `${name} is required` : `${name} ${lowerFirst(issue.message)}`;
    return error(source.file, message, source.at(path));
  });
}

function knownKeys(source: YamlSource, prefix: readonly PropertyKey[], path: readonly PropertyKey[]): string[] {
  // Suggest from the schema that reported the problem; we know them by where they sit.
  const where = [...prefix, ...path];
  if (source.file.endsWith('newsletter.yml')) return where.includes('schedule') ? Object.keys(scheduleSchema.shape) : Object.keys(newsletterSchema.shape);
  if (source.file.endsWith('metrics.yml')) return Object.keys(metricDefSchema.shape);
  return where.includes('metrics') ? ['value', 'period', 'source', 'note', 'unit'] : Object.keys(frontmatterSchema.shape);
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}
