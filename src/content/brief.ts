/**
 * Parses one Markdown brief (frontmatter + body) against the metric registry.
 * Pure: the loader does the I/O and the cross-file checks (duplicate dates).
 */
import matter from 'gray-matter';
import type { Basis, Brief, BriefMetric, MetricDef, Period } from '../model.js';
import { parsePeriod } from './period.js';
import { error, type Problem } from '../problems.js';
import { DecimalComma, BriefDateInvalid, BriefDateMismatch, BriefFileDate, BriefFileName, FrontmatterMissing, FrontmatterNotMapping, MetricCountNegative, DerivedWritten, MetricNotNumber, MetricShareRange, MetricUnitMismatch, MetricUnknown, PeriodBasisConflict, PeriodInvalid, PeriodLabelWithoutPeriod } from '../problem-catalogue.js';
import { parseYaml, type YamlSource } from './yaml-source.js';
import { briefMetricSchema, frontmatterSchema, observationSchema } from '../content-contract.js';
import { zodProblems } from './zod-problems.js';
import { nearest } from './suggest.js';
import { stripUndefined } from './newsletter-config.js';
import { ISO_DATE_PATTERN, isIsoDate, isoDateText } from '../util/iso-date.js';
import { ownStrings } from '../util/own-strings.js';
import { parseProjections } from './projection-spec.js';

export const BRIEF_FILE_NAME = new RegExp(String.raw`^(${ISO_DATE_PATTERN})(?:-([a-z0-9][a-z0-9-]*))?\.md$`);
const DECIMAL = /^[+-]?\d+(\.\d+)?$/;

/** Date and slug from a brief's file name, or a problem explaining the convention. */
export function briefNameParts(file: string, base: string): { date?: string; slug?: string; problem?: Problem } {
  const m = BRIEF_FILE_NAME.exec(base);
  if (!m) return { problem: error(file, BriefFileName, [base]) };
  const date = m[1]!;
  if (!isIsoDate(date)) return { problem: error(file, BriefFileDate, [date]) };
  return m[2] ? { date, slug: m[2] } : { date };
}

export interface BriefOptions {
  /** newsletter.yml's `fiscalYearEnd`, for metrics that set none of their own. */
  fiscalYearEnd?: string | undefined;
}

export function parseBrief(file: string, base: string, text: string, registry: readonly MetricDef[], options: BriefOptions = {}): { brief?: Brief; problems: Problem[] } {
  const problems: Problem[] = [];
  const name = briefNameParts(file, base);
  if (name.problem) problems.push(name.problem);

  if (!/^\uFEFF?---\r?\n/.test(text)) {
    return { problems: [...problems, error(file, FrontmatterMissing, [], { line: 1, column: 1 })] };
  }
  // gray-matter splits frontmatter from body; `yaml` parses it with positions.
  let yamlSource: YamlSource | undefined;
  const split = matter(text, {
    engines: {
      yaml: (s: string) => {
        // gray-matter hands over the text after the opening "---" including its newline, so lines already match the file.
        const parsed = parseYaml(file, s);
        yamlSource = parsed.source;
        problems.push(...parsed.problems);
        return {};
      },
    },
  });
  const source = yamlSource;
  if (!source || source.data === undefined) return { problems };
  if (source.data === null || typeof source.data !== 'object' || Array.isArray(source.data)) {
    return { problems: [...problems, error(file, FrontmatterNotMapping, [], { line: 2, column: 1 })] };
  }

  const fm = frontmatterSchema.safeParse(source.data);
  if (!fm.success) problems.push(...zodProblems(source, frontmatterSchema, fm.error.issues));
  const data = source.data as Record<string, unknown>;

  if (name.date && data['date'] !== undefined) {
    const written = isoDateText(data['date']);
    if (!isIsoDate(written)) {
      problems.push(error(file, BriefDateInvalid, [written], source.at(['date'])));
    } else if (written !== name.date) {
      problems.push(error(file, BriefDateMismatch, [written, name.date], source.at(['date'])));
    }
  }

  const metrics = parseMetrics(source, data['metrics'], registry, options, problems);
  const projections = parseProjections(source, data['projections'], registry, options.fiscalYearEnd, problems);

  if (!fm.success || !name.date || problems.some((p) => p.severity === 'error')) return { problems };
  const before = text.length - split.content.length;
  const bodyLine = text.slice(0, before).split('\n').length;
  const brief: Brief = stripUndefined({
    file,
    date: name.date,
    slug: name.slug,
    title: fm.data.title,
    draft: fm.data.draft === true ? true : undefined,
    subject: fm.data.subject,
    subjectLine: fm.data.subject !== undefined ? source.at(['subject']).line : undefined,
    preheader: fm.data.preheader,
    summary: fm.data.summary,
    metrics,
    body: split.content,
    bodyLine,
    placeholders: placeholderPositions(text),
    projections: projections.length > 0 ? projections : undefined,
  });
  // Kept for the whole build: its strings must not hold the file's text alive.
  return { brief: ownStrings(brief), problems };
}

