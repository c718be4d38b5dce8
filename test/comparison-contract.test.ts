/**
 * The computed comparison has one source, src/comparison-contract.ts: the
 * model's types are inferred from its schemas and edition.json's schema is
 * built from them. The type assertions below are checked by `tsc -p
 * tsconfig.test.json` (the first step of `npm test`), so a status, direction
 * or field written into the model by hand, or into edition.json's schema
 * only, fails to compile; the runtime tests hold the documentation and the
 * renderer to the same list.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { DIRECTIONS, METRIC_STATUSES, metricComparisonSchema, metricDeltaSchema, previousObservationSchema, SENTIMENTS } from '../src/comparison-contract.js';
import type { Direction, EditionMetric, MetricDelta, MetricStatus, PreviousObservation, Sentiment } from '../src/model.js';
import { formatChange } from '../src/render/format.js';
import { editionJsonSchema, type EditionMetricJson } from '../src/render/out-layout.js';

describe('the computed comparison has one source', () => {
  it('infers the model types from the shared schemas, both ways', () => {
    expectTypeOf<Direction>().toEqualTypeOf<(typeof DIRECTIONS)[number]>();
    expectTypeOf<Sentiment>().toEqualTypeOf<(typeof SENTIMENTS)[number]>();
    expectTypeOf<MetricStatus>().toEqualTypeOf<(typeof METRIC_STATUSES)[number]>();
    expectTypeOf<MetricDelta>().toEqualTypeOf<z.output<typeof metricDeltaSchema>>();
    expectTypeOf<PreviousObservation>().toEqualTypeOf<z.output<typeof previousObservationSchema>>();
    expectTypeOf<Pick<EditionMetric, keyof z.output<typeof metricComparisonSchema>>>().toEqualTypeOf<z.output<typeof metricComparisonSchema>>();
  });

  it('writes to edition.json exactly what the model holds for every field the file has', () => {
    expectTypeOf<EditionMetricJson>().toEqualTypeOf<Pick<EditionMetric, keyof EditionMetricJson>>();
    expectTypeOf<EditionMetricJson['status']>().toEqualTypeOf<MetricStatus>();
    expectTypeOf<EditionMetricJson['delta']>().toEqualTypeOf<MetricDelta | null>();
    expectTypeOf<EditionMetricJson['previous']>().toEqualTypeOf<PreviousObservation | null>();
  });

  it("accepts every status in edition.json, and only those: the file's enum is the model's", () => {
    const status = editionJsonSchema.shape.metrics.element.shape.status;
    expect(status.options).toEqual([...METRIC_STATUSES]);
    expect(status.safeParse('moved').success).toBe(false);
  });

  it('documents every status in docs/content.md, and no other', () => {
    const doc = readFileSync('docs/content.md', 'utf8');
    const table = doc.slice(doc.indexOf('### What an edition says about each metric: statuses'));
    const rows = table.slice(0, table.indexOf('\n\n', table.indexOf('| status |')));
    const documented = [...rows.matchAll(/^\| (`[^|]+`(?: \/ `[^|]+`)*) \|/gm)].flatMap((m) => m[1]!.match(/[a-z-]+/g) ?? []);
    expect(documented.sort()).toEqual([...METRIC_STATUSES].sort());
  });

  it('words every status for readers', () => {
    const previous: PreviousObservation = { date: '2025-09-15', value: 1, valueText: '1', period: null, basis: 'actual' };
    const base = { key: 'k', label: 'K', kind: 'number', unit: 'u', decimals: 0, better: 'up', measure: 'flow', value: 2, valueText: '2', period: null, basis: 'actual', source: null, note: null, previous } as const;
    const delta: MetricDelta = { abs: 1, unit: 'u', rel: 1, direction: 'up', sentiment: 'positive', comparison: 'previous-period' };
    for (const status of METRIC_STATUSES) {
      const m: EditionMetric = { ...base, status, delta: status === 'new' ? null : delta };
      const words = formatChange(m, 'en-GB');
      // Only a new value reads "new": a status the renderer does not know would fall through to it.
      expect(words === 'new', status).toBe(status === 'new');
    }
  });
});
