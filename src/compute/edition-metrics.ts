/**
 * Turns the observations written in each brief into the rows an edition
 * shows. Each row says what kind of comparison it is (docs/content.md
 * "Statuses"), decided from every earlier edition's observations in this order:
 *
 * 1. The same period and basis was reported before: the same value is
 *    `no-new-data`, a different one is `revised` (against the latest value).
 * 2. An actual for a period that had a forecast: `vs-forecast`.
 * 3. Nothing earlier of the same basis: `new`.
 * 4. A flow over a month, quarter, half or year compares with the same period
 *    a year earlier (year on year), else with the period just before; with
 *    neither it is `not-comparable`, against the latest earlier observation.
 *    A comparison across a gap is neither, so it is never shown as a move.
 * 5. Anything else (stocks, ratios, points in time, spans) compares with the
 *    latest earlier observation of the same basis by period end (then
 *    edition date): a flow over a period of another length is
 *    `not-comparable`; else `changed` or `unchanged`, "since" that period
 *    when it lies more than one period back.
 * 6. A metric the previous edition reported and this one does not: `not-reported`.
 */
import type { BriefMetric, ComparisonKind, EditionMetric, HistoryPoint, MetricDef, MetricDelta, PreviousObservation, Projection } from '../model.js';
import type { Problem } from '../problems.js';
import { lengthKey, periodBefore, PERIODIC_LENGTHS, pointAt, yearEarlierStart, type Period } from '../content/period.js';
import { metricDelta } from './delta.js';
import { parseDecimal } from './decimal.js';
import { deriveObservations, type BriefMetrics } from './derived.js';
import { applyProjections } from './projections.js';

export type { BriefMetrics } from './derived.js';

export interface EditionMetrics {
  /** Registry order. */
  metrics: EditionMetric[];
  /**
   * Registry order of keys; each list ordered by `at`, as of this edition:
   * the last TREND_POINTS points, except in the last edition, which carries
   * each metric's whole history (see TREND_POINTS).
   */
  history: Record<string, HistoryPoint[]>;
  /** The brief's projections, computed. */
  projections: Projection[];
  /** What the derived metrics and projections of this edition could not compute, and the projections' audit (docs/content.md). */
  problems: Problem[];
}

/**
 * How many of a metric's latest points an edition carries: what its email's
 * history bars draw. Only the last edition carries whole histories (the
 * archive's metric pages chart them); a whole history in every edition would
 * grow with the square of the archive (1.8 GB at 5,200 editions).
 */
export const TREND_POINTS = 8;

/** One observation as reported by one edition. */
export interface Observation {
  date: string;
  number: number;
  metric: BriefMetric;
  /** The written period, or a point at the edition's date. */
  period: Period;
}

export interface Comparison {
  status: EditionMetric['status'];
  previous: Observation | null;
  delta: MetricDelta | null;
}

/**
 * One result per brief, in the order given. Briefs must be sorted oldest
 * first (the loader does this): "earlier" means earlier in that order, and
 * edition numbers are positions in it. A draft (only the preview passes
 * drafts) is compared with the editions before it but is invisible to the
 * editions after it, so the preview shows the same comparisons as the build.
 */
export function computeEditionMetrics(registry: MetricDef[], briefs: BriefMetrics[]): EditionMetrics[] {
  // Derived observations join each brief's own first, so they are compared and charted like any other.
  const derivation = deriveObservations(registry, briefs);
  const compared = compareObservations(registry, derivation.briefs);
  const projected = applyProjections(registry, derivation.briefs, compared.map((c) => c.metrics));
  return compared.map((c, i) => ({ ...c, projections: projected[i]!.projections, problems: [...derivation.problems[i]!, ...projected[i]!.problems] }));
}

function compareObservations(registry: MetricDef[], briefs: BriefMetrics[]): Pick<EditionMetrics, 'metrics' | 'history'>[] {
  const earlier = new Map<string, Earlier>();
  const points = new Map<string, History>();
  let previousEdition = new Map<string, Observation>();
  let published = 0;

  const lastIndex = briefs.length - 1;
  return briefs.map((brief, index) => {
    const kept = (list: HistoryPoint[]): HistoryPoint[] => (index === lastIndex ? list : list.slice(-TREND_POINTS));
    const number = brief.draft ? published + 1 : ++published;
    const written = firstByKey(brief.metrics);
    const metrics: EditionMetric[] = [];
    const reportedNow = new Map<string, Observation>();
    const history: Record<string, HistoryPoint[]> = {};
    for (const def of registry) {
      const m = written.get(def.key);
      if (m) {
        const obs: Observation = { date: brief.date, number, metric: m, period: m.period ?? pointAt(brief.date) };
        metrics.push(reportedRow(def, obs, compare(def, obs, earlier.get(def.key) ?? new Earlier())));
        reportedNow.set(def.key, obs);
        const running = points.get(def.key) ?? new History();
        // A draft's point is shown with the draft only: later editions never see it, so it goes into a copy.
        // A published one goes into the running history itself: earlier editions kept copies of their window.
        const list = brief.draft ? running.copy().add(obs) : running.add(obs);
        if (!brief.draft) {
          points.set(def.key, running);
          const before = earlier.get(def.key) ?? new Earlier();
          before.add(obs);
          earlier.set(def.key, before);
        }
        history[def.key] = kept(list.points);
      } else {
        const last = previousEdition.get(def.key);
        if (last) metrics.push(notReportedRow(def, last));
        const list = points.get(def.key);
        if (list) history[def.key] = kept(list.points);
      }
    }
    if (!brief.draft) previousEdition = reportedNow;
    return { metrics, history };
  });
}

