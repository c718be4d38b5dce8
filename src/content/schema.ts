/**
 * Schemas for the content contract (documented in docs/content.md).
 * Zod checks shape and types; checks that need more than one file (unknown
 * metric keys, units against the registry, duplicate dates) live in the loader.
 */
import { z } from 'zod';
import { IANAZone } from 'luxon';
import type { YamlSource } from './yaml-source.js';
import { error, type Problem } from '../problems.js';
import { FieldInvalid, FieldRequired, FieldUnknown } from '../problem-catalogue.js';
import { nearest } from './suggest.js';
import { isFiscalYearEnd } from './period.js';

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

const fiscalYearEnd = z.string().refine(isFiscalYearEnd, { message: 'must be the last day of the fiscal year as "MM-DD" (e.g. "03-31")' });

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
    // RFC 2919 list-id: dot-atom with at least one dot. Pins the List-Id (see src/deliver/list-id.ts).
    listId: z
      .string()
      .regex(/^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)+$/i, 'must be a list id such as "ai-cloud-weekly.example.com" (RFC 2919: no spaces or angle brackets, at least one dot)')
      .max(255)
      .optional(),
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, '')),
    timezone,
    language,
    description: z.string().optional(),
    address: z.string().optional(),
    schedule: scheduleSchema.optional(),
    fiscalYearEnd: fiscalYearEnd.optional(),
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
export const MEASURES = ['flow', 'stock', 'ratio'] as const;
export const BASES = ['actual', 'forecast'] as const;

export const metricDefSchema = z
  .object({
    label: nonEmpty,
    kind: z.enum(METRIC_KINDS),
    unit: nonEmpty,
    decimals: z.number().int().min(0).max(6),
    better: z.enum(['up', 'down', 'neutral']),
    source: z.string().optional(),
    group: z.string().optional(),
    measure: z.enum(MEASURES).optional(),
    fiscalYearEnd: fiscalYearEnd.optional(),
  })
  .strict();

export const METRIC_KEY = /^[a-z0-9_]+$/;

const metricValue = z.union([z.number(), z.string()]);
export const OBSERVATION_FIELDS = ['value', 'period', 'basis', 'label', 'source', 'note', 'unit'] as const;

/** The long form of an observation (docs/content.md "Observations"). */
export const observationSchema = z
  .object({
    value: metricValue,
    period: z
      .union([z.string(), z.number(), z.date()])
      .transform((p) => (p instanceof Date ? p.toISOString().slice(0, 10) : String(p)))
      .optional(),
    basis: z.enum(BASES).optional(),
    label: nonEmpty.optional(),
    source: z.string().optional(),
    note: z.string().optional(),
    unit: z.string().optional(),
  })
  .strict();

/** An observation: a bare number, or the long form. */
export const briefMetricSchema = z.union([metricValue, observationSchema]);

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
      return error(source.file, FieldUnknown, [[...path, key].join('.'), nearest(key, known)], source.at([...path, key]));
    }
    const name = path.length > 0 ? `"${path.join('.')}"` : 'document';
    if (issue.code === 'invalid_type' && issue.input === undefined) return error(source.file, FieldRequired, [name], source.at(path));
    return error(source.file, FieldInvalid, [name, lowerFirst(issue.message)], source.at(path));
  });
}

function knownKeys(source: YamlSource, prefix: readonly PropertyKey[], path: readonly PropertyKey[]): string[] {
  // Suggest from the schema that reported the problem; we know them by where they sit.
  const where = [...prefix, ...path];
  if (source.file.endsWith('newsletter.yml')) return where.includes('schedule') ? Object.keys(scheduleSchema.shape) : Object.keys(newsletterSchema.shape);
  if (source.file.endsWith('metrics.yml')) return Object.keys(metricDefSchema.shape);
  return where.includes('metrics') ? [...OBSERVATION_FIELDS] : Object.keys(frontmatterSchema.shape);
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}
