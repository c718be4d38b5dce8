/**
 * Every problem briefwire can report, with a stable code.
 *
 * A code never changes once released: people search for it, scripts grep for
 * it and tests assert it, while the message may be reworded at any time. Each
 * entry has a title (what went wrong, in a few words), a message (the line the
 * CLI prints, built from the details of the case) and, where we know one, a
 * hint (what to do about it). The doc comment above an entry explains the
 * problem at length; `npm run docs:errors` turns this file into docs/errors.md.
 *
 * Adding a problem: add an entry here (code `BW_` + upper-case words), use it
 * with `error(file, Entry, [args])` or `warning(...)`, run `npm run docs:errors`.
 */
export interface ProblemDef {
  /** Stable identifier, printed as `error[BW_...]`. */
  code: `BW_${string}`;
  title: string;
  // `any` as in Astro's ErrorData: each entry types its own parameters, and error()/warning() check the arguments against them.
  message: string | ((...args: any[]) => string);
  hint?: string | ((...args: any[]) => string | undefined);
}

// ---------------------------------------------------------------- files and YAML

/**
 * A file or directory could not be read or written: it is missing, not
 * readable, or a file where a directory was expected (or the reverse). The
 * message carries the operating system's reason.
 */
export const IoFailed = {
  code: 'BW_IO',
  title: 'File could not be read or written',
  message: (reason: string) => reason,
} satisfies ProblemDef;

/**
 * A directory a command needs does not exist: the content or templates of
 * `preview`, the built site of `serve`. Exit code 2, as for other bad usage.
 */
export const DirectoryMissing = {
  code: 'BW_DIR_MISSING',
  title: 'Directory missing',
  message: (label: string, _hint: string | undefined) => `${label}: no such directory`,
  hint: (_label: string, hint: string | undefined) => hint,
} satisfies ProblemDef;

/**
 * A YAML file (newsletter.yml, metrics.yml or a brief's frontmatter) does not
 * parse. The position is where the parser gave up, which is often the line
 * after the real mistake.
 */
export const YamlInvalid = {
  code: 'BW_YAML_INVALID',
  title: 'Invalid YAML',
  message: (detail: string) => `invalid YAML: ${detail}`,
  hint: 'Check indentation and quoting on this line and the one before; a value containing ": " or starting with "%" needs quotes.',
} satisfies ProblemDef;

/** A setting or field that the schema does not know, usually a typo. */
export const FieldUnknown = {
  code: 'BW_FIELD_UNKNOWN',
  title: 'Unknown field',
  message: (field: string, _nearest: string | undefined) => `unknown field "${field}"`,
  hint: (_field: string, nearest: string | undefined) => (nearest ? `did you mean "${nearest}"?` : undefined),
} satisfies ProblemDef;

/** A number written with a decimal comma ("12,5"): YAML reads the part after the comma as another field. */
export const DecimalComma = {
  code: 'BW_DECIMAL_COMMA',
  title: 'Decimal comma in a number',
  message: (written: string, fixed: string) => `${written}: write a decimal point, ${fixed}`,
  hint: 'Numbers in briefs use a decimal point whatever the newsletter\'s language; readers still see them in their own format.',
} satisfies ProblemDef;

/** A field the schema requires is absent. */
export const FieldRequired = {
  code: 'BW_FIELD_REQUIRED',
  title: 'Required field missing',
  message: (field: string) => `${field} is required`,
} satisfies ProblemDef;

/** A field is present but its value has the wrong type or form; the message says what the schema expects. */
export const FieldInvalid = {
  code: 'BW_FIELD_INVALID',
  title: 'Invalid field value',
  message: (field: string, expected: string) => `${field} ${expected}`,
} satisfies ProblemDef;

// ---------------------------------------------------------------- content

/** newsletter.yml holds a list or a single value instead of a mapping of settings. */
export const NewsletterNotMapping = {
  code: 'BW_NEWSLETTER_NOT_MAPPING',
  title: 'newsletter.yml is not a mapping',
  message: 'must be a YAML mapping of settings (name, from, baseUrl, timezone, language)',
} satisfies ProblemDef;

/** metrics.yml holds a list or a single value instead of a mapping of metric keys to definitions. */
export const MetricsNotMapping = {
  code: 'BW_METRICS_NOT_MAPPING',
  title: 'metrics.yml is not a mapping',
  message: 'must be a mapping of metric key to { label, kind, unit, decimals, better }',
} satisfies ProblemDef;

/** metrics.yml defines no metric at all; every edition needs at least one. */
export const MetricsEmpty = {
  code: 'BW_METRICS_EMPTY',
  title: 'No metrics defined',
  message: 'defines no metrics',
} satisfies ProblemDef;

/** Metric keys appear in briefs, URLs and file names, so they are restricted to lower-case letters, digits and "_". */
export const MetricKeyInvalid = {
  code: 'BW_METRIC_KEY_INVALID',
  title: 'Invalid metric key',
  message: (key: string) => `metric key "${key}" must use only a-z, 0-9 and _`,
} satisfies ProblemDef;

/** Shares and rates are percentages; their deltas are shown in percentage points, which needs the unit "%". */
export const MetricPercentUnit = {
  code: 'BW_METRIC_PERCENT_UNIT',
  title: 'Share or rate without "%"',
  message: (key: string, kind: string, unit: string) => `metric "${key}" is a ${kind}, so its unit must be "%" (got "${unit}")`,
} satisfies ProblemDef;

/** The content's editions directory has no brief in it, so there is nothing to build. */
export const EditionsEmpty = {
  code: 'BW_EDITIONS_EMPTY',
  title: 'No briefs',
  message: 'contains no briefs (YYYY-MM-DD[-slug].md)',
  hint: 'Create one with "briefwire new".',
} satisfies ProblemDef;

/** A brief's file name carries its date (and an optional slug); anything else is not a brief. */
export const BriefFileName = {
  code: 'BW_BRIEF_FILE_NAME',
  title: 'Brief file name not YYYY-MM-DD[-slug].md',
  message: (base: string) => `file name must be YYYY-MM-DD.md or YYYY-MM-DD-slug.md (lowercase slug), got "${base}"`,
  hint: 'Rename it, e.g. 2025-03-10.md or 2025-03-10-capex.md; files starting with "_" or "." are ignored.',
} satisfies ProblemDef;

/** The file name has the date form, but the date does not exist (2025-02-30). */
export const BriefFileDate = {
  code: 'BW_BRIEF_FILE_DATE',
  title: 'No such date in the file name',
  message: (date: string) => `"${date}" in the file name is not a real calendar date`,
} satisfies ProblemDef;

/** Two briefs (drafts included) share a date; an edition is one brief, so neither can win silently. */
export const BriefDateDuplicate = {
  code: 'BW_BRIEF_DATE_DUPLICATE',
  title: 'Two briefs for one date',
  message: (date: string, first: string, second: string) => `two briefs have the date ${date}: ${first} and ${second}; an edition has one brief`,
  hint: 'Rename or remove one of them; park a brief by starting its name with "_".',
} satisfies ProblemDef;

/** A brief must start with YAML frontmatter between "---" lines. */
export const FrontmatterMissing = {
  code: 'BW_FRONTMATTER_MISSING',
  title: 'Missing frontmatter',
  message: 'missing YAML frontmatter: a brief starts with "---", then at least "title:", then "---"',
} satisfies ProblemDef;

