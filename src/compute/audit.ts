/**
 * The numbers audit: what a careful editor checks before an edition goes
 * out, as problems with file and line. Pure: content in, problems out, so
 * `briefwire check`, the build, the preview and `send` all run the same one.
 *
 * Errors: a scaffold placeholder ("TODO") left in a brief that is no draft;
 * shares of one metrics.yml group for one period and basis adding up to
 * more than 100% (beyond rounding). Warnings: a like-for-like move of 10x or
 * more (or to a tenth or less), an observation without a source, and a
 * period older than one already reported (same basis) without a note.
 * The derived metrics' and projections' findings come with the computed
 * metrics: a derived metric with no value (an input missing, inputs of
 * different periods, a zero divisor), a projection from an older actual and
 * one whose `reaches` lies behind its base are warnings; a projection without a base, with a horizon that does not
 * fit it, or of a share or rate past 100 without a cap is an error.
 */
import Big from 'big.js';
import type { Brief, BriefMetric, Content, EditionMetric, MetricDef } from '../model.js';
import { error, sortProblems, warning, type Problem } from '../problems.js';
import { AuditFlowNoPeriod, AuditNoSource, AuditPeriodBackwards, AuditPlaceholder, AuditSharesOver100, AuditSlip, AuditSubjectDelta } from '../problem-catalogue.js';
import { pointAt, type Period } from '../content/period.js';
import { computeEditionMetrics, type EditionMetrics } from './edition-metrics.js';
import { decimalPlaces, parseDecimal } from './decimal.js';

/** A change this many times larger (or smaller) than its reference is more often a slip than news. */
export const SLIP_FACTOR = 10;

/** Statuses that compare like with like, so a 10x move between them means something. */
const LIKE_FOR_LIKE = new Set<EditionMetric['status']>(['changed', 'unchanged', 'revised', 'vs-forecast']);

/** `results`: computeEditionMetrics of the same content, when the caller has it already (the build shares it with computeEditions). */
export function auditContent(content: Pick<Content, 'metrics' | 'briefs'>, results: readonly EditionMetrics[] = computeEditionMetrics(content.metrics, content.briefs)): Problem[] {
  const problems: Problem[] = [];
  const byKey = new Map(content.metrics.map((d) => [d.key, d]));
  // Earlier published observations, for sums and for periods going backwards.
  const seen = new Published(content.metrics);
  content.briefs.forEach((brief, i) => {
    if (!brief.draft) problems.push(...placeholderProblems(brief));
    // Derived metrics without a value, and the projections' findings (compute/derived.ts, compute/projections.ts).
    problems.push(...results[i]!.problems);
    const rows = new Map(results[i]!.metrics.map((m) => [m.key, m]));
    const here = brief.metrics.map((metric) => ({ brief, metric, period: metric.period ?? pointAt(brief.date) }));
    for (const o of here) {
      const def = byKey.get(o.metric.key);
      const row = rows.get(o.metric.key);
      if (!def || !row) continue;
      const at = position(o.metric);
      if (row.source === null) problems.push(warning(brief.file, AuditNoSource, [def.key], at));
      if (def.measure === 'flow' && !o.metric.period) problems.push(warning(brief.file, AuditFlowNoPeriod, [def.key, o.metric.value], at));
      const slip = slipProblem(def, row, brief.file, at);
      if (slip) problems.push(slip);
      const later = seen.laterThan(o);
      if (later && o.metric.period && o.metric.note === undefined) {
        problems.push(warning(brief.file, AuditPeriodBackwards, [def.key, o.period.label, later.period.label, later.brief.date], at));
      }
    }
    problems.push(...shareSumProblems(seen, brief, here), ...subjectDeltaProblems(brief, rows));
    if (!brief.draft) for (const o of here) seen.add(o);
  });
  return sortProblems(problems);
}

interface Seen {
  brief: Brief;
  metric: BriefMetric;
  period: Period;
}

/**
 * Observations of published briefs, indexed by what the audit asks of them
 * (scanning them all for every observation made the audit quadratic in the
 * archive): by metric and basis, and each share group's latest values by
 * period and basis.
 */
class Published {
  private readonly byMetric = new Map<string, { list: Seen[]; maxEnd: string }>();
  private readonly slots = new Map<string, Map<string, string>>();
  /** Share metrics that belong to a group, by key. */
  readonly shares: Map<string, MetricDef>;

  constructor(registry: readonly MetricDef[]) {
    this.shares = new Map(registry.filter((d) => d.kind === 'share' && d.group !== undefined).map((d) => [d.key, d]));
  }

  /** The share group's slot an observation of this group, period and basis falls in. */
  static slot(group: string | undefined, o: Pick<Seen, 'metric' | 'period'>): string {
    return `${group}|${o.period.start}|${o.period.end}|${o.metric.basis}`;
  }