/**
 * One metric's earlier observations (published editions, oldest first),
 * indexed for what a comparison asks: those of one period and basis, and the
 * latest by period end for a basis. A scan of every earlier observation per
 * row made the compute stage quadratic in the archive (5,200 editions took
 * minutes).
 */
export class Earlier {
  private readonly byPeriod = new Map<string, Observation[]>();
  private readonly latestByEnd = new Map<string, Observation>();
  /** The latest observation of a basis and period length, by where the period starts and where it ends. */
  private readonly byStart = new Map<string, Observation>();
  private readonly byEnd = new Map<string, Observation>();

  private static slot(basis: string, period: Period): string {
    return `${basis}|${period.start}|${period.end}`;
  }

  add(o: Observation): void {
    const slot = Earlier.slot(o.metric.basis, o.period);
    const list = this.byPeriod.get(slot);
    if (list) list.push(o);
    else this.byPeriod.set(slot, [o]);
    const like = `${o.metric.basis}|${lengthKey(o.period)}`;
    this.byStart.set(`${like}|${o.period.start}`, o);
    this.byEnd.set(`${like}|${o.period.end}`, o);
    const reference = this.latestByEnd.get(o.metric.basis);
    // Later period end wins; on a tie the later edition (observations arrive in edition order).
    if (!reference || o.period.end >= reference.period.end) this.latestByEnd.set(o.metric.basis, o);
  }

  /** Observations of this basis and period (same start and end), oldest first. */
  samePeriod(basis: string, period: Period): readonly Observation[] {
    return this.byPeriod.get(Earlier.slot(basis, period)) ?? [];
  }

  latest(basis: string): Observation | undefined {
    return this.latestByEnd.get(basis);
  }

  /** The latest value of this basis for the period as long as `like` that starts on `start`. */
  startingOn(basis: string, like: Period, start: string): Observation | undefined {
    return this.byStart.get(`${basis}|${lengthKey(like)}|${start}`);
  }

  /** The latest value of this basis for the period as long as `like` that ends on `end`. */
  endingOn(basis: string, like: Period, end: string): Observation | undefined {
    return this.byEnd.get(`${basis}|${lengthKey(like)}|${end}`);
  }
}


/** The comparison of one observation with the metric's earlier observations. */
export function compare(def: MetricDef, obs: Observation, earlier: Earlier): Comparison {
  const basis = obs.metric.basis;
  const same = earlier.samePeriod(basis, obs.period);
  const latestSame = same.at(-1);
  if (latestSame) {
    if (equalValues(latestSame, obs)) {
      // Back to the edition that first reported this value (after any revision to it).
      let first = same.length - 1;
      while (first > 0 && equalValues(same[first - 1]!, obs)) first--;
      return { status: 'no-new-data', previous: same[first]!, delta: null };
    }
    // A revision restates a figure; it is not news about the business, so it carries no sentiment.
    return { status: 'revised', previous: latestSame, delta: { ...metricDelta(def, obs.metric.value, latestSame.metric.value), sentiment: 'neutral' } };
  }
  if (basis === 'actual') {
    const forecast = earlier.samePeriod('forecast', obs.period).at(-1);
    if (forecast) return { status: 'vs-forecast', previous: forecast, delta: metricDelta(def, obs.metric.value, forecast.metric.value) };
  }
  const reference = earlier.latest(basis);
  if (!reference) return { status: 'new', previous: null, delta: null };
  const notComparable: Comparison = { status: 'not-comparable', previous: reference, delta: null };
  const p = obs.period;
  if (def.measure === 'flow' && PERIODIC_LENGTHS.has(p.length)) {
    const yearEarlier = earlier.startingOn(basis, p, yearEarlierStart(p));
    if (yearEarlier) return change(def, obs, yearEarlier, 'year-on-year');
    const before = earlier.endingOn(basis, p, periodBefore(p).end);
    return before ? change(def, obs, before, 'previous-period') : notComparable;
  }
  if (def.measure === 'flow' && lengthKey(reference.period) !== lengthKey(p)) return notComparable;
  // A reference that ends inside the period just before (or later) is the previous one; an older one is "since" it.
  return change(def, obs, reference, reference.period.end >= periodBefore(p).start ? 'previous-period' : 'since');
}

function change(def: MetricDef, obs: Observation, reference: Observation, kind: ComparisonKind): Comparison {
  const delta = metricDelta(def, obs.metric.value, reference.metric.value, kind);
  return { status: delta.direction === 'flat' ? 'unchanged' : 'changed', previous: reference, delta };
}