/** The frontmatter parses, but to a list or a single value instead of a mapping of fields. */
export const FrontmatterNotMapping = {
  code: 'BW_FRONTMATTER_NOT_MAPPING',
  title: 'Frontmatter is not a mapping',
  message: 'frontmatter must be a mapping with at least "title"',
} satisfies ProblemDef;

/** The optional "date" field must be a real date in the form YYYY-MM-DD. */
export const BriefDateInvalid = {
  code: 'BW_BRIEF_DATE_INVALID',
  title: 'Invalid "date"',
  message: (written: string) => `"date" ${JSON.stringify(written)} is not a valid YYYY-MM-DD date`,
} satisfies ProblemDef;

/** The file name decides the edition's date; a "date" field that disagrees is a mistake in one of them. */
export const BriefDateMismatch = {
  code: 'BW_BRIEF_DATE_MISMATCH',
  title: '"date" differs from the file name',
  message: (written: string, fromName: string) => `"date" ${written} does not match the file name's date ${fromName}`,
  hint: 'Fix one of them, or drop the "date" field: the file name is enough.',
} satisfies ProblemDef;

/** A brief reports a metric that metrics.yml does not define. */
export const MetricUnknown = {
  code: 'BW_METRIC_UNKNOWN',
  title: 'Unknown metric',
  message: (key: string, _nearest: string | undefined) => `unknown metric "${key}"`,
  hint: (_key: string, nearest: string | undefined) => (nearest ? `did you mean "${nearest}"?` : 'metrics are defined in metrics.yml; add it there first'),
} satisfies ProblemDef;

/**
 * A metric value must be a plain decimal number as written in YAML (38.1, not
 * "38.1%" or "USD 12bn"): the unit comes from metrics.yml, and the digits
 * written are the precision shown.
 */
export const MetricNotNumber = {
  code: 'BW_METRIC_NOT_NUMBER',
  title: 'Metric value is not a number',
  message: (key: string, shown: string, _unit: string) => `metric "${key}" must be a number, got ${shown}`,
  hint: (_key: string, shown: string, unit: string) =>
    /%|[a-z]/i.test(shown) ? `write the number alone; the unit "${unit}" comes from metrics.yml` : undefined,
} satisfies ProblemDef;

/** A share is a percentage of a whole, so it lies between 0 and 100. */
export const MetricShareRange = {
  code: 'BW_METRIC_SHARE_RANGE',
  title: 'Share outside 0-100',
  message: (key: string, value: string) => `metric "${key}" is a share, so it must be between 0 and 100 (got ${value})`,
} satisfies ProblemDef;

/** A count cannot be negative. */
export const MetricCountNegative = {
  code: 'BW_METRIC_COUNT_NEGATIVE',
  title: 'Negative count',
  message: (key: string, value: string) => `metric "${key}" is a count and cannot be negative (got ${value})`,
} satisfies ProblemDef;

/** A brief may state a metric's unit; it must then be the unit metrics.yml defines, since briefwire never converts. */
export const MetricUnitMismatch = {
  code: 'BW_METRIC_UNIT_MISMATCH',
  title: 'Metric in another unit',
  message: (key: string, given: string, defined: string) => `metric "${key}" is given in "${given}" but metrics.yml defines it in "${defined}"`,
  hint: 'Convert the value to the unit of metrics.yml, or fix the unit.',
} satisfies ProblemDef;

/**
 * An observation's `period` is not in the period grammar (2025, FY2025,
 * H1 2025, Q3 FY2026, 2025-09, 2025-09-30, 2025-2030, with an E suffix on a
 * year for a forecast), or names a date that does not exist. Comparisons are
 * decided on the parsed period, so free wording cannot be compared; it
 * belongs in `label`. See docs/content.md "Period grammar".
 */
export const PeriodInvalid = {
  code: 'BW_PERIOD_INVALID',
  title: 'Period outside the grammar',
  message: (key: string, detail: string, _suggestion: string | undefined) => `metric "${key}": ${detail}`,
  hint: (_key: string, _detail: string, suggestion: string | undefined) =>
    suggestion ? `did you mean "${suggestion}"? Free wording belongs in "label".` : 'Free wording belongs in "label"; see docs/content.md "Period grammar".',
} satisfies ProblemDef;

/** A period written with an E suffix (an estimate) on an observation whose basis says actual. */
export const PeriodBasisConflict = {
  code: 'BW_PERIOD_BASIS_CONFLICT',
  title: 'Estimate period with an actual basis',
  message: (key: string, period: string) => `metric "${key}": period "${period}" ends in E (an estimate) but basis is "actual"`,
  hint: 'Drop the E for a reported figure, or drop "basis: actual" for a forecast.',
} satisfies ProblemDef;

/** An observation gives a `label` (how its period is shown) without the period it labels. */
export const PeriodLabelWithoutPeriod = {
  code: 'BW_PERIOD_LABEL_ALONE',
  title: 'Label without a period',
  message: (key: string) => `metric "${key}" has a "label" but no "period"`,
  hint: 'The label says how the period is shown to readers; give the period too, in the period grammar.',
} satisfies ProblemDef;

// ---------------------------------------------------------------- numbers audit

/**
 * A brief that is not a draft still holds a placeholder that `briefwire new`
 * wrote ("TODO"). It would be built, archived and sent as it is.
 */
export const AuditPlaceholder = {
  code: 'BW_AUDIT_PLACEHOLDER',
  title: 'Placeholder left in a brief',
  message: 'scaffold placeholder "TODO" left in a brief that is not a draft',
  hint: 'Write the text, or put back "draft: true" to keep the brief out of the build and send.',
} satisfies ProblemDef;

/**
 * Shares of one metrics.yml `group` for the same period and basis (this
 * brief's values, else the latest earlier ones) add up to more than 100%,
 * beyond what rounding of the written digits allows (half a unit of each
 * value's last digit).
 */
export const AuditSharesOver100 = {
  code: 'BW_AUDIT_SHARES_OVER_100',
  title: 'Shares add up to over 100%',
  message: (group: string, period: string, basis: string, sum: string, parts: string) =>
    `shares in group "${group}" for ${period} (${basis}) add up to ${sum}%, over 100%: ${parts}`,
  hint: 'Check each share against its source; shares of one group and period cannot exceed the whole.',
} satisfies ProblemDef;

/**
 * A like-for-like comparison (changed, unchanged, revised, vs-forecast) where
 * the value is 10x or more of its reference, or a tenth or less: more often a
 * slip of unit or decimal point than news. A warning: the analyst confirms.
 */
export const AuditSlip = {
  code: 'BW_AUDIT_SLIP',
  title: 'Possible unit or decimal slip',
  message: (key: string, how: string, value: string, reference: string, date: string) =>
    `metric "${key}" is ${how} of the figure it is compared with (${value} against ${reference} reported on ${date}): possible unit or decimal slip`,
  hint: 'Check the unit and the decimal point against the source; if the move is real, say so in a "note".',
} satisfies ProblemDef;

/** An observation with no source: neither its own `source` nor the metric's in metrics.yml. */
export const AuditNoSource = {
  code: 'BW_AUDIT_NO_SOURCE',
  title: 'Observation without a source',
  message: (key: string) => `metric "${key}" has no source`,
  hint: 'Give the observation a "source" (or the metric a default one in metrics.yml): readers see who reported each figure.',
} satisfies ProblemDef;

