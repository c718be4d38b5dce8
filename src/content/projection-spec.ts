/**
 * A brief's `projections:` frontmatter, validated: each entry keyed by a
 * metric of the registry, its figures fitting its method, its periods in the
 * grammar. What depends on the data (the base, whether `to` fits it) is
 * checked when the projection is computed.
 */
import type { BriefProjection, MetricDef, Period, ScenarioSpec } from '../model.js';
import { error, type Problem } from '../problems.js';
import { ProjectionPeriodInvalid, ProjectionScenarios, ProjectionUnknownMetric } from '../problem-catalogue.js';
import { projectionSpecSchema } from '../content-contract.js';
import { parsePeriod } from './period.js';
import { nearest } from './suggest.js';
import { zodProblems } from './zod-problems.js';
import type { YamlSource } from './yaml-source.js';

/** The scenario later actuals are set against when there are several. */
export const BASE_SCENARIO = 'base';

export function parseProjections(source: YamlSource, raw: unknown, registry: readonly MetricDef[], fiscalYearEnd: string | undefined, problems: Problem[]): BriefProjection[] {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const byKey = new Map(registry.map((d) => [d.key, d]));
  const out: BriefProjection[] = [];
  for (const [key, entry] of Object.entries(raw as Record<string, unknown>)) {
    const at = source.keyAt(['projections', key]);
    const def = byKey.get(key);
    if (!def) {
      problems.push(error(source.file, ProjectionUnknownMetric, [key, nearest(key, byKey.keys())], at));
      continue;
    }
    const parsed = projectionSpecSchema.safeParse(entry);
    if (!parsed.success) {
      problems.push(...zodProblems(source, projectionSpecSchema, parsed.error.issues, ['projections', key]));
      continue;
    }
    const spec = parsed.data;
    const scenarios = scenariosOf(source, key, spec, problems);
    const fye = def.fiscalYearEnd ?? fiscalYearEnd;
    const to = periodAt(source, key, ['to'], spec.to, fye, problems);
    const base = spec.base ? periodAt(source, key, ['base', 'period'], spec.base.period, fye, problems) : undefined;
    if (!scenarios || !to || (spec.base && !base)) continue;
    const toAt = source.at(['projections', key, 'to']);
    const projection: BriefProjection = { key, method: spec.method, scenarios, to, assumption: spec.assumption, line: at.line, column: at.column, toLine: toAt.line, toColumn: toAt.column };
    if (spec.cap !== undefined) projection.cap = String(spec.cap);
    if (spec.reaches !== undefined) projection.reaches = String(spec.reaches);
    if (base) projection.basePeriod = base;
    if (fye !== undefined) projection.fiscalYearEnd = fye;
    out.push(projection);
  }
  return out;
}

type Spec = ReturnType<typeof projectionSpecSchema.parse>;

/** One scenario per name of `rate` (linear, growth) or `value` (target); a bare number is the scenario "base". */
function scenariosOf(source: YamlSource, key: string, spec: Spec, problems: Problem[]): ScenarioSpec[] | undefined {
  const field = spec.method === 'target' ? 'value' : 'rate';
  const other = field === 'value' ? 'rate' : 'value';
  const fail = (detail: string, path: string[]) => {
    problems.push(error(source.file, ProjectionScenarios, [key, detail], source.at(['projections', key, ...path])));
    return undefined;
  };
  if (spec[other] !== undefined) return fail(`method "${spec.method}" takes "${field}", not "${other}"`, [other]);
  const given = spec[field];
  if (given === undefined) return fail(`method "${spec.method}" needs "${field}"`, []);
  const named = typeof given === 'number' ? { [BASE_SCENARIO]: given } : given;
  const names = Object.keys(named);
  if (names.length > 1 && !names.includes(BASE_SCENARIO)) return fail(`several scenarios need one named "${BASE_SCENARIO}" (later actuals are set against it); got ${names.join(', ')}`, [field]);
  return names.map((name) => ({ name, [field]: String(named[name]) }));
}

function periodAt(source: YamlSource, key: string, path: string[], text: string, fye: string | undefined, problems: Problem[]): Period | undefined {
  const parsed = parsePeriod(text, fye);
  if (parsed.parsed && !parsed.parsed.estimate) return parsed.parsed.period;
  const detail = parsed.parsed ? `"${path.join('.')}" takes a plain period: write ${text.trim().replace(/\s*E$/, '')}, not ${text} (the E marks a source's forecast; a projection is our own)` : `"${path.join('.')}": ${parsed.error!}`;
  problems.push(error(source.file, ProjectionPeriodInvalid, [key, detail], source.at(['projections', key, ...path])));
  return undefined;
}