  add(o: Seen): void {
    const k = `${o.metric.key}|${o.metric.basis}`;
    const entry = this.byMetric.get(k);
    if (!entry) this.byMetric.set(k, { list: [o], maxEnd: o.period.end });
    else {
      entry.list.push(o);
      if (o.period.end > entry.maxEnd) entry.maxEnd = o.period.end;
    }
    const def = this.shares.get(o.metric.key);
    if (!def) return;
    const slot = Published.slot(def.group, o);
    const values = this.slots.get(slot) ?? new Map<string, string>();
    values.set(o.metric.key, o.metric.value);
    this.slots.set(slot, values);
  }

  /** The latest published observation of this metric and basis for a later period, if any. */
  laterThan(o: Seen): Seen | undefined {
    const entry = this.byMetric.get(`${o.metric.key}|${o.metric.basis}`);
    if (!entry || entry.maxEnd <= o.period.end) return undefined;
    return entry.list.findLast((s) => s.period.end > o.period.end);
  }

  /** The latest published value of each share in the slot, by key. */
  slotValues(slot: string): ReadonlyMap<string, string> {
    return this.slots.get(slot) ?? new Map();
  }
}

function position(m: BriefMetric): { line?: number; column?: number } {
  return { ...(m.line !== undefined ? { line: m.line } : {}), ...(m.column !== undefined ? { column: m.column } : {}) };
}

/** `{{delta "key"}}` (either quote) in a subject template. */
const SUBJECT_DELTA = /\{\{~?\s*delta\s+(?:"([^"]*)"|'([^']*)')\s*~?\}\}/g;

/** A subject's {{delta}} of a figure that is not a change here: a reader would get "no comparable period (...)" in the inbox. */
function subjectDeltaProblems(brief: Brief, rows: ReadonlyMap<string, EditionMetric>): Problem[] {
  if (!brief.subject) return [];
  const at = brief.subjectLine !== undefined ? { line: brief.subjectLine } : {};
  return [...brief.subject.matchAll(SUBJECT_DELTA)].flatMap((m) => {
    const key = m[1] ?? m[2]!;
    const row = rows.get(key);
    // A metric the edition does not report is the renderer's error, with its own message.
    if (!row || row.status === 'not-reported' || row.status === 'changed' || row.status === 'unchanged') return [];
    return [warning(brief.file, AuditSubjectDelta, [key, row.status], at)];
  });
}

function placeholderProblems(brief: Brief): Problem[] {
  return brief.placeholders.map((at) => error(brief.file, AuditPlaceholder, [], at));
}

function slipProblem(def: MetricDef, row: EditionMetric, file: string, at: { line?: number; column?: number }): Problem | undefined {
  if (!LIKE_FOR_LIKE.has(row.status) || !row.previous || row.valueText === null) return undefined;
  const current = parseDecimal(row.valueText).abs();
  const reference = parseDecimal(row.previous.valueText).abs();
  if (current.eq(0) || reference.eq(0)) return undefined;
  const bigger = current.gte(reference.times(SLIP_FACTOR));
  const smaller = reference.gte(current.times(SLIP_FACTOR));
  if (!bigger && !smaller) return undefined;
  const how = bigger ? `${SLIP_FACTOR}x or more` : `a ${SLIP_FACTOR}th or less`;
  return warning(file, AuditSlip, [def.key, how, row.valueText, row.previous.valueText, row.previous.date], at);
}

/**
 * Shares of one group, period and basis, as known when this brief is
 * written (its own values, else the latest earlier ones), may not add up to
 * more than 100. Each value may be off by half a unit in its last written
 * digit, so the sum may exceed 100 by that much before it is an error.
 */
function shareSumProblems(seen: Published, brief: Brief, here: readonly Seen[]): Problem[] {
  const problems: Problem[] = [];
  const checked = new Set<string>();
  for (const o of here) {
    const def = seen.shares.get(o.metric.key);
    if (!def) continue;
    const slot = Published.slot(def.group, o);
    if (checked.has(slot)) continue;
    checked.add(slot);
    const values = new Map(seen.slotValues(slot));
    for (const h of here) if (Published.slot(seen.shares.get(h.metric.key)?.group, h) === slot && seen.shares.has(h.metric.key)) values.set(h.metric.key, h.metric.value);
    let sum = new Big(0);
    let slack = new Big(0);
    for (const v of values.values()) {
      sum = sum.plus(parseDecimal(v));
      slack = slack.plus(new Big(5).times(new Big(10).pow(-(decimalPlaces(v) + 1))));
    }
    if (sum.gt(slack.plus(100))) {
      const parts = [...values].map(([k, v]) => `${k} ${v}`).join(', ');
      problems.push(
        error(brief.file, AuditSharesOver100, [def.group ?? '', o.period.label, o.metric.basis, sum.toFixed(), parts], position(o.metric)),
      );
    }
  }
  return problems;
}