/** An observation for a period that ends before one already reported for the same metric and basis, with no note saying why. */
export const AuditPeriodBackwards = {
  code: 'BW_AUDIT_PERIOD_BACKWARDS',
  title: 'Older period reported without a note',
  message: (key: string, period: string, later: string, date: string) => `metric "${key}": period ${period} ends before ${later}, reported on ${date}`,
  hint: 'Add a "note" saying why an older period is reported (a restatement, a late source), or fix the period.',
} satisfies ProblemDef;

/** A flow (an amount over a period) written as a bare number: a point at the edition date, which no quarter or year compares with. */
export const AuditFlowNoPeriod = {
  code: 'BW_AUDIT_FLOW_NO_PERIOD',
  title: 'Flow reported without a period',
  message: (key: string, value: string) =>
    `metric "${key}" is an amount over a period (a flow) but ${value} has no period: it counts as a figure at the edition date and compares with nothing reported for a quarter or a year`,
  hint: 'Write the period it covers, e.g. { value: 39.8, period: Q2 FY2026 } or { value: 56.7, period: 2025 } (periods: 2025, FY2025, H1 2025, Q3 FY2026, 2025-09).',
} satisfies ProblemDef;

/** A subject line's {{delta "key"}} that does not come out as a change (new, revised, not comparable, ...), so the subject carries words, not a move. */
export const AuditSubjectDelta = {
  code: 'BW_AUDIT_SUBJECT_DELTA',
  title: 'Subject {{delta}} that is not a change',
  message: (key: string, status: string) =>
    `the subject's {{delta "${key}"}} is not a change in this edition (its status is ${status}): the subject would carry the table's words for it, not a move`,
  hint: 'Use {{value "key"}} in the subject, or compare the figure with a period that has one (the same period a year earlier, or the one just before).',
} satisfies ProblemDef;

/** A template helper in the brief's Markdown body ({{value "key"}}, {{delta "key"}}, {{period "key"}}) failed. */
export const BodyTemplateError = {
  code: 'BW_BODY_TEMPLATE',
  title: 'Error in a helper in the brief',
  message: (detail: string) => `in the body: Handlebars error: ${detail}`,
  hint: 'Helpers take a metric key from metrics.yml that this brief reports, e.g. {{value "alibaba_ai_cloud_share"}}.',
} satisfies ProblemDef;

// ---------------------------------------------------------------- derived metrics and projections

/**
 * A derived metric's `derived:` formula in metrics.yml does not parse. A
 * formula has metric keys, numbers, `+ - * /` and parentheses; the column
 * points at the character where it goes wrong.
 */
export const DerivedSyntax = {
  code: 'BW_DERIVED_SYNTAX',
  title: 'Derived formula does not parse',
  message: (key: string, detail: string) => `metric "${key}": derived formula: ${detail}`,
  hint: 'Write it like "alibaba_cloud_revenue * ai_share_of_cloud_revenue / 100".',
} satisfies ProblemDef;

/** A derived formula names a key that metrics.yml does not define. */
export const DerivedUnknownKey = {
  code: 'BW_DERIVED_UNKNOWN_KEY',
  title: 'Derived formula names an unknown metric',
  message: (key: string, input: string, _nearest: string | undefined) => `metric "${key}": derived formula names "${input}", which metrics.yml does not define`,
  hint: (_key: string, _input: string, nearest: string | undefined) => (nearest ? `did you mean "${nearest}"?` : undefined),
} satisfies ProblemDef;

/** Derived metrics whose formulas depend on each other in a circle have no value to start from. */
export const DerivedCycle = {
  code: 'BW_DERIVED_CYCLE',
  title: 'Derived formulas in a cycle',
  message: (key: string, cycle: string) => `metric "${key}": derived formulas depend on each other in a cycle: ${cycle}`,
  hint: 'One of them must be a reported metric, not derived.',
} satisfies ProblemDef;

/** A derived formula divides by a constant that is zero (`x / 0`, `x / (1 - 1)`), whatever the data. */
export const DerivedDivisionByZero = {
  code: 'BW_DERIVED_DIVISION_BY_ZERO',
  title: 'Derived formula divides by zero',
  message: (key: string) => `metric "${key}": derived formula divides by a constant zero`,
} satisfies ProblemDef;

/** A brief reports a derived metric: its value is computed from its inputs, never written. */
export const DerivedWritten = {
  code: 'BW_DERIVED_WRITTEN',
  title: 'Derived metric written in a brief',
  message: (key: string, formula: string) => `metric "${key}" is derived (${formula}), so a brief cannot report it`,
  hint: 'Report its inputs; the value is computed from them.',
} satisfies ProblemDef;

/**
 * A derived metric has no value in an edition that reports one of its
 * inputs: another input has no observation with the same period and basis
 * (in this edition or an earlier one), or the inputs this edition reports
 * are for different periods or bases. Nothing is computed from unlike
 * figures.
 */
export const DerivedNoValue = {
  code: 'BW_DERIVED_NO_VALUE',
  title: 'Derived metric without a value',
  message: (key: string, why: string) => `derived metric "${key}" has no value in this edition: ${why}`,
  hint: 'Report the inputs for the same period and basis, or leave it: no value is shown rather than one from unlike figures.',
} satisfies ProblemDef;

/** A derived metric's formula divides by an input whose value is zero in this edition. */
export const DerivedZeroDivisor = {
  code: 'BW_DERIVED_ZERO_DIVISOR',
  title: 'Derived metric divides by a zero input',
  message: (key: string, inputs: string) => `derived metric "${key}" has no value in this edition: it divides by zero (${inputs})`,
} satisfies ProblemDef;

/** A brief projects a metric that metrics.yml does not define. */
export const ProjectionUnknownMetric = {
  code: 'BW_PROJECTION_UNKNOWN_METRIC',
  title: 'Projection of an unknown metric',
  message: (key: string, _nearest: string | undefined) => `projection of unknown metric "${key}"`,
  hint: (_key: string, nearest: string | undefined) => (nearest ? `did you mean "${nearest}"?` : 'projections are keyed by a metric of metrics.yml'),
} satisfies ProblemDef;

/**
 * A projection's figures do not fit its method: linear and growth take a
 * `rate` (one number, or one per scenario), target takes a `value`; several
 * scenarios need one named "base", the one later actuals are set against.
 */
export const ProjectionScenarios = {
  code: 'BW_PROJECTION_SCENARIOS',
  title: 'Projection scenarios do not fit the method',
  message: (key: string, detail: string) => `projection of "${key}": ${detail}`,
  hint: 'linear and growth: rate: 8 or rate: { low: 5, base: 8, high: 12 }; target: value: 100 or value: { low: 80, base: 100 }.',
} satisfies ProblemDef;

/** A projection's `to` or `base.period` is not in the period grammar. */
export const ProjectionPeriodInvalid = {
  code: 'BW_PROJECTION_PERIOD',
  title: 'Projection period outside the grammar',
  message: (key: string, detail: string) => `projection of "${key}": ${detail}`,
  hint: 'Write a period of the grammar: 2030, FY2030, H2 2030, Q4 2030, 2030-12.',
} satisfies ProblemDef;

/** There is nothing to project from: the metric has no actual observation as of this edition (or none for `base.period`). */
export const ProjectionNoBase = {
  code: 'BW_PROJECTION_NO_BASE',
  title: 'Projection without a base',
  message: (key: string, which: string) => `projection of "${key}": no actual observation ${which} to project from`,
  hint: 'A projection starts from a reported actual; report one, or name its period with base: { period: ... }.',
} satisfies ProblemDef;

