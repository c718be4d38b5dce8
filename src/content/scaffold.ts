/**
 * `briefwire new`, the pure part: the text of next week's brief, with every
 * metric's latest observation listed as a commented line to copy (a
 * pre-filled value would count as reported again), and the date of the next
 * edition slot.
 * The command (src/cli/new-command.ts) does the reading and writing.
 */
import { DateTime } from 'luxon';
import { parse as parseYamlValue } from 'yaml';
import type { BriefMetric, Content } from '../model.js';
import { parsePeriod } from './period.js';

/** A metric's most recent reported value before some date, with the date of the brief that reported it. */
export interface LatestValue {
  metric: BriefMetric;
  date: string;
}

/**
 * Each metric's latest reported value in the briefs dated strictly before
 * `before`, keyed by metric key. Earlier values matter when scaffolding a
 * back-dated brief: its comparison is with what came before it, not after.
 */
export function latestValues(content: Pick<Content, 'briefs'>, before: string): Map<string, LatestValue> {
  const latest = new Map<string, LatestValue>();
  for (const brief of content.briefs) {
    if (brief.date >= before) continue;
    for (const metric of brief.metrics) {
      const seen = latest.get(metric.key);
      if (!seen || seen.date <= brief.date) latest.set(metric.key, { metric, date: brief.date });
    }
  }
  return latest;
}

/**
 * The date of the next edition: the next send slot from `now` (the first
 * slot-day date whose slot time has not passed, in the schedule's zone), or,
 * when briefs are already written for that slot or later, the first slot day
 * after the latest of them. A brief is never dated in the past by default: a
 * stale archive's "slot after the latest brief" may be months ago, and no
 * slot would ever send it. Without a schedule: today, or seven days after the
 * latest brief if that is later.
 */
export function nextEditionDate(content: Pick<Content, 'newsletter' | 'briefs'>, now: Date): string {
  const schedule = content.newsletter.schedule;
  const latest = content.briefs.reduce<string | undefined>((max, b) => (max === undefined || b.date > max ? b.date : max), undefined);
  const zone = schedule?.timezone ?? content.newsletter.timezone;
  const today = DateTime.fromISO(DateTime.fromJSDate(now, { zone }).toISODate()!, { zone: 'utc' });
  if (!schedule) {
    const weekAfter = latest === undefined ? undefined : DateTime.fromISO(latest, { zone: 'utc' }).plus({ days: 7 });
    return (weekAfter && weekAfter > today ? weekAfter : today).toISODate()!;
  }
  const onOrAfter = (day: DateTime): DateTime => day.plus({ days: (schedule.weekday - day.weekday + 7) % 7 });
  let next = onOrAfter(today);
  const slotTime = DateTime.fromISO(`${next.toISODate()!}T${schedule.time}`, { zone: schedule.timezone });
  if (slotTime.toMillis() <= now.getTime()) next = next.plus({ weeks: 1 });
  if (latest !== undefined && latest >= next.toISODate()!) next = onOrAfter(DateTime.fromISO(latest, { zone: 'utc' }).plus({ days: 1 }));
  return next.toISODate()!;
}

/**
 * The brief to write for `date`, a draft. It loads cleanly as is:
 * placeholders are plain text marked TODO (the audit refuses them once the
 * draft line goes), and the metrics block is all comments: one line per
 * registry metric with its latest observation before `date` (value text
 * exactly as last written), or an empty one for a metric never reported.
 */
export function scaffoldBrief(content: Pick<Content, 'metrics' | 'briefs'>, date: string): string {
  const latest = latestValues(content, date);
  // A derived metric is computed from its inputs, never written in a brief.
  const metricLines = content.metrics.filter((def) => def.derived === undefined).map((def) => {
    const last = latest.get(def.key);
    return last ? `#   ${def.key}: { ${observationFields(last.metric).join(', ')} }  # latest, from ${last.date}` : `#   ${def.key}: { value: , period: , source: }  # never reported`;
  });
  const metricsBlock = [
    '# Nothing counts as reported this week unless you write it here. Each metric\'s',
    '# latest observation is listed to copy: uncomment "metrics:" and the lines you',
    '# report, then give this week\'s value, period and source. An observation',
    '# repeated with the same period shows as "no new data", not as a change.',
    '# metrics:',
    ...metricLines,
  ];
  return [
    '---',
    'title: "TODO: headline"',
    '# A draft is shown by `briefwire preview` but left out of build, archive and send: delete this line when the brief is ready.',
    'draft: true',
    '# subject: optional, defaults to the title; may use {{delta "metric_key"}}',
    'preheader: "TODO: one line shown after the subject in the inbox"',
    'summary: "TODO: two or three sentences for the archive page and feeds"',
    ...metricsBlock,
    '---',
    '',
    'TODO: opening paragraph: what happened this week and why it matters.',
    '',
    '## TODO: first section',
    '',
    'TODO',
    '',
    '## What to watch',
    '',
    '- TODO',
    '',
  ].join('\n');
}

/** An observation written back in the brief format: value, period (grammar form), basis and label when needed, source. */
function observationFields(m: BriefMetric): string[] {
  const fields = [`value: ${m.value}`];
  if (m.periodText !== undefined) fields.push(`period: ${flowScalar(m.periodText)}`);
  if (m.basis === 'forecast' && !m.periodText?.endsWith('E')) fields.push('basis: forecast');
  // A label is written back only when the brief gave one (the default is derived from the period).
  if (m.period && m.periodText !== undefined && m.period.label !== parsePeriod(m.periodText).parsed?.period.label) fields.push(`label: ${flowScalar(m.period.label)}`);
  if (m.source !== undefined) fields.push(`source: ${flowScalar(m.source)}`);
  return fields;
}

/** A string as a YAML flow scalar: plain when it reads back as the same string, else double-quoted. */
function flowScalar(text: string): string {
  if (text !== '' && !/[\r\n]/.test(text)) {
    try {
      const back = parseYamlValue(`{ k: ${text} }`) as unknown;
      if (back !== null && typeof back === 'object' && (back as Record<string, unknown>)['k'] === text) return text;
    } catch {
      // not valid as a plain scalar: quote it
    }
  }
  return JSON.stringify(text);
}
