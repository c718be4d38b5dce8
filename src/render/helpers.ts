/**
 * Handlebars helpers for email, subject and site templates. Their names must
 * not collide with view-model fields ({{value}} is a field; {{metricValue "key"}} a helper).
 * They read the view model (see view-model.ts), so a template formats nothing itself and a
 * number reads the same in the subject, the email, the text part and the archive.
 */
import type Handlebars from 'handlebars';
import type { Newsletter } from '../model.js';
import { DATE_STYLES, formatDate, type DateStyle } from './dates.js';
import type { MetricRowView } from './view-model.js';
import { inlineCss } from './email-css.js';
import { projectedValue, reachesPeriod } from './projection-view.js';
import type { EditionView } from './view-model.js';

type HelperOptions = Handlebars.HelperOptions;

function rowFor(key: unknown, options: HelperOptions): MetricRowView {
  const rows = (options.data?.root as { metrics?: MetricRowView[] } | undefined)?.metrics ?? [];
  const row = rows.find((r) => r.key === key);
  if (!row || row.status === 'not-reported') {
    // A "—" in a subject line would go to every inbox; a missing figure is the analyst's to fix.
    throw new Error(`metric "${String(key)}" is not reported in this edition (helpers take a metric key from metrics.yml that the brief reports)`);
  }
  return row;
}

export function registerHelpers(hb: typeof Handlebars, newsletter: Newsletter): void {
  hb.registerHelper('formatDate', (value: unknown, style: unknown) => {
    const s = typeof style === 'string' ? style : 'long';
    if (!DATE_STYLES.includes(s as DateStyle)) throw new Error(`formatDate: unknown style "${s}" (use ${DATE_STYLES.join(', ')})`);
    return formatDate(String(value), s as DateStyle, newsletter.language, newsletter.timezone);
  });
  /**
   * `{{delta "key"}}`: the signed change of a like-for-like comparison ("+2.3 pp", "no change"); for
   * any other comparison the reader's words ("revised up from 51.8", "no new data since ..."); the
   * value when the metric is new. Never growth wording for what is not growth.
   */
  hb.registerHelper('delta', (key: unknown, options: HelperOptions) => {
    const row = rowFor(key, options);
    if (row.status === 'changed' || row.status === 'unchanged') return row.deltaText;
    return row.status === 'new' ? row.value : row.change;
  });
  hb.registerHelper('metricValue', (key: unknown, options: HelperOptions) => rowFor(key, options).value);
  hb.registerHelper('metricChange', (key: unknown, options: HelperOptions) => rowFor(key, options).change);
  /** `{{metricRel "key"}}`: the relative change ("+9.5%"), empty for shares and rates (they move in pp). */
  hb.registerHelper('metricRel', (key: unknown, options: HelperOptions) => rowFor(key, options).relText);
  /** `{{css "h2"}}`: the email's inline style for an element kind (email-css.ts), shared with the Markdown renderer. */
  hb.registerHelper('css', (key: unknown) => inlineCss(String(key)));
  /**
   * `{{keep change}}`: an arrow stays with its figure and a short unit with its number
   * ("▲ +CNY", "31.0 bn"), so a narrow column wraps between whole parts. Replaces
   * white-space:nowrap, which Outlook for Windows and Samsung Email ignore.
   */
  hb.registerHelper('keep', (value: unknown) => keepTogether(String(value ?? '')));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('json', (value: unknown) => new hb.SafeString(JSON.stringify(value).replace(/</g, '\\u003c')));
}

/** "vs" starts a comparison's words ("+2.3 pp vs H1 2025"): the line may break before it, never inside the figure. */
export function keepTogether(text: string): string {
  return text.replace(/([▲▼▬]) /gu, '$1\u00a0').replace(/ (?!vs )(?=[\p{L}%]{1,2}(?![\p{L}]))/gu, '\u00a0');
}

/**
 * Helpers for text an analyst writes (the brief's body and subject), not for
 * templates: `value` and `period` are also field names in the metric rows a
 * template loops over, so they are passed per call instead of registered,
 * where `{{value}}` inside `{{#each metrics}}` would call them. `number` is
 * the edition's number too: without a key it still is.
 */
export const briefHelpers = {
  /** `{{value "key"}}`: the value with its unit, as the table shows it ("CNY 56.7 bn"). */
  value: (key: unknown, options: HelperOptions) => rowFor(key, options).value,
  /** `{{number "key"}}`: the value without its unit ("56.7"), for "{{number "qwen_downloads"}} million downloads"; `{{number}}`: the edition's number. */
  number: (...args: unknown[]) => {
    const options = args.at(-1) as HelperOptions;
    if (args.length === 1) return (options.data?.root as { number?: number } | undefined)?.number;
    return rowFor(args[0], options).numberText;
  },
  /** `{{projection "key" "scenario" "period"}}`: one scenario's projected value at a period ("CNY 185.9 bn"). */
  projection: (key: unknown, scenario: unknown, period: unknown, options: HelperOptions) => {
    const view = options.data?.root as EditionView;
    return projectedValue(view.projectionData, String(key), String(scenario), String(period), view.lang);
  },
  /** `{{reaches "key" "scenario"}}`: the first period the scenario reaches the projection's `reaches` ("Q2 2034"), or "not by <horizon>". */
  reaches: (key: unknown, scenario: unknown, options: HelperOptions) => reachesPeriod((options.data?.root as EditionView).projectionData, String(key), String(scenario)),
  /** `{{period "key"}}`: the period as readers see it ("H1 2025", "2026 projection"). */
  period: (key: unknown, options: HelperOptions) => {
    const row = rowFor(key, options);
    if (row.period === null) throw new Error(`metric "${String(key)}" has no period in this edition (it is a figure at the edition date)`);
    return row.period;
  },
};