/**
 * A projection steps by its base period's length (a year, half, quarter or
 * month), so `to` must be a period of that length that ends after the base
 * and falls on one of the steps.
 */
export const ProjectionHorizon = {
  code: 'BW_PROJECTION_HORIZON',
  title: 'Projection horizon does not fit its base',
  message: (key: string, detail: string) => `projection of "${key}": ${detail}`,
} satisfies ProblemDef;

/** A projection's arithmetic has no answer: a target from a base of zero or of the other sign, a decline past -100% a year. */
export const ProjectionUndefined = {
  code: 'BW_PROJECTION_UNDEFINED',
  title: 'Projection cannot be computed',
  message: (key: string, detail: string) => `projection of "${key}": ${detail}`,
} satisfies ProblemDef;

/** A share or rate projected past 100 without a `cap`: a share cannot pass the whole. */
export const ProjectionOver100 = {
  code: 'BW_PROJECTION_OVER_100',
  title: 'Share or rate projected past 100 without a cap',
  message: (key: string, scenario: string, period: string, value: string) =>
    `projection of "${key}": scenario "${scenario}" passes 100 (${value} in ${period}) and the projection has no cap`,
  hint: 'Add cap: 100 (and reaches: 100 to ask when it gets there), or lower the rate.',
} satisfies ProblemDef;

/** A projection starts from an older actual (its `base.period`) than the latest one the metric has: the newer figure is left out. */
export const ProjectionStaleBase = {
  code: 'BW_PROJECTION_STALE_BASE',
  title: 'Projection from an older actual',
  message: (key: string, base: string, newer: string, date: string) => `projection of "${key}" starts from ${base}, but ${newer} was reported on ${date}`,
  hint: 'Drop base: { period } to start from the latest actual, or say in the assumption why the older one is the base.',
} satisfies ProblemDef;

/**
 * A projection asks when it reaches a value that its base is already at or
 * past in a scenario's direction (a share falling from 30% asked when it
 * reaches 40%): that scenario never reaches it, and readers would be told
 * "not by" the horizon.
 */
export const ProjectionReachesBehind = {
  code: 'BW_PROJECTION_REACHES_BEHIND',
  title: "Projection's reaches lies behind its base",
  message: (key: string, reaches: string, base: string, scenarios: string) =>
    `projection of "${key}": reaches ${reaches} is already behind the base ${base} for scenario ${scenarios}, which moves away from it: it never reaches it`,
  hint: 'Check the sign of the rate, or the reaches value.',
} satisfies ProblemDef;

// ---------------------------------------------------------------- templates and rendering

/** Handlebars could not parse a template, or running it failed (a misspelt variable, a missing partial, a helper's error). */
export const TemplateError = {
  code: 'BW_TEMPLATE',
  title: 'Template error',
  message: (detail: string) => `Handlebars error: ${detail}`,
} satisfies ProblemDef;

/** The brief's "subject" uses template helpers, and running them failed. */
export const SubjectTemplateError = {
  code: 'BW_SUBJECT_TEMPLATE',
  title: 'Error in the subject line',
  message: (detail: string) => `in "subject": Handlebars error: ${detail}`,
} satisfies ProblemDef;

/** A page or email template the build needs is absent from the templates directory. */
export const TemplateMissing = {
  code: 'BW_TEMPLATE_MISSING',
  title: 'Template missing',
  message: (name: string) => `template "${name}" is missing`,
} satisfies ProblemDef;

/** Partial names are shared by every template; a second partial of the same name would silently replace the first. */
export const PartialNameTaken = {
  code: 'BW_PARTIAL_NAME_TAKEN',
  title: 'Two partials with one name',
  message: (name: string, taken: string) => `partial name "${name}" is already used by ${taken}`,
  hint: 'Partial names are shared by every template (email and site): rename one of the files.',
} satisfies ProblemDef;

/** MJML could not compile the rendered email at all. */
export const MjmlFailed = {
  code: 'BW_MJML_FAILED',
  title: 'MJML failed',
  message: (detail: string) => `MJML failed: ${detail}`,
} satisfies ProblemDef;

/**
 * The email layout is not valid MJML (strict validation). MJML compiles the
 * layout once, with its partials expanded and Handlebars expressions in
 * place, so the file and line are those of the template or partial that holds
 * the offending tag; the line is quoted in the message. A Handlebars block
 * between MJML components (rather than inside mj-text, mj-table or mj-raw)
 * shows up here as text where MJML expects a component.
 */
export const MjmlInvalid = {
  code: 'BW_MJML_INVALID',
  title: 'Invalid MJML',
  message: (tag: string, detail: string, line: number, text: string) => `MJML validation: <${tag}> ${detail}; line ${line}: ${text}`,
  hint: 'Handlebars blocks ({{#if}}, {{#each}}) belong inside mj-text, mj-table or mj-raw, not between MJML components.',
} satisfies ProblemDef;

/**
 * The email layout calls a partial with arguments or a context. The layout is
 * compiled by MJML once, before any edition's data, so its partials are
 * expanded as plain text and cannot take any.
 */
export const EmailPartialArguments = {
  code: 'BW_EMAIL_PARTIAL_ARGUMENTS',
  title: 'Email partial called with arguments',
  message: (name: string) => `partial "${name}" is called with arguments; partials of the email layout take none`,
  hint: 'Read the value inside the partial from the edition (as the other partials do) instead of passing it.',
} satisfies ProblemDef;

/** The email layout calls a partial that no file in templates/partials/ defines, or one that includes itself. */
export const EmailPartialUnknown = {
  code: 'BW_EMAIL_PARTIAL_UNKNOWN',
  title: 'Email partial missing or recursive',
  message: (name: string, why: string) => `partial "${name}" ${why}`,
} satisfies ProblemDef;

/** Gmail cuts emails over 102 KB of HTML behind "[Message clipped]", hiding the footer and the unsubscribe link. */
export const EmailClipped = {
  code: 'BW_EMAIL_CLIPPED',
  title: 'Email over Gmail\'s clipping limit',
  message: (date: string, kb: string) =>
    `edition ${date}: email HTML is ${kb} KB, over Gmail's 102 KB clipping limit (the footer and unsubscribe link would be hidden)`,
  hint: 'Shorten the brief or trim the template.',
} satisfies ProblemDef;

/** The email is close to Gmail's 102 KB clipping limit; a little more text will cross it. */
export const EmailNearClip = {
  code: 'BW_EMAIL_NEAR_CLIP',
  title: 'Email close to Gmail\'s clipping limit',
  message: (date: string, kb: string) => `edition ${date}: email HTML is ${kb} KB, close to Gmail's 102 KB clipping limit`,
} satisfies ProblemDef;

/**
 * The email uses a feature that caniemail lists as unsupported by Gmail,
 * Outlook (for Windows or Outlook.com) or Apple Mail, and MJML's own markup
 * does not bring it: our templates (or the Markdown they render) add it.
 * Reported by `briefwire check` once per feature, with the editions it is in;
 * the check prints the full report for every client.
 */
export const EmailClientUnsupported = {
  code: 'BW_EMAIL_CLIENT_UNSUPPORTED',
  title: 'Email uses a feature a major client lacks',
  message: (feature: string, clients: string) => `the email uses "${feature}", which ${clients} do${clients.includes(',') ? '' : 'es'} not support (caniemail); MJML's own markup does not`,
  hint: 'Write it another way (docs/email.md, "Inline first", lists the usual replacements: no <time>, no white-space:nowrap, sizes on <td> rather than <div>).',
} satisfies ProblemDef;

