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
  /** `{{delta "key"}}`: the signed change ("+2.3 pp"), or the value when the metric is new this edition. */
  hb.registerHelper('delta', (key: unknown, options: HelperOptions) => {
    const row = rowFor(key, options);
    return row.deltaText || row.value;
  });
  hb.registerHelper('metricValue', (key: unknown, options: HelperOptions) => rowFor(key, options).value);
  hb.registerHelper('metricChange', (key: unknown, options: HelperOptions) => rowFor(key, options).change);
  /** `{{metricRel "key"}}`: the relative change ("+9.5%"), empty for shares and rates (they move in pp). */
  hb.registerHelper('metricRel', (key: unknown, options: HelperOptions) => rowFor(key, options).relText);
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('json', (value: unknown) => new hb.SafeString(JSON.stringify(value).replace(/</g, '\\u003c')));
}