function equalValues(a: Observation, b: Observation): boolean {
  return parseDecimal(a.metric.value).eq(parseDecimal(b.metric.value));
}

/** Identity of an observation in the history: its period and basis (a point: its edition date). */
function pointKey(o: Pick<HistoryPoint, 'period' | 'basis' | 'date'>): string {
  return o.period ? `${o.period.start}/${o.period.end}/${o.basis}` : `@${o.date}/${o.basis}`;
}

/**
 * One metric's history points in `at` order, with an index by identity so
 * that finding a point to revise does not scan the list.
 */
class History {
  constructor(
    readonly points: HistoryPoint[] = [],
    private readonly index = new Map<string, HistoryPoint>(points.map((p) => [pointKey(p), p])),
  ) {}

  copy(): History {
    return new History([...this.points], new Map(this.index));
  }

  /**
   * Puts the observation in (in place): a new point in `at` order, a revised
   * value for an existing one, or nothing new. A point is replaced, never
   * changed, because an earlier edition's window may hold it.
   */
  add(obs: Observation): this {
    const m = obs.metric;
    const candidate: HistoryPoint = {
      date: obs.date,
      number: obs.number,
      value: Number(m.value),
      valueText: m.value,
      period: m.period ?? null,
      basis: m.basis,
      at: obs.period.end,
      revised: [],
    };
    const key = pointKey(candidate);
    const old = this.index.get(key);
    const list = this.points;
    if (!old) {
      // Usually the newest point: find its place from the end.
      let at = list.length;
      while (at > 0 && (list[at - 1]!.at.localeCompare(candidate.at) || list[at - 1]!.date.localeCompare(candidate.date)) > 0) at--;
      list.splice(at, 0, candidate);
      this.index.set(key, candidate);
      return this;
    }
    if (parseDecimal(old.valueText).eq(parseDecimal(m.value))) return this;
    const revised = { ...old, value: candidate.value, valueText: m.value, period: candidate.period, revised: [...old.revised, { date: obs.date, number: obs.number }] };
    list[list.lastIndexOf(old)] = revised;
    this.index.set(key, revised);
    return this;
  }
}

/** The loader rejects duplicate keys; should one slip through, the first written wins. */
function firstByKey(metrics: readonly BriefMetric[]): Map<string, BriefMetric> {
  const byKey = new Map<string, BriefMetric>();
  for (const m of metrics) if (!byKey.has(m.key)) byKey.set(m.key, m);
  return byKey;
}

type RowFields = Pick<EditionMetric, 'value' | 'valueText' | 'period' | 'basis' | 'source' | 'note' | 'previous' | 'delta' | 'status'>;

/**
 * A row: the registry definition it carries (its `source` replaced by the
 * value's own) and its fields, written out one by one, the optional ones
 * added last, so that rows share a handful of shapes. Spreading the
 * definitions (built from metrics.yml, each with its own optional fields)
 * gave every row a hidden class of its own: 40 MB of V8's shape data at
 * 5,200 editions, and three times the compute time.
 */
function row(def: MetricDef, f: RowFields): EditionMetric {
  const r: EditionMetric = {
    key: def.key,
    label: def.label,
    kind: def.kind,
    unit: def.unit,
    decimals: def.decimals,
    better: def.better,
    measure: def.measure,
    value: f.value,
    valueText: f.valueText,
    period: f.period,
    basis: f.basis,
    source: f.source,
    note: f.note,
    previous: f.previous,
    delta: f.delta,
    status: f.status,
  };
  if (def.group !== undefined) r.group = def.group;
  if (def.fiscalYearEnd !== undefined) r.fiscalYearEnd = def.fiscalYearEnd;
  return r;
}

const previousOfObservation = new WeakMap<Observation, PreviousObservation>();

/**
 * An observation as a later row's `previous`. One object per observation,
 * shared by every row that compares with it (a metric not reported for a
 * year points back to the same one fifty times); rows are never changed
 * once computed.
 */
export function previousOf(o: Observation): PreviousObservation {
  let previous = previousOfObservation.get(o);
  if (!previous) previousOfObservation.set(o, (previous = { date: o.date, value: Number(o.metric.value), valueText: o.metric.value, period: o.metric.period ?? null, basis: o.metric.basis }));
  return previous;
}

function reportedRow(def: MetricDef, obs: Observation, c: Comparison): EditionMetric {
  const m = obs.metric;
  const r = row(def, {
    value: Number(m.value),
    valueText: m.value,
    period: m.period ?? null,
    basis: m.basis,
    source: m.source ?? def.source ?? null,
    note: m.note ?? null,
    previous: c.previous ? previousOf(c.previous) : null,
    delta: c.delta,
    status: c.status,
  });
  if (m.derived !== undefined) {
    r.derived = m.derived;
    r.inputs = m.inputs ?? [];
  }
  return r;
}

function notReportedRow(def: MetricDef, last: Observation): EditionMetric {
  return row(def, {
    value: null,
    valueText: null,
    period: null,
    basis: null,
    // Nothing was reported, so there is nothing to attribute or annotate.
    source: null,
    note: null,
    previous: previousOf(last),
    delta: null,
    status: 'not-reported',
  });
}