/** Site pages are public; a personal unsubscribe link in them would be a mistake in a template. */
export const SiteUnsubscribeLink = {
  code: 'BW_SITE_UNSUBSCRIBE_LINK',
  title: 'Unsubscribe link in a public page',
  message: 'site pages are public: the unsubscribe link placeholder must not appear in them',
  hint: 'Use {{unsubscribeUrl}} only in the email templates.',
} satisfies ProblemDef;

// ---------------------------------------------------------------- built editions

/** `send latest` (or `--due`) found no built edition in the out directory. */
export const NoBuiltEditions = {
  code: 'BW_NO_BUILT_EDITIONS',
  title: 'No built editions',
  message: 'no built editions',
  hint: 'Run "briefwire build" first.',
} satisfies ProblemDef;

/** A file of a built edition (email.html, email.txt, edition.json) is missing. */
export const EditionFileMissing = {
  code: 'BW_EDITION_FILE_MISSING',
  title: 'Built edition incomplete',
  message: (date: string) => `not found (is edition ${date} built?)`,
  hint: 'Run "briefwire build".',
} satisfies ProblemDef;

/** edition.json of a built edition does not match its contract (hand-edited, or written by another version). */
export const EditionJsonInvalid = {
  code: 'BW_EDITION_JSON_INVALID',
  title: 'Invalid edition.json',
  message: (detail: string) => detail,
  hint: 'Rebuild the edition with "briefwire build".',
} satisfies ProblemDef;

/** A built email without the unsubscribe placeholder would go out without a working unsubscribe link. */
export const EditionNoUnsubscribe = {
  code: 'BW_EDITION_NO_UNSUBSCRIBE',
  title: 'Built email without unsubscribe link',
  message: (placeholder: string) => `has no unsubscribe link placeholder (${placeholder})`,
  hint: 'Rebuild the edition; keep {{unsubscribeUrl}} in the email templates.',
} satisfies ProblemDef;

/**
 * Another process (a build, on this host or one sharing the disk) is moving
 * its files into the out directory, and did not finish within the wait. A
 * build or send that read out/ now would see half of that build.
 */
export const OutDirBusy = {
  code: 'BW_OUT_DIR_BUSY',
  title: 'Output directory being updated',
  message: (owner: string, seconds: number) => `is being updated by ${owner}, still after ${seconds} s`,
  hint: 'Let that build finish, then run this command again.',
} satisfies ProblemDef;

/**
 * The journal an in-place commit writes beside the output directory (so
 * that a build killed halfway is finished by the next one) cannot be read,
 * is not JSON, or names paths outside the output directory or a directory
 * that is not one of the build's staging directories. Carrying a journal
 * out removes files, so a damaged one is not acted on: nothing is removed,
 * and neither a build nor a send goes on until it is dealt with.
 */
export const BuildJournalDamaged = {
  code: 'BW_BUILD_JOURNAL_DAMAGED',
  title: 'Build journal damaged',
  message: (reason: string, out: string) => `is not a build journal briefwire can carry out (${reason}); nothing in ${out}/ was changed`,
  hint: (_reason: string, out: string) => `Remove this file and ${out}/, then run "briefwire build" again.`,
} satisfies ProblemDef;

/**
 * The out directory was replaced by another build while this one ran (two
 * builds at once). This build's changes were made against the tree it found
 * when it started, so it writes nothing rather than mix the two.
 */
export const OutDirReplaced = {
  code: 'BW_OUT_DIR_REPLACED',
  title: 'Output directory replaced during the build',
  message: 'was replaced by another build while this one ran; this build wrote nothing to it',
  hint: 'Run "briefwire build" again once the other build has finished.',
} satisfies ProblemDef;

// ---------------------------------------------------------------- sending

/** The subscriber CSV needs a header row with an "email" column. */
export const SubscribersNoEmailColumn = {
  code: 'BW_SUBSCRIBERS_NO_EMAIL_COLUMN',
  title: 'No "email" column',
  message: (found: string) => `has no "email" column (found: ${found})`,
} satisfies ProblemDef;

/** The subscriber file is empty. */
export const SubscribersEmpty = {
  code: 'BW_SUBSCRIBERS_EMPTY',
  title: 'Empty subscriber list',
  message: 'is empty (expected a header row with an "email" column)',
} satisfies ProblemDef;

/** The subscriber file does not exist. */
export const SubscribersNotFound = {
  code: 'BW_SUBSCRIBERS_NOT_FOUND',
  title: 'Subscriber list not found',
  message: 'not found',
  hint: 'Copy subscribers.example.csv to start a list.',
} satisfies ProblemDef;

/** The subscriber file is not valid CSV (an unclosed quote, for instance). */
export const SubscribersCsvInvalid = {
  code: 'BW_SUBSCRIBERS_CSV',
  title: 'Invalid CSV',
  message: (detail: string) => `not valid CSV: ${detail}`,
} satisfies ProblemDef;

/** A row of the subscriber list is skipped: its address is not one we can send to. The rest of the list is sent. */
export const SubscriberSkipped = {
  code: 'BW_SUBSCRIBER_SKIPPED',
  title: 'Subscriber row skipped',
  message: (why: string, address: string) => `skipped: ${why}${address ? ` ("${address}")` : ''}`,
} satisfies ProblemDef;

/** A row repeats an earlier address (compared case-insensitively in the domain); each reader gets one email. */
export const SubscriberDuplicate = {
  code: 'BW_SUBSCRIBER_DUPLICATE',
  title: 'Duplicate subscriber',
  message: (address: string) => `skipped: duplicate of an earlier row (${address})`,
} satisfies ProblemDef;

/** A line of a JSON-lines file (ledger, suppression list) is not JSON; it is skipped, the rest is read. */
export const JsonLineSkipped = {
  code: 'BW_JSONL_LINE_SKIPPED',
  title: 'Line is not JSON',
  message: 'skipped a line that is not valid JSON',
} satisfies ProblemDef;

/** A suppression-list line has no address; it is skipped. */
export const SuppressionLineSkipped = {
  code: 'BW_SUPPRESSION_LINE_SKIPPED',
  title: 'Suppression line without address',
  message: 'skipped a line without an "address"',
} satisfies ProblemDef;

/**
 * A line of the suppression list cannot be read (not JSON, or no address),
 * and a send is about to mail the list. The line may be the unsubscribe or
 * the bounce of someone on the list, and a reader who left must never be
 * mailed again, so nothing is sent until the line is repaired. Reading the
 * list for anything else (serve, bounces, subscribers) only warns: adding a
 * suppression is never held up by an old damaged line.
 */
export const SuppressionLineDamaged = {
  code: 'BW_SUPPRESSION_LINE_DAMAGED',
  title: 'Damaged suppression line stops the send',
  message: 'this line of the suppression list cannot be read; it may be a reader who left, so nothing is sent',
  hint: 'Open the file at this line: restore the address it held as {"address":"..."} (or delete the line if it held none), then send again.',
} satisfies ProblemDef;

/**
 * A line of the subscriber store (`subscribers.jsonl`, written by serve's
 * subscribe and confirm endpoints) is not a record briefwire wrote: it has no
 * address or time, or an event other than requested/confirmed. It is skipped.
 */
