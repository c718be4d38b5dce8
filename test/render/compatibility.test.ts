import { beforeAll, describe, expect, test } from 'vitest';
import { DoIUseEmail } from '@jsx-email/doiuse-email';
import { renderAll, type RenderedSite } from '../../src/pipeline/build.js';
import path from 'node:path';
import { emailProgramOf } from '../../src/render/email.js';
import { checkCompatibility, compatibilityAgainst, compatibilityBaseline, REPORT_CLIENTS, type ClientCompatibility } from '../../src/render/compatibility.js';
import { formatCompatibilitySummary, summarizeCompatibility } from '../../src/render/compatibility-summary.js';
import { SAMPLE_CONTENT, SAMPLE_TEMPLATES } from '../support/fixtures.js';

const TEMPLATE = path.join(SAMPLE_TEMPLATES, 'email.mjml.hbs');
let site: RenderedSite;
let layout: string;
const reports: { date: string; report: ClientCompatibility[] }[] = [];

beforeAll(async () => {
  const r = await renderAll({ contentDir: SAMPLE_CONTENT, templatesDir: SAMPLE_TEMPLATES });
  if (!('files' in r)) throw new Error(JSON.stringify(r.problems));
  site = r;
  const { program } = await emailProgramOf(site.templates);
  layout = program!.mjml;
  const baseline = await compatibilityBaseline(layout, TEMPLATE);
  for (const e of site.rendered) reports.push({ date: e.edition.date, report: compatibilityAgainst(e.email.html, baseline) });
}, 120_000);

describe('caniemail compatibility of the sample emails', () => {
  test('our templates add no feature that Gmail, Outlook (Windows and Outlook.com) or Apple Mail lacks', () => {
    expect(reports.length).toBeGreaterThanOrEqual(6);
    for (const { date, report } of reports) {
      for (const c of report.filter((x) => ['Gmail', 'Outlook for Windows', 'Outlook.com', 'Apple Mail'].includes(x.client))) {
        expect(c.templates, `${date} ${c.client}: ${JSON.stringify(c.templates)}`).toEqual([]);
      }
    }
  });

  test('the report sees what MJML itself brings, so the split is measured (not an empty checker)', () => {
    const gmail = reports[0]!.report.find((c) => c.client === 'Gmail')!;
    // MJML's responsive columns rely on <style> with class selectors and @media, which Gmail's basic mobile web ignores.
    expect(gmail.mjml.map((g) => g.feature)).toEqual(expect.arrayContaining(['@media', 'Class selector']));
    const outlook = reports[0]!.report.find((c) => c.client === 'Outlook for Windows')!;
    expect(outlook.mjml.length).toBeGreaterThan(0);
    // Every client named in the report has an entry.
    expect(reports[0]!.report.map((c) => c.client)).toEqual(['Gmail', 'Outlook for Windows', 'Outlook.com', 'Apple Mail', 'Yahoo Mail', 'Samsung Email']);
  });

  test('a template that adds <time> and white-space:nowrap is caught, for the clients that lack them', async () => {
    const e = site.rendered.at(-1)!;
    const html = e.email.html.replace('Key metrics</h2>', 'Key metrics</h2><time datetime="2026-01-26" style="white-space:nowrap">26 Jan</time>');
    const report = await checkCompatibility(html, layout, TEMPLATE);
    const added = (client: string) => report.find((c) => c.client === client)!.templates.map((g) => g.feature);
    expect(added('Outlook for Windows')).toEqual(expect.arrayContaining(['white-space']));
    expect(added('Samsung Email')).toContain('white-space');
    expect(added('Yahoo Mail').some((f) => /semantics|time/i.test(f))).toBe(true);
  });

  test('the summary of several editions: a gap in some of them names those editions, MJML\'s gaps once', async () => {
    const e = site.rendered.at(-1)!;
    const html = e.email.html.replace('Key metrics</h2>', 'Key metrics</h2><p style="white-space:nowrap">x</p>');
    const baseline = await compatibilityBaseline(layout, TEMPLATE);
    const summary = summarizeCompatibility(baseline, [...reports.slice(0, -1), { date: e.edition.date, report: compatibilityAgainst(html, baseline) }]);
    const lines = formatCompatibilitySummary(summary);
    expect(lines[0]).toBe(`Email client compatibility (caniemail), ${reports.length} editions:`);
    expect(lines).toContain(`    Outlook for Windows  white-space in ${e.edition.date}`);
    expect(lines).toContain('    Apple Mail           none');
    expect(summary.mjml.find((c) => c.client === 'Gmail')!.gaps.map((g) => g.feature)).toEqual(reports[0]!.report.find((c) => c.client === 'Gmail')!.mjml.map((g) => g.feature));
  });

  test('skipping elements identical to one already checked finds exactly what doiuse-email finds checking every element', () => {
    const platforms = REPORT_CLIENTS.flatMap((c) => [...c.platforms]);
    const everyElement = (html: string) => {
      const checker = new DoIUseEmail({ emailClients: ['gmail.*'] });
      checker.emailClients = platforms as typeof checker.emailClients;
      const r = checker.check(html);
      return [...new Set(r.success ? [] : r.errors.filter((e) => e.includes('is not supported by')))].sort();
    };
    // Against an empty baseline every gap counts as the templates', so the report lists them all.
    const reported = (html: string) =>
      compatibilityAgainst(html, { gaps: new Map() })
        .flatMap((c) => c.templates.flatMap((g) => g.platforms.map((p) => `\`${g.feature}\` is not supported by \`${p}\``)))
        .sort();
    const changed = site.rendered[0]!.email.html.replace('Key metrics</h2>', 'Key metrics</h2><time style="white-space:nowrap">x</time>');
    for (const html of [...site.rendered.map((e) => e.email.html), changed]) {
      const expected = everyElement(html);
      expect(expected.length).toBeGreaterThan(10);
      expect(reported(html)).toEqual(expected);
    }
  });
});
