import type { Measure, MetricDef, MetricKind } from '../model.js';
import { error, type Problem } from '../problems.js';
import { MetricKeyInvalid, MetricPercentUnit, MetricsEmpty, MetricsNotMapping } from '../problem-catalogue.js';
import { parseYaml } from './yaml-source.js';
import { METRIC_KEY, metricDefSchema } from '../content-contract.js';
import { zodProblems } from './zod-problems.js';
import { stripUndefined } from './newsletter-config.js';
import { checkDerivedMetrics } from './derived-checks.js';

/**
 * Parses content/metrics.yml: a mapping of metric key to definition. The file
 * order is the display order of every metric table.
 */
export function parseMetricRegistry(file: string, text: string): { metrics: MetricDef[]; problems: Problem[] } {
  const { source, problems } = parseYaml(file, text);
  if (problems.length > 0) return { metrics: [], problems };
  if (source.data === null || typeof source.data !== 'object' || Array.isArray(source.data)) {
    return { metrics: [], problems: [error(file, MetricsNotMapping)] };
  }
  const metrics: MetricDef[] = [];
  const out: Problem[] = [];
  for (const [key, raw] of Object.entries(source.data as Record<string, unknown>)) {
    if (!METRIC_KEY.test(key)) {
      out.push(error(file, MetricKeyInvalid, [key], source.at([key])));
      continue;
    }
    const parsed = metricDefSchema.safeParse(raw);
    if (!parsed.success) {
      out.push(...zodProblems(source, metricDefSchema, parsed.error.issues, [key]));
      continue;
    }
    const def: MetricDef = stripUndefined({ key, ...parsed.data, measure: parsed.data.measure ?? defaultMeasure(parsed.data.kind) });
    if ((def.kind === 'share' || def.kind === 'rate') && def.unit !== '%') {
      out.push(error(file, MetricPercentUnit, [key, def.kind, def.unit], source.at([key, 'unit'])));
      continue;
    }
    metrics.push(def);
  }
  if (metrics.length === 0 && out.length === 0) out.push(error(file, MetricsEmpty));
  const derived = checkDerivedMetrics(source, metrics);
  return { metrics: derived.metrics, problems: [...out, ...derived.problems] };
}

/** Shares and rates are ratios; money, counts and plain numbers are amounts over a period unless metrics.yml says otherwise. */
export function defaultMeasure(kind: MetricKind): Measure {
  return kind === 'share' || kind === 'rate' ? 'ratio' : 'flow';
}
