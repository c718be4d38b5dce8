/**
 * The content model: the types every stage agrees on. Loaded, validated
 * content comes in as `Content`; the compute stage turns it into `Edition`s,
 * which render and publish consume. These are plain data (JSON-safe) so they
 * can be written to edition.json and reused by the preview server and sender.
 */

export type MetricKind = 'share' | 'rate' | 'money' | 'count' | 'number';
export type Better = 'up' | 'down' | 'neutral';

/** One entry of content/metrics.yml. */
export interface MetricDef {
  key: string;
  label: string;
  kind: MetricKind;
  unit: string;
  decimals: number;
  better: Better;
  source?: string;
  group?: string;
}

/** The weekly send slot from newsletter.yml. */
export interface Schedule {
  /** ISO weekday: 1 = Monday ... 7 = Sunday. */
  weekday: number;
  /** Local wall-clock time, "HH:MM". */
  time: string;
  /** IANA zone; defaults to the newsletter's timezone. */
  timezone: string;
}

/** content/newsletter.yml. */
export interface Newsletter {
  name: string;
  /** RFC 5322 mailbox, e.g. `AI Cloud Weekly <brief@example.com>`. */
  from: string;
  replyTo?: string;
  /** Public archive URL without trailing slash, e.g. https://example.com/ai-cloud-weekly */
  baseUrl: string;
  timezone: string;
  /** BCP 47 tag, e.g. en-GB. */
  language: string;
  description?: string;
  /** Postal address or sender identity line shown in the footer (bulk-sender rules). */
  address?: string;
  schedule?: Schedule;
  /** The archive shows a subscribe form posting here (absolute URL or a path on the archive's origin). */
  subscribe?: { url?: string };
}

/** A metric as written in one brief. `value` is the decimal text exactly as written (keeps precision). */
export interface BriefMetric {
  key: string;
  value: string;
  period?: string;
  source?: string;
  note?: string;
  /** Unit as written in long form; the loader rejects one that differs from the registry's. */
  unit?: string;
  /** 1-based line of the metric in the brief file, for later error messages. */
  line?: number;
}

/** One validated Markdown brief. */
export interface Brief {
  /** Path of the source file (as passed to the loader). */
  file: string;
  /** ISO date, YYYY-MM-DD, from the file name. */
  date: string;
  slug?: string;
  title: string;
  /** A draft is previewed but never built, published or sent. */
  draft?: boolean;
  /** Optional subject line template (Handlebars); defaults to the title. */
  subject?: string;
  /** 1-based line of `subject` in the file, for errors found when it is rendered. */
  subjectLine?: number;
  preheader?: string;
  summary?: string;
  metrics: BriefMetric[];
  /** Markdown body without frontmatter. */
  body: string;
  /** 1-based line in the file where the body starts. */
  bodyLine: number;
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

export type Direction = 'up' | 'down' | 'flat';
export type Sentiment = 'positive' | 'negative' | 'neutral';
export type MetricStatus = 'new' | 'changed' | 'unchanged' | 'not-reported';

export interface MetricDelta {
  /** Absolute change rounded to the metric's decimals (percentage points for share/rate). */
  abs: number;
  /** `pp` for share and rate; the metric's unit otherwise. */
  unit: string;
  /** Relative change as a fraction of |previous| (0.0946 = +9.46%); null for pp metrics or previous 0. */
  rel: number | null;
  direction: Direction;
  sentiment: Sentiment;
}

/** A metric of one edition with its comparison, as written to edition.json. Carries its registry definition. */
export interface EditionMetric extends Omit<MetricDef, 'source'> {
  /** null only when status is "not-reported". */
  value: number | null;
  /** The value's decimal text as written in the brief (null when not reported). */
  valueText: string | null;
  period: string | null;
  source: string | null;
  note: string | null;
  previous: { value: number; valueText: string; date: string; period: string | null } | null;
  delta: MetricDelta | null;
  status: MetricStatus;
}

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

/** One point of a metric's history, for sparklines and charts. */
export interface HistoryPoint {
  date: string;
  number: number;
  value: number;
  valueText: string;
  period: string | null;
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
  /** Each reported metric's values up to and including this edition, keyed by metric key. */
  history: Record<string, HistoryPoint[]>;
  /** Markdown body rendered to HTML, split into sections. Content before the first `## ` is the intro. */
  introHtml: string;
  /** The intro with inline styles, for the email. */
  introEmailHtml: string;
  sections: Section[];
}
