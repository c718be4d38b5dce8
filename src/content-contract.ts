/**
 * The content contract (documented in docs/content.md): zod schemas of
 * newsletter.yml, metrics.yml and a brief's frontmatter. src/model.ts infers
 * the domain types from them, which is why they sit in the shared layer and
 * not in content/: the content layer validates files against them
 * (`content/zod-problems.ts` turns their issues into problems), and checks
 * that need more than one file (unknown metric keys, units against the
 * registry, duplicate dates) live in the loader.
 */
import { z } from 'zod';
import { DateTime, IANAZone } from 'luxon';
import { isIsoDate, isoDateText } from './util/iso-date.js';

/** A calendar date written YYYY-MM-DD. */
export const isoDateSchema = z.string().refine(isIsoDate, 'must be a date YYYY-MM-DD');

export const PERIOD_LENGTHS = ['day', 'month', 'quarter', 'half', 'year', 'span'] as const;

/**
 * A period of the grammar (content/period.ts) once parsed: what the loader
 * makes of an observation's `period`, and how edition.json writes it.
 */
export const periodSchema = z.object({
  /** What the reader sees: the brief's `label`, else the grammar form ("Q3 FY2026"; "2025E" reads "2025 forecast"). */
  label: z.string(),
  /** ISO dates, inclusive. */
  start: isoDateSchema,
  end: isoDateSchema,
  /** How long the period is; `span` is a multi-year range (2025-2030). */
  length: z.enum(PERIOD_LENGTHS),
});

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

/** `MM-DD`, a real day of a non-leap year, so every year has it. */
const FISCAL_YEAR_END = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A fiscal year end as newsletter.yml and metrics.yml write it: "MM-DD", a day every year has. */
export function isFiscalYearEnd(text: string): boolean {
  return FISCAL_YEAR_END.test(text) && DateTime.fromISO(`2025-${text}`, { zone: 'utc' }).isValid;
}

const fiscalYearEnd = z.string().refine(isFiscalYearEnd, { message: 'must be the last day of the fiscal year as "MM-DD" (e.g. "03-31")' });

export const scheduleSchema = z
  .object({
    /** ISO weekday: 1 = Monday ... 7 = Sunday. */
    weekday: z.number().int().min(1).max(7).describe('ISO weekday, 1 = Monday'),
    /** Local wall-clock time, "HH:MM". */
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time "HH:MM"'),
    /** IANA zone; the loader fills in the newsletter's timezone when absent. */
    timezone: timezone.optional(),
  })
  .strict();

export const newsletterSchema = z
  .object({
    name: nonEmpty,
    /** RFC 5322 mailbox, e.g. `AI Cloud Weekly <brief@example.com>`. */
    from: nonEmpty.regex(/<[^<>@\s]+@[^<>@\s]+>$|^[^<>@\s]+@[^<>@\s]+$/, 'must be an address, e.g. "AI Cloud Weekly <brief@example.com>"'),
    replyTo: nonEmpty.optional(),
    /** Pinned RFC 2919 List-Id (a dot-atom with at least one dot); derived from name and From's domain when absent (src/deliver/send/list-id.ts). */
    listId: z
      .string()
      .regex(/^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)+$/i, 'must be a list id such as "ai-cloud-weekly.example.com" (RFC 2919: no spaces or angle brackets, at least one dot)')
      .max(255)
      .optional(),
    /** Public archive URL, read without trailing slash, e.g. https://example.com/ai-cloud-weekly */
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, '')),
    timezone,
    /** BCP 47 tag, e.g. en-GB. */
    language,
    description: z.string().optional(),
    /** Postal address or sender identity line shown in the footer (bulk-sender rules). */
    address: z.string().optional(),
    /** The weekly send slot. */
    schedule: scheduleSchema.optional(),
    /** `MM-DD`: the default last day of an FY period (12-31 when absent). */
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
/** An actual (reported) figure, or a forecast (estimate, projection, guidance). */
export const basisSchema = z.enum(BASES);
/**
 * What a figure shown to readers is: an observation's basis, or `projection`,
 * the newsletter's own projection from stated assumptions (never written in a
 * brief as an observation, so never confused with a sourced forecast).
 */