function parseMetrics(source: YamlSource, raw: unknown, registry: readonly MetricDef[], options: BriefOptions, problems: Problem[]): BriefMetric[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) return [];
  const byKey = new Map(registry.map((d) => [d.key, d]));
  const out: BriefMetric[] = [];
  for (const [key, entry] of Object.entries(raw as Record<string, unknown>)) {
    const at = source.at(['metrics', key]);
    const def = byKey.get(key);
    if (!def) {
      problems.push(error(source.file, MetricUnknown, [key, nearest(key, byKey.keys())], at));
      continue;
    }
    if (def.derived !== undefined) {
      problems.push(error(source.file, DerivedWritten, [key, def.derived], at));
      continue;
    }
    // The long form is checked on its own so a bad field is named, not reported as "invalid input" of the union.
    const schema = entry !== null && typeof entry === 'object' ? observationSchema : briefMetricSchema;
    const parsed = schema.safeParse(entry);
    if (!parsed.success) {
      problems.push(...zodProblems(source, schema, parsed.error.issues, ['metrics', key]));
      continue;
    }
    const long = typeof parsed.data === 'object' ? parsed.data : undefined;
    const valuePath = long ? ['metrics', key, 'value'] : ['metrics', key];
    const value = decimalText(source.rawScalar(valuePath), long ? long.value : parsed.data);
    if (value === undefined) {
      const written = source.rawScalar(valuePath);
      const shown = JSON.stringify(long ? long.value : parsed.data);
      if (written !== undefined && /^[-+]?\d+,\d+$/.test(written)) problems.push(error(source.file, DecimalComma, [written, written.replace(',', '.')], source.at(valuePath)));
      else problems.push(error(source.file, MetricNotNumber, [key, shown, def.unit], source.at(valuePath)));
      continue;
    }
    const n = Number(value);
    if (def.kind === 'share' && (n < 0 || n > 100)) {
      problems.push(error(source.file, MetricShareRange, [key, value], source.at(valuePath)));
      continue;
    }
    if (def.kind === 'count' && n < 0) {
      problems.push(error(source.file, MetricCountNegative, [key, value], source.at(valuePath)));
      continue;
    }
    if (long?.unit !== undefined && long.unit !== def.unit) {
      problems.push(error(source.file, MetricUnitMismatch, [key, long.unit, def.unit], source.at(['metrics', key, 'unit'])));
      continue;
    }
    const observed = observation(source, key, long, def.fiscalYearEnd ?? options.fiscalYearEnd, problems);
    if (!observed) continue;
    out.push(stripUndefined({ key, value, ...observed, source: long?.source, note: long?.note, unit: long?.unit, line: at.line, column: at.column }));
  }
  return out;
}

/** Period and basis of one observation; a problem (with the grammar and a suggestion) when they do not parse or disagree. */
function observation(
  source: YamlSource,
  key: string,
  long: { period?: string | undefined; basis?: Basis | undefined; label?: string | undefined } | undefined,
  fiscalYearEnd: string | undefined,
  problems: Problem[],
): { period?: Period; periodText?: string; basis: Basis } | undefined {
  if (long?.period === undefined) {
    if (long?.label !== undefined) {
      problems.push(error(source.file, PeriodLabelWithoutPeriod, [key], source.at(['metrics', key, 'label'])));
      return undefined;
    }
    return { basis: long?.basis ?? 'actual' };
  }
  const at = source.at(['metrics', key, 'period']);
  const parsed = parsePeriod(long.period, fiscalYearEnd);
  if (!parsed.parsed) {
    problems.push(error(source.file, PeriodInvalid, [key, parsed.error!, parsed.suggestion], at));
    return undefined;
  }
  if (parsed.parsed.estimate && long.basis === 'actual') {
    problems.push(error(source.file, PeriodBasisConflict, [key, long.period], source.at(['metrics', key, 'basis'])));
    return undefined;
  }
  const basis: Basis = long.basis ?? (parsed.parsed.estimate ? 'forecast' : 'actual');
  const period = long.label !== undefined ? { ...parsed.parsed.period, label: long.label } : parsed.parsed.period;
  return { period, periodText: long.period.trim().replace(/\s+/g, ' '), basis };
}

/** Where a scaffold placeholder ("TODO") is left in the file, 1-based. */
function placeholderPositions(text: string): { line: number; column: number }[] {
  const out: { line: number; column: number }[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/\bTODO\b/g)) out.push({ line: i + 1, column: (m.index ?? 0) + 1 });
  });
  return out;
}

/** The decimal text as written ("38.10" stays "38.10"), or undefined when it is not a plain number. */
function decimalText(raw: string | undefined, parsed: unknown): string | undefined {
  const text = raw?.trim().replace(/^["']|["']$/g, '');
  if (text !== undefined && DECIMAL.test(text)) return text.replace(/^\+/, '');
  if (typeof parsed === 'number' && Number.isFinite(parsed)) return String(parsed);
  return undefined;
}
