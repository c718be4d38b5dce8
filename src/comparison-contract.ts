/**
 * What a computed comparison is: a metric's status, its delta and the
 * earlier observation it is measured against, as zod schemas. They are the
 * one source of these shapes: src/model.ts infers `Direction`, `Sentiment`,
 * `MetricStatus`, `MetricDelta`, `PreviousObservation` and the comparison
 * half of `EditionMetric` from them, and edition.json's schema
 * (render/out-layout.ts) is built from the same objects. They sit in the
 * shared layer because compute (which makes the values) and render (which
 * writes and reads them) both need them.
 *
 * A new status or direction is added here, and only here; every switch and
 * label table typed on `MetricStatus` then fails to compile until it
 * handles it.
 */
import { z } from 'zod';
import { basisSchema, figureBasisSchema, isoDateSchema, periodSchema } from './content-contract.js';

export const DIRECTIONS = ['up', 'down', 'flat'] as const;
export const directionSchema = z.enum(DIRECTIONS);

export const SENTIMENTS = ['positive', 'negative', 'neutral'] as const;
export const sentimentSchema = z.enum(SENTIMENTS);

/** What kind of comparison a metric's value makes (docs/content.md describes each). */
export const METRIC_STATUSES = ['new', 'no-new-data', 'revised', 'vs-forecast', 'vs-projection', 'not-comparable', 'changed', 'unchanged', 'not-reported'] as const;
export const metricStatusSchema = z.enum(METRIC_STATUSES);

/**
 * What a change is measured against: the same period a year earlier, the
 * period just before, or (stocks, ratios and points in time) an earlier
 * reference more than one period back.
 */
export const COMPARISON_KINDS = ['year-on-year', 'previous-period', 'since'] as const;
export const comparisonKindSchema = z.enum(COMPARISON_KINDS);

export const metricDeltaSchema = z.object({
  /** Absolute change rounded to the metric's decimals (percentage points for share/rate). */
  abs: z.number(),
  /** `pp` for share and rate; the metric's unit otherwise. */
  unit: z.string(),
  /** Relative change as a fraction of |previous| (0.0946 = +9.46%); null for pp metrics or previous 0. */
  rel: z.number().nullable(),
  direction: directionSchema,
  sentiment: sentimentSchema,
  /**
   * What kind of change this is; null for a revision and a comparison with a
   * forecast (the same period). edition.json files written before it existed
   * read as null.
   */
  comparison: comparisonKindSchema.nullable().default(null),
});

/** What an earlier observation a comparison refers to was: edition, value, period and basis. */
export const previousObservationSchema = z.object({
  date: isoDateSchema,
  value: z.number(),
  valueText: z.string(),
  /** null: a point at that edition's date. */
  period: periodSchema.nullable(),
  /** `projection` only for `vs-projection`: the newsletter's projected point the actual is set against. */
  basis: figureBasisSchema,
});

/** One input of a derived metric's value: the observation it was computed from. */
export const derivedInputSchema = z.object({
  key: z.string(),
  period: periodSchema.nullable(),
  basis: basisSchema,
  value: z.number(),
});

/**
 * A metric's value in one edition and its comparison: everything an
 * `EditionMetric` holds beyond its registry definition, and what
 * edition.json writes of it.
 */
export const metricComparisonSchema = z.object({
  /** null only when status is "not-reported". */
  value: z.number().nullable(),
  /** The value's decimal text as written in the brief (null when not reported). */
  valueText: z.string().nullable(),
  /** null for a point at the edition date, and when not reported. */
  period: periodSchema.nullable(),
  /** null only when status is "not-reported". */
  basis: basisSchema.nullable(),
  source: z.string().nullable(),
  note: z.string().nullable(),
  /**
   * What this value is compared with: the reference of a change, the value
   * revised, the forecast beaten, the edition that first reported a repeated
   * figure, the unlike figure of a not-comparable pair, the last value of a
   * metric not reported.
   */
  previous: previousObservationSchema.nullable(),
  /** null for new, no-new-data, not-comparable and not-reported. */
  delta: metricDeltaSchema.nullable(),
  status: metricStatusSchema,
  /** A derived metric: its formula as metrics.yml writes it. */
  derived: z.string().optional(),
  /** A derived metric: the observations this value was computed from. */
  inputs: z.array(derivedInputSchema).optional(),
});