export const SubscriberLineSkipped = {
  code: 'BW_SUBSCRIBER_LINE_SKIPPED',
  title: 'Subscriber store line skipped',
  message: (why: string) => `skipped a line: ${why}`,
} satisfies ProblemDef;

/**
 * The mailbox given to `briefwire bounces` (--maildir or --mbox) could not be
 * read to the end, or an mbox file does not start with a "From " line.
 */
export const MailboxUnreadable = {
  code: 'BW_MAILBOX_UNREADABLE',
  title: 'Mailbox could not be read',
  message: (reason: string) => reason,
  hint: 'Point --maildir at the folder holding new/ and cur/, or --mbox at an mbox file.',
} satisfies ProblemDef;

/** A ledger line is JSON but not a record briefwire wrote; it is skipped. */
export const LedgerRecordSkipped = {
  code: 'BW_LEDGER_RECORD_SKIPPED',
  title: 'Ledger record without type',
  message: 'skipped a record without a type',
} satisfies ProblemDef;

/**
 * An earlier send was killed while writing its last ledger line. The torn line
 * is cut off; the recipient it was about counts as not yet sent only if no
 * earlier line says otherwise.
 */
export const LedgerTornTail = {
  code: 'BW_LEDGER_TORN_TAIL',
  title: 'Incomplete last ledger line',
  message: 'dropped an incomplete last line (an earlier run was killed while writing it)',
} satisfies ProblemDef;

/** Writing the ledger failed; sending stops, because a message we cannot record could be sent twice. */
export const LedgerWriteFailed = {
  code: 'BW_LEDGER_WRITE',
  title: 'Ledger write failed',
  message: (reason: string) => reason,
  hint: 'Free disk space or fix permissions, then rerun the same send: it resumes from the ledger.',
} satisfies ProblemDef;

/** The "from" address of newsletter.yml cannot be sent from. */
export const FromInvalid = {
  code: 'BW_FROM_INVALID',
  title: 'Invalid "from" address',
  message: (why: string) => `"from": ${why}`,
} satisfies ProblemDef;

/** SMTP_URL is needed for a real send. */
export const SmtpUrlMissing = {
  code: 'BW_SMTP_URL_MISSING',
  title: 'SMTP_URL not set',
  message: 'is not set',
  hint: 'Set it to smtp://user:password@host:587 or smtps://user:password@host:465, or use --dry-run.',
} satisfies ProblemDef;

/** SMTP_URL is not a URL. The value is never echoed: it holds the password. */
export const SmtpUrlInvalid = {
  code: 'BW_SMTP_URL_INVALID',
  title: 'SMTP_URL is not a URL',
  message: 'is not a valid URL (expected smtp://user:password@host:port or smtps://...)',
} satisfies ProblemDef;

/** SMTP_URL must use smtp:// (STARTTLS) or smtps:// (TLS). */
export const SmtpUrlProtocol = {
  code: 'BW_SMTP_URL_PROTOCOL',
  title: 'SMTP_URL with another protocol',
  message: (protocol: string) => `must start with smtp:// or smtps:// (got ${protocol}//)`,
} satisfies ProblemDef;

/** SMTP_URL has no host name. */
export const SmtpUrlNoHost = {
  code: 'BW_SMTP_URL_NO_HOST',
  title: 'SMTP_URL without host',
  message: 'has no host',
} satisfies ProblemDef;

/** The SMTP server did not answer or refused the login before anything was sent. */
export const SmtpConnect = {
  code: 'BW_SMTP_CONNECT',
  title: 'Cannot connect to the SMTP server',
  message: (display: string, detail: string) => `cannot connect to ${display}: ${detail}`,
} satisfies ProblemDef;

/** MAIL_TRANSPORT names a transport briefwire does not have. */
export const MailTransportUnknown = {
  code: 'BW_MAIL_TRANSPORT_UNKNOWN',
  title: 'Unknown mail transport',
  message: (kind: string) => `must be "smtp" or "ses" (got "${kind}")`,
  hint: 'Leave it unset for SMTP (SMTP_URL), or set MAIL_TRANSPORT=ses for Amazon SES.',
} satisfies ProblemDef;

/** SES needs a region. */
export const SesRegionMissing = {
  code: 'BW_SES_REGION_MISSING',
  title: 'AWS region not set',
  message: 'is not set; SES sending needs the region of your SES account',
  hint: 'Set AWS_REGION, e.g. AWS_REGION=eu-west-1.',
} satisfies ProblemDef;

/** AWS_ENDPOINT_URL_SESV2 is not a usable URL. */
export const SesEndpointInvalid = {
  code: 'BW_SES_ENDPOINT_INVALID',
  title: 'SES endpoint URL not usable',
  message: (why: string) => why,
  hint: 'Give the endpoint as http(s)://host[:port], without credentials (those come from the AWS variables), or leave it unset for AWS itself.',
} satisfies ProblemDef;

/** The SES account has sending paused. */
export const SesSendingPaused = {
  code: 'BW_SES_SENDING_PAUSED',
  title: 'SES sending is paused',
  message: (region: string) => `sending is paused for this account in ${region}`,
  hint: 'Check the account status in the SES console (a paused account usually follows a high bounce or complaint rate).',
} satisfies ProblemDef;

/** The --rate given does not fit the SES account's quota. */
export const SesRateQuota = {
  code: 'BW_SES_RATE_QUOTA',
  title: 'Send rate and SES quota disagree',
  message: (detail: string) => detail,
  hint: 'Pass --rate at or below the account\'s maximum send rate.',
} satisfies ProblemDef;

/** The SES account is in the sandbox. */
export const SesSandbox = {
  code: 'BW_SES_SANDBOX',
  title: 'SES account in the sandbox',
  message: 'the account is in the SES sandbox: it can only send to verified addresses',
  hint: 'Request production access in the SES console before sending to readers.',
} satisfies ProblemDef;

/** The account quota could not be read (no ses:GetAccount permission). */
export const SesQuotaUnreadable = {
  code: 'BW_SES_QUOTA_UNREADABLE',
  title: 'SES quota not readable',
  message: 'cannot read the account quota (no ses:GetAccount permission); sending anyway',
  hint: 'Grant ses:GetAccount to the sending credentials so briefwire can check --rate against the quota.',
} satisfies ProblemDef;

/** The SES API did not answer. */
export const SesUnreachable = {
  code: 'BW_SES_UNREACHABLE',
  title: 'Cannot reach SES',
  message: (display: string, detail: string) => `cannot reach ${display}: ${detail}`,
} satisfies ProblemDef;

/** WEBHOOK_SECRET is set but too short to keep forged provider events out. */
export const WebhookSecretShort = {
  code: 'BW_WEBHOOK_SECRET_SHORT',
  title: 'WEBHOOK_SECRET too short',
  message: (length: number, min: number) => `is too short (${length} characters; use at least ${min})`,
  hint: 'Generate one with: openssl rand -hex 24',
} satisfies ProblemDef;

/** DKIM signing takes three variables; some are set and some are not. */
export const DkimIncomplete = {
  code: 'BW_DKIM_INCOMPLETE',
  title: 'DKIM settings incomplete',
  message: (names: string, missing: string) => `DKIM signing needs ${names}; missing ${missing}`,
  hint: 'Set all three, or none to send unsigned.',
} satisfies ProblemDef;

