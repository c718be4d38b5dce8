/**
 * The content model: the types every stage agrees on. Loaded, validated
 * content comes in as `Content`; the compute stage turns it into `Edition`s,
 * which render and publish consume. These are plain data (JSON-safe) so they
 * can be written to edition.json and reused by the preview server and sender.
 *
 * What the content files hold is inferred from their zod schemas
 * (content-contract.ts), and so is what a comparison computes
 * (comparison-contract.ts, which edition.json's schema is built from); what
 * the loader and compute stage add beside them is declared here.
 */
import type { z } from 'zod';
import type { basisSchema, figureBasisSchema, frontmatterSchema, metricDefSchema, newsletterSchema, observationSchema, periodSchema, PROJECTION_METHODS, scheduleSchema } from './content-contract.js';
import type { comparisonKindSchema, derivedInputSchema, directionSchema, metricComparisonSchema, metricDeltaSchema, metricStatusSchema, previousObservationSchema, sentimentSchema } from './comparison-contract.js';
import type { projectionPointSchema, projectionScenarioSchema, projectionSchema } from './projection-contract.js';

/** A parsed period: label, ISO start and end (inclusive), length. The same shape edition.json writes. */
export type Period = z.output<typeof periodSchema>;
export type PeriodLength = Period['length'];

type MetricDefEntry = z.output<typeof metricDefSchema>;
type Observation = z.output<typeof observationSchema>;
type Frontmatter = z.output<typeof frontmatterSchema>;

export type MetricKind = MetricDefEntry['kind'];
export type Better = MetricDefEntry['better'];
/**
 * What a figure measures, which decides what it can be compared with: a flow
 * is an amount over a period (revenue, market size), so a quarter is not
 * comparable with a year; a stock is a level at a point (downloads to date, a
 * price); a ratio (share, rate, growth) compares across period lengths.
 */
export type Measure = NonNullable<MetricDefEntry['measure']>;
/** An actual (reported) figure, or a forecast (estimate, projection, guidance). */
export type Basis = z.output<typeof basisSchema>;
/** What a figure shown to readers is: actual, sourced forecast, or the newsletter's own projection. */
export type FigureBasis = z.output<typeof figureBasisSchema>;

/**
 * A derived metric's formula, parsed (content/derived-expression.ts): numbers
 * as decimal text, metric keys, and the four operations.
 */
export type Formula =
  | { kind: 'number'; text: string }
  | { kind: 'metric'; key: string }
  | { kind: 'negate'; operand: Formula }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Formula; right: Formula };

/** One input of a derived value: the observation it was computed from (comparison-contract.ts). */
export type DerivedInput = z.output<typeof derivedInputSchema>;

/** One entry of content/metrics.yml, with its key and its measure settled. */
export interface MetricDef extends Omit<MetricDefEntry, 'measure'> {
  key: string;
  /** From metrics.yml, else from the kind (share and rate: ratio; money, count, number: flow). */
  measure: Measure;
  /** `derived`, parsed; set by the registry's loader whenever `derived` is sound. */
  formula?: Formula;
}

/** The weekly send slot from newsletter.yml, its zone settled. */
export interface Schedule extends Omit<z.output<typeof scheduleSchema>, 'timezone'> {
  /** IANA zone; defaults to the newsletter's timezone. */
  timezone: string;
}

/** content/newsletter.yml, as validated (baseUrl without trailing slash). */
export interface Newsletter extends Omit<z.output<typeof newsletterSchema>, 'schedule'> {
  schedule?: Schedule;
}

/**
 * An observation: a metric as written in one brief. `value` is the decimal
 * text exactly as written (keeps precision). No `period` means a point in
 * time at the edition's date.
 */
export interface BriefMetric extends Pick<Observation, 'source' | 'note' | 'unit'> {
  key: string;
  value: string;
  /** Parsed from the period grammar; its label is the brief's `label` when given. */
  period?: Period;
  /** The period as written in the grammar ("Q3 FY2026"), when there is one; `period.label` may be the brief's own label. */
  periodText?: string;
  basis: Basis;
  /** 1-based line and column of the metric in the brief file, for later error messages. */
  line?: number;
  column?: number;
  /** A derived observation: the formula as written in metrics.yml, and the observations it was computed from. */
  derived?: string;
  inputs?: DerivedInput[];
}

export type ProjectionMethod = (typeof PROJECTION_METHODS)[number];

/** One scenario of a projection as a brief writes it: a yearly rate (linear, growth) or the value reached at the horizon (target), as decimal text. */
export interface ScenarioSpec {
  name: string;
  rate?: string;
  value?: string;
}

/** A projection as written in a brief's frontmatter, validated but not computed. */
export interface BriefProjection {
  key: string;
  method: ProjectionMethod;
  scenarios: ScenarioSpec[];
  /** The horizon, parsed with the metric's fiscal year end. */
  to: Period;
  cap?: string;
  reaches?: string;
  assumption: string;
  /** `base: { period }`: project from that period's latest actual instead of the latest actual. */
  basePeriod?: Period;
  /** The fiscal year end its periods were read with (the metric's, else the newsletter's); names the points when `to` is an FY period. */
  fiscalYearEnd?: string;
  /** 1-based positions of the entry and of its `to`, for problems found when it is computed. */
  line: number;
  column: number;
  toLine: number;
  toColumn: number;
}

