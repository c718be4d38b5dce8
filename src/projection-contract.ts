/**
 * What a projection is once computed (docs/content.md "Projections"): the
 * newsletter's own figures from a brief's stated assumptions, as zod
 * schemas. src/model.ts infers `Projection` and its parts from them, and
 * edition.json's schema (render/out-layout.ts) writes them as they are. In
 * the shared layer because compute makes them and render writes and reads
 * them.
 */
import { z } from 'zod';
import { basisSchema, isoDateSchema, metricIdentityShape, periodSchema, PROJECTION_METHODS } from './content-contract.js';

/** A projected value: the period and the value, kept to 10 decimal places (`valueText`). */
export const projectionPointSchema = z.object({ period: periodSchema, value: z.number(), valueText: z.string() });

export const projectionScenarioSchema = z.object({
  name: z.string(),
  /** The yearly rate: as written (linear: units a year; growth: percent a year), or 100r for a target's implied rate. */
  rate: z.number(),
  points: z.array(projectionPointSchema),
  /** The first point at or past the projection's `reaches`; null when none within the horizon, or no `reaches`. */
  reaches: z.object({ period: periodSchema, value: z.number() }).nullable(),
});

/** The newsletter's own projection of one metric, computed from a brief's stated assumptions. */
export const projectionSchema = z.object({
  ...metricIdentityShape,
  method: z.enum(PROJECTION_METHODS),
  assumption: z.string(),
  /** The actual it starts from, and the edition that reported it. */
  base: z.object({ period: periodSchema, value: z.number(), valueText: z.string(), basis: basisSchema, date: isoDateSchema }),
  to: periodSchema,
  cap: z.number().nullable(),
  reaches: z.number().nullable(),
  /** In the order written; the one named "base" (or the only one) is what later actuals are set against. */
  scenarios: z.array(projectionScenarioSchema),
});

/**
 * Whether a scenario moving at `rate` a year from `from` heads for `goal`: it
 * is not there yet and moves its way. One that does not (flat, moving away,
 * already there) never reaches it, however far the projection runs: compute
 * finds no reach for it and warns, the email says "never" rather than "not by"
 * the horizon.
 */
export function headsFor(from: number, goal: number, rate: number): boolean {
  return goal > from ? rate > 0 : goal < from ? rate < 0 : false;
}
