/**
 * The pipeline's audit and compute stages, run again after a change without
 * redoing what the change cannot reach. Given the content and the previous
 * run's result (the preview's last update), it:
 *
 * - keeps every brief's rows when no brief's numbers changed (a title, the
 *   prose, a summary): the rows and the audit are functions of the registry
 *   and each brief's file, date, draft flag, metrics, placeholders and projections only
 *   (test/publish/cached-steps.test.ts and test/pipeline/compute-step.test.ts
 *   hold them to that);
 * - otherwise computes the rows again, but keeps the earlier briefs' rows as
 *   the previous run's objects: a brief's rows read only the briefs before
 *   it, so those before the first changed brief cannot have changed (except
 *   the last edition's, which carry whole histories);
 * - keeps each edition object whose fields are all the previous run's, so
 *   what to re-render is decided by comparing only the editions that are new.
 *
 * Pure. With no previous run it is the plain audit and compute the build does.
 */
import type { Brief, Content, Edition, MetricDef } from '../model.js';
import type { Problem } from '../problems.js';
import { auditContent } from '../compute/audit.js';
import { computeEditionMetrics, type EditionMetrics } from '../compute/edition-metrics.js';
import { computeEditions } from '../compute/editions.js';

export interface ComputeRun {
  registry: readonly MetricDef[];
  briefs: readonly Brief[];
  /** numbersKey of each brief, in order. */
  keys: readonly string[];
  metrics: readonly EditionMetrics[];
  editions: readonly Edition[];
  /** The numbers audit's problems. */
  audit: readonly Problem[];
}

/** The audit as the caller runs it: the build puts its persistent cache in front (publish/cached-steps.ts). */
export type AuditFn = (content: Pick<Content, 'metrics' | 'briefs'>, metrics: readonly EditionMetrics[]) => Problem[] | Promise<Problem[]>;

const keyOf = new WeakMap<Brief, string>();

/** What the rows and the audit read of a brief; parsed briefs are never changed, so it is worked out once per brief. */
export function numbersKey(brief: Brief): string {
  let key = keyOf.get(brief);
  if (key === undefined) keyOf.set(brief, (key = JSON.stringify([brief.file, brief.date, brief.draft ?? false, brief.metrics, brief.placeholders, brief.projections ?? []])));
  return key;
}

/** Index of the first brief whose numbers differ from the previous run's (the length of the shorter list when one is a prefix). */
function firstChange(previous: ComputeRun | undefined, registry: readonly MetricDef[], keys: readonly string[]): number {
  if (!previous || (previous.registry !== registry && JSON.stringify(previous.registry) !== JSON.stringify(registry))) return 0;
  const n = Math.min(keys.length, previous.keys.length);
  let i = 0;
  while (i < n && keys[i] === previous.keys[i]) i++;
  return i;
}

/** Rows of every brief: the previous run's where they cannot differ, else computed. */
function rowsFor(content: Pick<Content, 'metrics' | 'briefs'>, previous: ComputeRun | undefined, first: number): readonly EditionMetrics[] {
  const count = content.briefs.length;
  if (previous && first === count && first === previous.keys.length) return previous.metrics;
  const fresh = computeEditionMetrics(content.metrics, content.briefs);
  if (!previous) return fresh;
  // The last edition of either run carries whole histories, so its rows are never taken over.
  const keep = Math.min(first, count - 1, previous.keys.length - 1);
  for (let i = 0; i < keep; i++) fresh[i] = previous.metrics[i]!;
  return fresh;
}

function sameFields(a: Edition, b: Edition): boolean {
  const keys = Object.keys(a) as (keyof Edition)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** The editions, each the previous run's object when nothing in it changed. */
function editionsFor(content: Pick<Content, 'metrics' | 'briefs'>, metrics: readonly EditionMetrics[], previous: ComputeRun | undefined): Edition[] {
  const editions = computeEditions(content, metrics);
  if (!previous) return editions;
  const before = new Map(previous.editions.map((e) => [e.date, e]));
  return editions.map((e) => {
    const old = before.get(e.date);
    return old && sameFields(old, e) ? old : e;
  });
}

export async function computeStep(content: Pick<Content, 'metrics' | 'briefs'>, previous?: ComputeRun, audit: AuditFn = auditContent): Promise<ComputeRun> {
  const keys = content.briefs.map(numbersKey);
  const first = firstChange(previous, content.metrics, keys);
  const metrics = rowsFor(content, previous, first);
  const unchanged = previous !== undefined && metrics === previous.metrics;
  return {
    registry: content.metrics,
    briefs: content.briefs,
    keys,
    metrics,
    editions: editionsFor(content, metrics, previous),
    audit: unchanged ? previous.audit : await audit(content, metrics),
  };
}