export const FIGURE_BASES = [...BASES, 'projection'] as const;
export const figureBasisSchema = z.enum(FIGURE_BASES);

/** One entry of metrics.yml (its key is the mapping key). */
export const metricDefSchema = z
  .object({
    label: nonEmpty,
    kind: z.enum(METRIC_KINDS),
    unit: nonEmpty,
    decimals: z.number().int().min(0).max(6),
    better: z.enum(['up', 'down', 'neutral']),
    source: z.string().optional(),
    group: z.string().optional(),
    /** From metrics.yml; the loader falls back on the kind (share and rate: ratio; money, count, number: flow). */
    measure: z.enum(MEASURES).optional(),
    /** `MM-DD` that FY periods of this metric end on (else newsletter.yml's). */
    fiscalYearEnd: fiscalYearEnd.optional(),
    /** A formula over other metric keys (`+ - * /`, parentheses, numbers): the metric is computed, never written in a brief. */
    derived: nonEmpty.optional(),
  })
  .strict();

/** What every computed figure of a metric repeats of its definition (edition.json's metrics and projections). */
export const metricIdentityShape = {
  key: z.string(),
  label: z.string(),
  kind: metricDefSchema.shape.kind,
  unit: z.string(),
  decimals: z.number().int(),
};

export const METRIC_KEY = /^[a-z0-9_]+$/;

const metricValue = z.union([z.number(), z.string()]);

/** The long form of an observation (docs/content.md "Observations"). */
export const observationSchema = z
  .object({
    value: metricValue,
    period: z
      .union([z.string(), z.number(), z.date()])
      .transform(isoDateText)
      .optional(),
    basis: basisSchema.optional(),
    label: nonEmpty.optional(),
    source: z.string().optional(),
    note: z.string().optional(),
    /** Unit as written in long form; the loader rejects one that differs from the registry's. */
    unit: z.string().optional(),
  })
  .strict();

/** An observation: a bare number, or the long form. */
export const briefMetricSchema = z.union([metricValue, observationSchema]);

/** A brief's YAML frontmatter. */
export const frontmatterSchema = z
  .object({
    title: nonEmpty,
    /** A draft is previewed but never built, published or sent. */
    draft: z.boolean().optional(),
    date: z.union([z.string(), z.date()]).optional(),
    /** Optional subject line template (Handlebars); defaults to the title. */
    subject: nonEmpty.optional(),
    preheader: z.string().optional(),
    summary: z.string().optional(),
    metrics: z.record(z.string(), z.unknown()).optional(),
    /** The newsletter's own projections, keyed by metric (each checked against projectionSpecSchema). */
    projections: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const PROJECTION_METHODS = ['linear', 'growth', 'target'] as const;

/** A scenario name: what readers see in the projection's table ("low", "base", "high"). */
export const SCENARIO_NAME = /^[a-z][a-z0-9-]*$/;

/** One number (the scenario "base") or a number per named scenario. */
const scenarioNumbers = z.union([
  z.number(),
  z
    .record(z.string().regex(SCENARIO_NAME, 'scenario names are lowercase words (low, base, high)'), z.number())
    .refine((r) => Object.keys(r).length > 0, 'must name at least one scenario'),
]);

const periodText = z.union([z.string(), z.number()]).transform(String);

/** One entry of a brief's `projections` (docs/content.md "Projections"). */
export const projectionSpecSchema = z
  .object({
    /** linear: + rate units a year; growth: x (1 + rate%) a year; target: reach `value` at `to`. */
    method: z.enum(PROJECTION_METHODS),
    rate: scenarioNumbers.optional(),
    /** target only: the value reached at `to`. */
    value: scenarioNumbers.optional(),
    /** The horizon: a period of the base period's length, after it. */
    to: periodText,
    /** An upper bound no point passes (a share cannot pass 100). */
    cap: z.number().optional(),
    /** Asks the first period each scenario reaches this value. */
    reaches: z.number().optional(),
    /** The stated assumption, shown to readers beside the figures. */
    assumption: nonEmpty,
    /** Default: the metric's latest actual as of the edition. */
    base: z.object({ period: periodText }).strict().optional(),
  })
  .strict();
