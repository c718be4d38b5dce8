/**
 * Email-client compatibility of a built email, from caniemail's data (through
 * @jsx-email/doiuse-email): which features each major client does not
 * support, split into what MJML itself emits and what our templates add.
 *
 * "What MJML emits" is measured, not listed: the same MJML with every piece
 * of our own markup emptied out (the contents of mj-text, mj-table, mj-raw
 * and mj-style; the title and preview text stay, since MJML turns them into
 * markup of its own) is compiled by MJML and checked the same way. A feature
 * unsupported by a client in the full email but not in that skeleton is one
 * our templates add.
 */
import { DoIUseEmail } from '@jsx-email/doiuse-email';
import { compileMjmlStrict } from './mjml-compile.js';

/** The clients the report covers, as caniemail names their platforms. */
export const REPORT_CLIENTS = [
  { name: 'Gmail', platforms: ['gmail.desktop-webmail', 'gmail.ios', 'gmail.android', 'gmail.mobile-webmail'] },
  { name: 'Outlook for Windows', platforms: ['outlook.windows', 'outlook.windows-mail'] },
  { name: 'Outlook.com', platforms: ['outlook.outlook-com'] },
  { name: 'Apple Mail', platforms: ['apple-mail.macos', 'apple-mail.ios'] },
  { name: 'Yahoo Mail', platforms: ['yahoo.desktop-webmail', 'yahoo.ios', 'yahoo.android'] },
  { name: 'Samsung Email', platforms: ['samsung-email.android'] },
] as const;

export type ReportClient = (typeof REPORT_CLIENTS)[number]['name'];

export interface ClientCompatibility {
  client: ReportClient;
  /** Unsupported features MJML's own markup brings (the same in every MJML email), each with the platforms affected. */
  mjml: FeatureGap[];
  /** Unsupported features that our templates add on top. */
  templates: FeatureGap[];
}

export interface FeatureGap {
  feature: string;
  platforms: string[];
}

const ERROR = /^`(.+)` is not supported by `(.+)`$/;

/** feature -> platforms that do not support it, for one HTML document. */
function gaps(html: string): Map<string, Set<string>> {
  const checker = new DoIUseEmail({ emailClients: ['gmail.*'] });
  // The package's list of client names predates Outlook.com, which caniemail's data
  // (bundled in the package) does cover; the platforms are set directly so it is checked too.
  checker.emailClients = REPORT_CLIENTS.flatMap((c) => [...c.platforms]) as typeof checker.emailClients;
  const result = checker.check(html);
  const out = new Map<string, Set<string>>();
  for (const e of result.success ? [] : result.errors) {
    const m = ERROR.exec(e);
    if (!m) continue;
    const set = out.get(m[1]!) ?? new Set<string>();
    set.add(m[2]!);
    out.set(m[1]!, set);
  }
  return out;
}

/** Our markup emptied out of an MJML document, leaving what MJML generates around it. */
export function mjmlSkeleton(mjml: string): string {
  return mjml.replace(/<(mj-text|mj-table|mj-raw|mj-style)\b([^>]*[^/>])?>[\s\S]*?<\/\1>/g, '<$1$2></$1>');
}

/**
 * Compares the email's gaps with the skeleton's. `skeletonHtml` is the MJML
 * compile of mjmlSkeleton(the email's MJML).
 */
export function compatibilityReport(html: string, skeletonHtml: string): ClientCompatibility[] {
  const ours = gaps(html);
  const theirs = gaps(skeletonHtml);
  return REPORT_CLIENTS.map((c) => {
    const mjml: FeatureGap[] = [];
    const templates: FeatureGap[] = [];
    for (const [feature, where] of ours) {
      const base = theirs.get(feature) ?? new Set<string>();
      const fromMjml = c.platforms.filter((p) => where.has(p) && base.has(p));
      const added = c.platforms.filter((p) => where.has(p) && !base.has(p));
      if (fromMjml.length > 0) mjml.push({ feature, platforms: fromMjml });
      if (added.length > 0) templates.push({ feature, platforms: added });
    }
    const byName = (a: FeatureGap, b: FeatureGap) => a.feature.localeCompare(b.feature);
    return { client: c.name, mjml: mjml.sort(byName), templates: templates.sort(byName) };
  });
}

/**
 * The report for one built email, given the MJML of its layout (the email
 * program's, with Handlebars expressions in place: MJML's own markup does not
 * depend on the data). templateFile serves as MJML's filePath.
 */
export async function checkCompatibility(html: string, layoutMjml: string, templateFile: string): Promise<ClientCompatibility[]> {
  const skeleton = await compileMjmlStrict(mjmlSkeleton(layoutMjml), templateFile);
  if (skeleton.html === undefined) throw new Error(`the MJML skeleton did not compile: ${skeleton.problems.map((p) => p.message).join('; ')}`);
  return compatibilityReport(html, skeleton.html);
}

/** Plain-text lines for `briefwire check`: one line per client, template additions called out. */
export function formatCompatibility(date: string, report: readonly ClientCompatibility[]): string[] {
  const lines = [`${date}: email client compatibility (caniemail)`];
  for (const c of report) {
    const list = (gs: FeatureGap[]) => gs.map((g) => g.feature).join(', ') || 'none';
    lines.push(`  ${c.client}: templates add ${list(c.templates)}; MJML itself: ${list(c.mjml)}`);
  }
  return lines;
}