/** DKIM_PRIVATE_KEY_FILE names no file. */
export const DkimKeyMissing = {
  code: 'BW_DKIM_KEY_MISSING',
  title: 'DKIM key file not found',
  message: 'DKIM private key file not found',
} satisfies ProblemDef;

/** DKIM_PRIVATE_KEY_FILE is not a PEM private key. */
export const DkimKeyInvalid = {
  code: 'BW_DKIM_KEY_INVALID',
  title: 'DKIM key unreadable',
  message: 'is not a PEM private key',
} satisfies ProblemDef;

/**
 * DMARC counts a DKIM signature only when its domain aligns with the From
 * domain (the same, or one a subdomain of the other). The mail is still
 * signed and sent.
 */
export const DkimMisaligned = {
  code: 'BW_DKIM_MISALIGNED',
  title: 'DKIM domain not aligned with From',
  message: (domain: string, from: string) => `${domain} does not match the From domain ${from}; DMARC will not count this signature`,
} satisfies ProblemDef;

/**
 * The newsletter's name has accents and its earlier sends carried the List-Id
 * of the old slug rule (each accent a hyphen). The old id is kept so readers'
 * filters keep working; pinning `listId` in newsletter.yml decides for good.
 * See docs/sending.md ("List-Id").
 */
export const ListIdKept = {
  code: 'BW_LIST_ID_KEPT',
  title: 'List-Id kept from earlier sends',
  message: (kept: string, _corrected: string) => `List-Id stays <${kept}>, the id earlier sends of this list carried, so readers' filters keep working`,
  hint: (kept: string, corrected: string) =>
    `Pin it with "listId: ${kept}" in newsletter.yml, or switch deliberately with "listId: ${corrected}" (filters matching the old id stop matching).`,
} satisfies ProblemDef;

/** UNSUBSCRIBE_SECRET is missing or too short. It signs the unsubscribe links and must be the same for send and serve. */
export const UnsubscribeSecret = {
  code: 'BW_UNSUBSCRIBE_SECRET',
  title: 'UNSUBSCRIBE_SECRET unusable',
  message: (why: string) => why,
  hint: 'Generate one with: openssl rand -base64 32; keep it the same for send and serve.',
} satisfies ProblemDef;

/** Another send of the same edition holds the lock on this host. */
export const SendRunning = {
  code: 'BW_SEND_RUNNING',
  title: 'Send already running',
  message: (date: string, pid: number, startedAt: string) => `a send of ${date} is already running (pid ${pid}, started ${startedAt})`,
} satisfies ProblemDef;

/** Another send of the same edition is taking the lock at this very moment. */
export const SendStarting = {
  code: 'BW_SEND_STARTING',
  title: 'Send starting elsewhere',
  message: (date: string) => `another send of ${date} is starting right now`,
} satisfies ProblemDef;

/**
 * The lock was taken on another host. This host cannot see that process, so it
 * cannot tell a running send from a dead one, and will not guess.
 */
export const SendLockForeign = {
  code: 'BW_SEND_LOCK_FOREIGN',
  title: 'Send lock from another host',
  message: (date: string, host: string, pid: number, startedAt: string) =>
    `a send of ${date} was started on host ${host} (pid ${pid}) at ${startedAt}; this host cannot tell whether it is still running`,
  hint: 'If that send is not running any more, delete this file.',
} satisfies ProblemDef;

/** The send lock could not be created, read or taken over. */
export const SendLockFailed = {
  code: 'BW_SEND_LOCK',
  title: 'Send lock not taken',
  message: (detail: string) => detail,
} satisfies ProblemDef;

/** `send --due` and `schedule` need a schedule in newsletter.yml. */
export const ScheduleMissing = {
  code: 'BW_SCHEDULE_MISSING',
  title: 'No schedule',
  message: 'has no "schedule" (weekday, time, timezone); sends happen only when run by hand',
  hint: 'Add e.g. "schedule: { weekday: 1, time: \'07:00\' }" to newsletter.yml.',
} satisfies ProblemDef;

/** `send --due`: a slot has come, but no edition dated its local day is built. */
export const DueEditionMissing = {
  code: 'BW_DUE_EDITION_MISSING',
  title: 'No edition for the due slot',
  message: (slot: string, date: string, newest: string | undefined) =>
    `no built edition for the slot ${slot} (a slot sends the edition dated its local day, ${date})` +
    (newest ? `; newest built edition is ${newest}` : ''),
  hint: (_slot: string, date: string, _newest: string | undefined) =>
    `Add the brief and run "briefwire build", or record a week off with "briefwire skip ${date}". Reported once per slot; later ticks stay quiet.`,
} satisfies ProblemDef;

/** `send --due` will not start, from cron, an edition whose slot passed long ago and that was never sent. */
export const DueTooLate = {
  code: 'BW_DUE_TOO_LATE',
  title: 'Slot passed long ago',
  message: (date: string, slot: string, hours: number, limit: number) =>
    `the slot for edition ${date} (${slot}) passed ${hours} h ago, more than --late-limit ${limit} h, and it was never sent; not starting an old edition from cron`,
  hint: (date: string) => `To send it anyway: briefwire send ${date}`,
} satisfies ProblemDef;

/** `serve` or `preview` cannot listen on its port: another server (or an earlier run) has it. */
export const PortInUse = {
  code: 'BW_PORT_IN_USE',
  title: 'Port in use',
  message: (host: string, port: number) => `cannot listen on ${host}:${port}: the port is in use`,
  hint: 'Stop the other server, or pass another --port (--port 0 picks a free one).',
} satisfies ProblemDef;

/** `serve` or `preview` cannot listen for another reason: the host is not an address of this machine, or the port needs privileges. */
export const ListenFailed = {
  code: 'BW_LISTEN_FAILED',
  title: 'Cannot listen',
  message: (host: string, port: number, reason: string) => `cannot listen on ${host}:${port}: ${reason}`,
  hint: 'Pass --host with an address of this machine (127.0.0.1 by default) and a --port above 1023.',
} satisfies ProblemDef;

/** `serve` runs with a broken newsletter.yml: unsubscribe must keep working, so it serves without the newsletter's name. */
export const ServeWithoutName = {
  code: 'BW_SERVE_WITHOUT_NAME',
  title: 'Serving without the newsletter\'s name',
  message: 'serving anyway; the pages say "this newsletter" instead of its name until serve is restarted',
} satisfies ProblemDef;

/** `serve --base-url` must be where a browser reaches this server: an http or https URL. */
export const ServeBaseUrlInvalid = {
  code: 'BW_SERVE_BASE_URL_INVALID',
  title: 'serve --base-url is not an http(s) URL',
  message: (given: string) => `--base-url must be an http:// or https:// URL, got ${JSON.stringify(given)}`,
  hint: 'For a local trial give the address serve listens on, e.g. --port 8080 --base-url http://127.0.0.1:8080',
} satisfies ProblemDef;

// ---------------------------------------------------------------- schedule, skips, build freshness

/**
 * A published brief is dated on a weekday the schedule never sends on. A slot
 * sends the edition dated its own local day, so no slot will ever send this
 * one; it can still be sent by hand.
 */
export const BriefOffSlot = {
  code: 'BW_BRIEF_OFF_SLOT',
  title: 'Brief dated off the send day',
  message: (date: string, day: string, slotDay: string, _next: string) => `dated ${date}, a ${day}, but the schedule sends on ${slotDay}s: no slot will send this edition`,
  hint: (date: string, _day: string, _slotDay: string, next: string) => `Rename it to ${next}, or send it by hand with "briefwire send ${date}".`,
} satisfies ProblemDef;

