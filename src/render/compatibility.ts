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

type HtmlElement = Parameters<DoIUseEmail['checkHtmlNode']>[0];

/**
 * doiuse-email judges each element by itself alone (its tag, attributes and
 * inline style), and an email repeats the same cells and paragraphs many
 * times: an element identical to one already checked can add no gap, so it
 * is skipped (its children are still visited). Same result, several times
 * faster on our emails.
 */
class DistinctElementChecker extends DoIUseEmail {
  private readonly seen = new Set<string>();

  override checkHtmlNode(node: HtmlElement): void {
    const key = JSON.stringify([node.tagName, node.attributes.map((a) => [a.name, a.value])]);
    if (!this.seen.has(key)) {
      this.seen.add(key);
      super.checkHtmlNode(node);
      return;
    }
    for (const child of node.childNodes) {
      // Only elements ('tag'), as doiuse-email itself walks them; <style> and <script> are not.
      if (child.type === ('tag' as HtmlElement['type'])) this.checkHtmlNode(child as HtmlElement);
    }
  }
}

/** feature -> platforms that do not support it, for one HTML document. */
function gaps(html: string): Map<string, Set<string>> {
  const checker = new DistinctElementChecker({ emailClients: ['gmail.*'] });
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
 * What MJML's own markup lacks, per feature: the gaps of the layout's
 * skeleton. MJML's markup does not depend on the data, so one baseline
 * serves every edition of a template set.
 */
export interface CompatibilityBaseline {
  readonly gaps: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The baseline of a layout (the email program's MJML, Handlebars expressions in place); templateFile serves as MJML's filePath. */
export async function compatibilityBaseline(layoutMjml: string, templateFile: string): Promise<CompatibilityBaseline> {
  const skeleton = await compileMjmlStrict(mjmlSkeleton(layoutMjml), templateFile);
  if (skeleton.html === undefined) throw new Error(`the MJML skeleton did not compile: ${skeleton.problems.map((p) => p.message).join('; ')}`);
  return { gaps: gaps(skeleton.html) };
}

/** One email's gaps per client, split by the baseline into MJML's and ours. */
export function compatibilityAgainst(html: string, baseline: CompatibilityBaseline): ClientCompatibility[] {
  const ours = gaps(html);
  return REPORT_CLIENTS.map((c) => {
    const mjml: FeatureGap[] = [];
    const templates: FeatureGap[] = [];
    for (const [feature, where] of ours) {
      const base = baseline.gaps.get(feature) ?? new Set<string>();
      const fromMjml = c.platforms.filter((p) => where.has(p) && base.has(p));
      const added = c.platforms.filter((p) => where.has(p) && !base.has(p));
      if (fromMjml.length > 0) mjml.push({ feature, platforms: fromMjml });
      if (added.length > 0) templates.push({ feature, platforms: added });
    }
    return { client: c.name, mjml: mjml.sort(byFeature), templates: templates.sort(byFeature) };
  });
}

/** The gaps of MJML's own markup per client, as the baseline has them (the same for every edition). */
export function baselineGaps(baseline: CompatibilityBaseline): { client: ReportClient; gaps: FeatureGap[] }[] {
  return REPORT_CLIENTS.map((c) => {
    const out: FeatureGap[] = [];
    for (const [feature, where] of baseline.gaps) {
      const platforms = c.platforms.filter((p) => where.has(p));
      if (platforms.length > 0) out.push({ feature, platforms });
    }
    return { client: c.name, gaps: out.sort(byFeature) };
  });
}

const byFeature = (a: FeatureGap, b: FeatureGap) => a.feature.localeCompare(b.feature);

/** The report for one built email, given the MJML of its layout (compiles the baseline: for many emails, take it once and use compatibilityAgainst). */
export async function checkCompatibility(html: string, layoutMjml: string, templateFile: string): Promise<ClientCompatibility[]> {
  return compatibilityAgainst(html, await compatibilityBaseline(layoutMjml, templateFile));
}