/** One validated Markdown brief: its frontmatter and what the loader derives from the file. */
export interface Brief extends Pick<Frontmatter, 'title' | 'draft' | 'subject' | 'preheader' | 'summary'> {
  /** Path of the source file (as passed to the loader). */
  file: string;
  /** ISO date, YYYY-MM-DD, from the file name. */
  date: string;
  slug?: string;
  /** 1-based line of `subject` in the file, for errors found when it is rendered. */
  subjectLine?: number;
  metrics: BriefMetric[];
  /** Markdown body without frontmatter. */
  body: string;
  /** 1-based line in the file where the body starts. */
  bodyLine: number;
  /** Scaffold placeholders ("TODO") left in the file, 1-based: an error once the brief is no draft. */
  placeholders: { line: number; column: number }[];
  /** The brief's `projections`, in the order written. */
  projections?: BriefProjection[];
}

/** Everything loaded from the content directory. */
export interface Content {
  dir: string;
  newsletter: Newsletter;
  /** Registry in file order; the order of metric tables everywhere. */
  metrics: MetricDef[];
  /** Briefs sorted by date, oldest first. */
  briefs: Brief[];
}

/** How a value moved, and whether that is good for the reader's side of the metric (comparison-contract.ts). */
export type Direction = z.output<typeof directionSchema>;
export type Sentiment = z.output<typeof sentimentSchema>;
/** What kind of comparison a metric's value makes; the list is comparison-contract.ts's METRIC_STATUSES. */
export type MetricStatus = z.output<typeof metricStatusSchema>;
/** What an earlier observation a comparison refers to was: edition, value, period and basis. */
export type PreviousObservation = z.output<typeof previousObservationSchema>;
export type MetricDelta = z.output<typeof metricDeltaSchema>;
/** What a change is measured against: year on year, the period just before, or "since" an older reference. */
export type ComparisonKind = z.output<typeof comparisonKindSchema>;
/** A metric's value in one edition and its comparison (status, previous, delta). */
export type MetricComparison = z.output<typeof metricComparisonSchema>;

/** A metric of one edition with its comparison, as written to edition.json. Carries its registry definition. */
export interface EditionMetric extends Omit<MetricDef, 'source'>, MetricComparison {}

/** The newsletter's own projections, computed (projection-contract.ts). */
export type Projection = z.output<typeof projectionSchema>;
export type ProjectionScenario = z.output<typeof projectionScenarioSchema>;
export type ProjectionPoint = z.output<typeof projectionPointSchema>;

/** A `## ` section of the brief, rendered. */
export interface Section {
  /** Inline HTML of the heading (may contain links or emphasis). */
  heading: string;
  /** The heading as plain text, for tables of contents and the text part. */
  headingText: string;
  /** Anchor id, unique within the edition. */
  id: string;
  /** HTML of the section body (without the heading). */
  html: string;
  /** The same body with inline styles, for the email (clients that strip <style> still lay it out). */
  emailHtml: string;
}

/**
 * One observation (period and basis) of a metric's history with its latest
 * value, for charts and downloads. `date`/`number` are the edition that
 * first reported it; `revised` lists the editions that changed its value.
 */
export interface HistoryPoint {
  date: string;
  number: number;
  value: number;
  valueText: string;
  /** null: a point at the reporting edition's date. */
  period: Period | null;
  basis: Basis;
  /** Where the point sits in time: the period's end (the edition date for a point). */
  at: string;
  /** Editions that revised the value, oldest first; the last one set `value`. */
  revised: { date: string; number: number }[];
}

/** The computed edition: what templates, the site, feeds and the sender consume. */
export interface Edition {
  date: string;
  /** Position in date order, 1 = oldest. */
  number: number;
  slug: string | null;
  /** Only the preview computes drafts; build and send never see them. */
  draft: boolean;
  file: string;
  title: string;
  subject: string;
  subjectLine: number | null;
  preheader: string | null;
  summary: string | null;
  previousDate: string | null;
  nextDate: string | null;
  metrics: EditionMetric[];
  /** The brief's projections, computed, in the order written. */
  projections: Projection[];
  /**
   * Each reported metric's observations up to and including this edition (latest value each, ordered by `at`), keyed by metric key:
   * the last few (what the email's history bars draw), or the whole history in the last edition (see TREND_POINTS in compute/edition-metrics.ts).
   */
  history: Record<string, HistoryPoint[]>;
  /** The brief's Markdown body; the render stage turns it into the intro and sections, filling in template helpers ({{value "key"}}) first. */
  body: string;
  /** 1-based line in the brief where the body starts, for errors in its helpers. */
  bodyLine: number;
}
