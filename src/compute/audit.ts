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
 */
import Big from 'big.js';
import type { Brief, BriefMetric, Content, EditionMetric, MetricDef } from '../model.js';
import { error, sortProblems, warning, type Problem } from '../problems.js';
import { AuditNoSource, AuditPeriodBackwards, AuditPlaceholder, AuditSharesOver100, AuditSlip } from '../problem-catalogue.js';
import { pointAt, type Period } from '../content/period.js';
import { computeEditionMetrics } from './edition-metrics.js';
import { decimalPlaces, parseDecimal } from './decimal.js';

/** A change this many times larger (or smaller) than its reference is more often a slip than news. */
export const SLIP_FACTOR = 10;

/** Statuses that compare like with like, so a 10x move between them means something. */
const LIKE_FOR_LIKE = new Set<EditionMetric['status']>(['changed', 'unchanged', 'revised', 'vs-forecast']);

export function auditContent(content: Pick<Content, 'metrics' | 'briefs'>): Problem[] {
  const problems: Problem[] = [];
  const byKey = new Map(content.metrics.map((d) => [d.key, d]));
  const results = computeEditionMetrics(content.metrics, content.briefs);
  // Earlier published observations, for sums and for periods going backwards.
  const seen: { brief: Brief; metric: BriefMetric; period: Period }[] = [];
  content.briefs.forEach((brief, i) => {
    if (!brief.draft) problems.push(...placeholderProblems(brief));
    const rows = new Map(results[i]!.metrics.map((m) => [m.key, m]));
    const here = brief.metrics.map((metric) => ({ brief, metric, period: metric.period ?? pointAt(brief.date) }));
    for (const o of here) {
      const def = byKey.get(o.metric.key);
      const row = rows.get(o.metric.key);
      if (!def || !row) continue;
      const at = position(o.metric);
      if (row.source === null) problems.push(warning(brief.file, AuditNoSource, [def.key], at));
      const slip = slipProblem(def, row, brief.file, at);
      if (slip) problems.push(slip);
      const later = seen.filter((s) => s.metric.key === def.key && s.metric.basis === o.metric.basis && s.period.end > o.period.end).at(-1);
      if (later && o.metric.period && o.metric.note === undefined) {
        problems.push(warning(brief.file, AuditPeriodBackwards, [def.key, o.period.label, later.period.label, later.brief.date], at));
      }
    }
    problems.push(...shareSumProblems(content.metrics, brief, here, seen));
    if (!brief.draft) seen.push(...here);
  });
  return sortProblems(problems);
}

function position(m: BriefMetric): { line?: number; column?: number } {
  return { ...(m.line !== undefined ? { line: m.line } : {}), ...(m.column !== undefined ? { column: m.column } : {}) };
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
function shareSumProblems(
  registry: readonly MetricDef[],
  brief: Brief,
  here: readonly { metric: BriefMetric; period: Period }[],
  seen: readonly { metric: BriefMetric; period: Period }[],
): Problem[] {
  const problems: Problem[] = [];
  const shares = new Map(registry.filter((d) => d.kind === 'share' && d.group !== undefined).map((d) => [d.key, d]));
  const checked = new Set<string>();
  for (const o of here) {
    const def = shares.get(o.metric.key);
    if (!def) continue;
    const slot = `${def.group}|${o.period.start}|${o.period.end}|${o.metric.basis}`;
    if (checked.has(slot)) continue;
    checked.add(slot);
    const same = (x: { metric: BriefMetric; period: Period }) =>
      shares.get(x.metric.key)?.group === def.group && x.metric.basis === o.metric.basis && x.period.start === o.period.start && x.period.end === o.period.end;
    const values = new Map<string, string>();
    for (const s of seen) if (same(s)) values.set(s.metric.key, s.metric.value);
    for (const h of here) if (same(h)) values.set(h.metric.key, h.metric.value);
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
