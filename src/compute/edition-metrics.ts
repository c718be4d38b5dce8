/**
 * Turns the metrics written in each brief into the rows an edition shows:
 * every reported metric with its comparison, plus a "not reported" row for a
 * metric the reader saw last week that has gone missing, so a dropped figure
 * is visible instead of silently disappearing from the table.
 */
import type { Brief, BriefMetric, EditionMetric, HistoryPoint, MetricDef } from '../model.js';
import { metricDelta } from './delta.js';

export type BriefMetrics = Pick<Brief, 'file' | 'date' | 'metrics' | 'draft'>;

export interface EditionMetrics {
  /** Registry order. */
  metrics: EditionMetric[];
  /** Registry order of keys; each list oldest first, ending at this edition. */
  history: Record<string, HistoryPoint[]>;
}

/**
 * One result per brief, in the order given. Briefs must be sorted oldest
 * first (the loader does this): "previous" means earlier in that order, and
 * edition numbers are positions in it. A draft (only the preview passes
 * drafts) is compared with the editions before it but is invisible to the
 * editions after it, so the preview shows the same deltas as the build.
 */
export function computeEditionMetrics(registry: MetricDef[], briefs: BriefMetrics[]): EditionMetrics[] {
  const points = new Map<string, HistoryPoint[]>();
  let keysInPreviousEdition = new Set<string>();
  let published = 0;

  return briefs.map((brief) => {
    const number = brief.draft ? published + 1 : ++published;
    const written = firstByKey(brief.metrics);
    const metrics: EditionMetric[] = [];
    for (const def of registry) {
      const value = written.get(def.key);
      // Computed before this edition's point is added, so `last` is the most
      // recent earlier edition that reported the metric, however far back.
      const last = points.get(def.key)?.at(-1);
      if (value) metrics.push(reportedRow(def, value, last));
      else if (last && keysInPreviousEdition.has(def.key)) metrics.push(notReportedRow(def, last));
    }

    const reportedNow = new Set<string>();
    const history: Record<string, HistoryPoint[]> = {};
    for (const def of registry) {
      const value = written.get(def.key);
      let list = points.get(def.key);
      const point = value ? { date: brief.date, number, value: Number(value.value), valueText: value.value, period: value.period ?? null } : undefined;
      if (point) reportedNow.add(def.key);
      // A draft's point is shown with the draft only: later editions never compare against it.
      if (point && !brief.draft) {
        if (!list) points.set(def.key, (list = []));
        list.push(point);
      }
      // Copied because later editions keep appending to the running list.
      const shown = point && brief.draft ? [...(list ?? []), point] : list?.slice();
      if (shown) history[def.key] = shown;
    }
    if (!brief.draft) keysInPreviousEdition = reportedNow;

    return { metrics, history };
  });
}

/** The loader rejects duplicate keys; should one slip through, the first written wins. */
function firstByKey(metrics: readonly BriefMetric[]): Map<string, BriefMetric> {
  const byKey = new Map<string, BriefMetric>();
  for (const m of metrics) if (!byKey.has(m.key)) byKey.set(m.key, m);
  return byKey;
}

/** The registry definition a row carries; its `source` is replaced by the value's own. */
function describe(def: MetricDef): Omit<MetricDef, 'source'> {
  const { source: _registrySource, ...rest } = def;
  return rest;
}

function previousOf(point: HistoryPoint): NonNullable<EditionMetric['previous']> {
  return { value: point.value, valueText: point.valueText, date: point.date, period: point.period };
}

function reportedRow(def: MetricDef, m: BriefMetric, last: HistoryPoint | undefined): EditionMetric {
  const delta = last ? metricDelta(def, m.value, last.valueText) : null;
  return {
    ...describe(def),
    value: Number(m.value),
    valueText: m.value,
    period: m.period ?? null,
    source: m.source ?? def.source ?? null,
    note: m.note ?? null,
    previous: last ? previousOf(last) : null,
    delta,
    status: delta === null ? 'new' : delta.direction === 'flat' ? 'unchanged' : 'changed',
  };
}

function notReportedRow(def: MetricDef, last: HistoryPoint): EditionMetric {
  return {
    ...describe(def),
    value: null,
    valueText: null,
    period: null,
    // Nothing was reported, so there is nothing to attribute or annotate.
    source: null,
    note: null,
    previous: previousOf(last),
    delta: null,
    status: 'not-reported',
  };
}
