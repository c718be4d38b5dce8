/**
 * The compatibility report of a set of editions, as `briefwire check` prints
 * it: MJML's own gaps once (its markup is the same in every edition), then
 * per client the features our templates add, with the editions they appear
 * in. Gaps our templates add for the clients most readers use are warnings.
 */
import { warning, type Problem } from '../problems.js';
import { jsonDigest } from '../util/json-digest.js';
import { EmailClientUnsupported } from '../problem-catalogue.js';
import { REPORT_CLIENTS, baselineGaps, type ClientCompatibility, type CompatibilityBaseline, type FeatureGap, type ReportClient } from './compatibility.js';

/** Clients for which a feature our templates add is a warning: Gmail, Outlook (Windows and Outlook.com) and Apple Mail. */
export const MUST_SUPPORT: readonly ReportClient[] = ['Gmail', 'Outlook for Windows', 'Outlook.com', 'Apple Mail'];

export interface EditionCompatibility {
  date: string;
  report: readonly ClientCompatibility[];
}

/** A feature our templates add for one client, and the editions it is in (oldest first). */
export interface AddedGap extends FeatureGap {
  dates: string[];
}

export interface CompatibilitySummary {
  editions: number;
  mjml: { client: ReportClient; gaps: FeatureGap[] }[];
  templates: { client: ReportClient; gaps: AddedGap[] }[];
}

export function summarizeCompatibility(baseline: CompatibilityBaseline, editions: readonly EditionCompatibility[]): CompatibilitySummary {
  const templates = REPORT_CLIENTS.map((c) => {
    const byKey = new Map<string, AddedGap>();
    for (const { date, report } of editions) {
      for (const g of report.find((r) => r.client === c.name)?.templates ?? []) {
        const key = JSON.stringify([g.feature, g.platforms]);
        const seen = byKey.get(key);
        if (seen) seen.dates.push(date);
        else byKey.set(key, { ...g, dates: [date] });
      }
    }
    return { client: c.name, gaps: [...byKey.values()] };
  });
  return { editions: editions.length, mjml: baselineGaps(baseline), templates };
}

/** One warning per feature our templates add to this email for Gmail, Outlook or Apple Mail, naming those clients. */
export function compatibilityProblems(templateFile: string, report: readonly ClientCompatibility[]): Problem[] {
  const clients = new Map<string, string[]>();
  for (const c of report) {
    if (!MUST_SUPPORT.includes(c.client)) continue;
    for (const g of c.templates) clients.set(g.feature, [...(clients.get(g.feature) ?? []), `${c.client}${onlyOn(c.client, g.platforms)}`]);
  }
  return [...clients].map(([feature, names]) => warning(templateFile, EmailClientUnsupported, [feature, names.join(', ')]));
}

/** " (only ios)" when a gap affects some of the client's platforms, "" when it affects all of them. */
export function onlyOn(client: ReportClient, platforms: readonly string[]): string {
  const all = REPORT_CLIENTS.find((c) => c.name === client)!.platforms;
  if (platforms.length === all.length) return '';
  return ` (only ${platforms.map((p) => p.slice(p.indexOf('.') + 1)).join(', ')})`;
}

/** "every edition", "2026-01-26", or "3 editions: 2025-09-01, 2025-09-08, …" (the dates out of how many were checked). */
export function editionsText(dates: readonly string[], total: number): string {
  if (dates.length === total && total > 1) return 'every edition';
  if (dates.length === 1) return dates[0]!;
  return `${dates.length} editions: ${dates.slice(0, 3).join(', ')}${dates.length > 3 ? ', …' : ''}`;
}

/** Features that affect the same platforms, listed together, the platforms said once ("none" for none). */
export function featureList(client: ReportClient, gaps: readonly FeatureGap[]): string {
  if (gaps.length === 0) return 'none';
  const groups = new Map<string, string[]>();
  for (const g of gaps) groups.set(onlyOn(client, g.platforms), [...(groups.get(onlyOn(client, g.platforms)) ?? []), g.feature]);
  return [...groups].map(([only, features]) => `${features.join(', ')}${only}`).join('; ');
}

/** The lines `briefwire check` prints. */
export function formatCompatibilitySummary(s: CompatibilitySummary): string[] {
  const width = Math.max(...REPORT_CLIENTS.map((c) => c.name.length)) + 2;
  const row = (client: ReportClient, text: string) => `    ${client.padEnd(width)}${text}`;
  const added = (client: ReportClient, gaps: readonly AddedGap[]) =>
    gaps.length === 0 ? 'none' : gaps.map((g) => `${g.feature}${onlyOn(client, g.platforms)} in ${editionsText(g.dates, s.editions)}`).join('; ');
  return [
    `Email client compatibility (caniemail), ${s.editions} edition${s.editions === 1 ? '' : 's'}:`,
    '  Added by our templates:',
    ...s.templates.map((c) => row(c.client, added(c.client, c.gaps))),
    "  MJML's own markup (the same in every edition):",
    ...s.mjml.map((c) => row(c.client, featureList(c.client, c.gaps))),
  ];
}

/**
 * What the report says a writer could act on, as a digest: each client's gaps
 * (feature and platforms), ours and MJML's, without the editions they are in,
 * so a new edition with the same gaps is no change but a gap that comes or
 * goes is.
 */
export function compatibilityDigest(s: CompatibilitySummary): string {
  const gaps = (list: readonly { client: ReportClient; gaps: readonly FeatureGap[] }[]) =>
    list.map((c) => [c.client, c.gaps.map((g) => [g.feature, [...g.platforms].sort()]).sort()]);
  return jsonDigest({ templates: gaps(s.templates), mjml: gaps(s.mjml) });
}