/** `briefwire skip` was given a date that is not a send slot. */
export const SkipNotSlotDay = {
  code: 'BW_SKIP_NOT_SLOT_DAY',
  title: 'Not a send slot',
  message: (date: string, day: string, slotDay: string, _next: string) => `${date} is a ${day}, not a slot day: the schedule sends on ${slotDay}s`,
  hint: (_date: string, _day: string, _slotDay: string, next: string) => `The next slot day is ${next}.`,
} satisfies ProblemDef;

/** `briefwire skip` was asked to skip a slot whose edition has already been (partly) sent. */
export const SkipAlreadySent = {
  code: 'BW_SKIP_ALREADY_SENT',
  title: 'Slot already sent',
  message: (date: string, how: string) => `edition ${date} has already been ${how}; a slot that sent cannot be skipped`,
} satisfies ProblemDef;

/** A slot was skipped although its edition is built: `send --due` will not send it. */
export const SkipEditionBuilt = {
  code: 'BW_SKIP_EDITION_BUILT',
  title: 'Skipped slot has a built edition',
  message: (_date: string) => 'is built, but "send --due" will not send it now that its slot is skipped',
  hint: (date: string) => `Send it by hand with "briefwire send ${date}" if you change your mind.`,
} satisfies ProblemDef;

/** A line of the slot records (state dir slots.jsonl) is not a record; it is skipped. */
export const SlotRecordSkipped = {
  code: 'BW_SLOT_RECORD_SKIPPED',
  title: 'Slot record skipped',
  message: 'skipped a line that is not a slot record ({"slot","kind","at"})',
} satisfies ProblemDef;

/** The slot records (state dir slots.jsonl) could not be read. */
export const SlotRecordsUnreadable = {
  code: 'BW_SLOT_RECORDS_UNREADABLE',
  title: 'Slot records unreadable',
  message: (reason: string) => reason,
} satisfies ProblemDef;

/**
 * A built edition's inputs (its brief, an earlier brief, metrics.yml,
 * newsletter.yml or a template) changed since it was built, so what would be
 * sent is not what the sources now say. Nothing is sent until it is rebuilt.
 */
export const EditionStale = {
  code: 'BW_EDITION_STALE',
  title: 'Edition built from older sources',
  message: (changes: string) => `was built before its inputs changed: ${changes}`,
  hint: 'Run "briefwire build", check the result, then send.',
} satisfies ProblemDef;

/** The build output has no (readable) record of its inputs, so freshness cannot be checked. */
export const BuildInputsUnknown = {
  code: 'BW_BUILD_INPUTS_UNKNOWN',
  title: 'Build inputs not recorded',
  message: (reason: string, date: string) => `${reason}; cannot tell whether edition ${date} matches its sources`,
  hint: 'Run "briefwire build" to record them.',
} satisfies ProblemDef;

/**
 * The build output's record of its inputs (`build-inputs.json`) is there but
 * cannot be read or is not one: not JSON, or without the fields a record
 * has. Which sources the edition was built from is then unknown, so the
 * send refuses it rather than risk sending an edition that no longer
 * matches its brief.
 */
export const BuildInputsDamaged = {
  code: 'BW_BUILD_INPUTS_DAMAGED',
  title: 'Build inputs record damaged',
  message: (reason: string, date: string) => `is not a build-inputs record (${reason}); cannot tell whether edition ${date} matches its sources`,
  hint: 'Run "briefwire build" again to record the inputs afresh.',
} satisfies ProblemDef;

/** A test copy (send --to, or the preview's "Send a test") was refused or failed. */
export const TestCopyFailed = {
  code: 'BW_TEST_COPY_FAILED',
  title: 'Test copy not delivered',
  message: (kind: string, detail: string) => `test copy not delivered (${kind}): ${detail}`,
} satisfies ProblemDef;

// ---------------------------------------------------------------- state on PostgreSQL

/**
 * DATABASE_URL is set but is not a postgres:// (or postgresql://) URL. The
 * value is never echoed: it holds the password.
 */
export const DatabaseUrlInvalid = {
  code: 'BW_DATABASE_URL_INVALID',
  title: 'DATABASE_URL is not a PostgreSQL URL',
  message: 'DATABASE_URL is not a postgres:// URL (the value is not shown: it may hold a password)',
  hint: 'Use postgres://user:password@host:5432/database, or unset DATABASE_URL to keep state in files.',
} satisfies ProblemDef;

/**
 * The database server could not be reached, or refused the connection (wrong
 * password, unknown database, too many connections). The message names the
 * host and port and the server's reason, never the password.
 */
export const DatabaseUnreachable = {
  code: 'BW_DATABASE_UNREACHABLE',
  title: 'Database unreachable',
  message: (host: string, port: string, reason: string) => `cannot use the database at ${host}:${port}: ${reason}`,
  hint: 'Check that PostgreSQL is running and that DATABASE_URL names its host, port, database and user.',
} satisfies ProblemDef;

/**
 * The database's schema is older than this version of briefwire knows (or
 * has none yet): every command but `state migrate` refuses it, so nothing is
 * written in a shape the next version would misread.
 */
export const DatabaseSchemaOld = {
  code: 'BW_DATABASE_SCHEMA_OLD',
  title: 'Database schema older than briefwire',
  message: (found: number, known: number) =>
    found === 0 ? `the database has no briefwire schema yet (this version needs ${known})` : `the database schema is at version ${found}; this version of briefwire needs ${known}`,
  hint: 'Run "briefwire state migrate".',
} satisfies ProblemDef;

/**
 * The database's schema is newer than this version of briefwire knows: a
 * newer briefwire migrated it. This one refuses to touch it.
 */
export const DatabaseSchemaNew = {
  code: 'BW_DATABASE_SCHEMA_NEW',
  title: 'Database schema newer than briefwire',
  message: (found: number, known: number) => `the database schema is at version ${found}, newer than this version of briefwire knows (${known})`,
  hint: 'Upgrade briefwire on this host; "briefwire state migrate" never downgrades.',
} satisfies ProblemDef;

/**
 * A statement failed after the connection was made: the server went away, a
 * constraint refused a row. What was committed before stays; a send stops
 * taking recipients, and a rerun resumes from what the database holds.
 */
export const DatabaseFailed = {
  code: 'BW_DATABASE_FAILED',
  title: 'Database operation failed',
  message: (reason: string) => reason,
  hint: 'Once the database is back, rerun the command: it resumes from what the database recorded.',
} satisfies ProblemDef;

// ---------------------------------------------------------------- reports

/** `briefwire report` found no edition ever sent from this state (no ledger at all). */
export const ReportNothingSent = {
  code: 'BW_REPORT_NOTHING_SENT',
  title: 'No edition sent yet',
  message: 'no edition has been sent from this state yet: there is nothing to report',
  hint: 'Check --state (or DATABASE_URL): the report reads the state the sends wrote.',
} satisfies ProblemDef;

/** `briefwire report DATE` was given a date no send ever recorded. */
export const ReportEditionNotSent = {
  code: 'BW_REPORT_NOT_SENT',
  title: 'Edition never sent',
  message: (date: string, _latest: string) => `edition ${date} was never sent from this state`,
  hint: (_date: string, latest: string) => `The latest edition sent is ${latest}; "briefwire report" without a date reports on it.`,
} satisfies ProblemDef;
