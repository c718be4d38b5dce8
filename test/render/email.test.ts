import { beforeAll, describe, expect, test } from 'vitest';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderAll, type RenderedSite } from '../../src/pipeline/build.js';
import { GMAIL_CLIP_BYTES } from '../../src/render/email.js';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../../src/render/placeholders.js';
import { brief, makeContent, renderSample, SAMPLE_CONTENT, SAMPLE_TEMPLATES, tempDir } from '../support/fixtures.js';

let site: RenderedSite;

beforeAll(async () => {
  site = await renderSample();
});

describe('the sample newsletter through real MJML', () => {
  test('every edition renders with no problems', () => {
    expect(site.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(site.rendered.map((r) => r.edition.number)).toEqual(site.rendered.map((_, i) => i + 1));
  });

  test('each email has lang, title, preheader, date and number, view-in-browser link, metrics, sections and footer', () => {
    for (const r of site.rendered) {
      const { html } = r.email;
      const e = r.edition;
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).toContain('<html lang="en-GB"');
      // The title is the subject: a title unlike the subject is a spam signal (SpamAssassin HTML_TITLE_SUBJ_DIFF).
      expect(html).toContain(`<title>${htmlEscape(e.subject)}</title>`);
      expect(html).toContain(htmlEscape(e.title));
      expect(html).toContain(htmlEscape(r.view.preheader));
      expect(html).toContain(`Edition ${e.number}`);
      // Plain text, no <time>: Outlook for Windows and Yahoo do not support it.
      expect(html).toContain(`Edition ${e.number} · ${r.view.dateLong}`);
      expect(html).not.toContain('<time');
      expect(html).toContain(`href="https://aicloudweekly.example/editions/${e.date}/"`);
      expect(html).toContain('View in browser');
      expect(html).toContain('Key metrics');
      for (const s of r.view.sections) expect(html).toContain(`id="${s.id}"`);
      expect(html).toContain(`href="${UNSUBSCRIBE_URL_PLACEHOLDER}"`);
      expect(html).toContain(`Sent by AI Cloud Weekly · ${r.view.newsletter.address}`);
      expect(html).not.toContain('<mj-');
      expect(r.email.htmlBytes).toBeLessThan(GMAIL_CLIP_BYTES);
    }
  });

  test('dates are in the newsletter language and zone', () => {
    const last = site.rendered.at(-1)!;
    expect(last.edition.date).toBe('2026-02-09');
    expect(last.email.html).toContain('Monday, 9 February 2026');
  });

  test('the text part: headings, paragraphs, aligned metrics table, links written out, unsubscribe placeholder', () => {
    const r = site.rendered.find((x) => x.edition.date === '2026-01-26')!;
    const text = r.email.text;
    expect(text).toContain('Key metrics\n-----------');
    for (const s of r.view.sections) expect(text).toContain(s.heading.replace(/<[^>]+>/g, ''));
    expect(text).toMatch(/<https:\/\/[^>]+>/);
    expect(text).toContain(`Unsubscribe: ${UNSUBSCRIBE_URL_PLACEHOLDER}`);
    expect(text).not.toMatch(/<\/?(p|a|strong|td)\b/);
    // Aligned: every table row's value column ends at the same column as the header's.
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('Metric'));
    const valueEnd = lines[header]!.indexOf('Value') + 'Value'.length;
    const rows = lines.slice(header + 2, lines.indexOf('', header)).filter((l) => /\d%\s/.test(l) && !l.startsWith(' '));
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row.slice(0, valueEnd)).toMatch(/\S$/);
  });
});

describe('Gmail clipping', () => {
  async function renderWithBody(body: string) {
    const dir = await makeContent({ '2025-01-06.md': brief('Big', '  share_a: 30', body) });
    const r = await renderAll({ contentDir: dir, templatesDir: SAMPLE_TEMPLATES });
    return r.problems;
  }

  test('warns above 90 KB and fails above 102 KB, naming the edition', async () => {
    const para = (n: number) => Array.from({ length: n }, (_, i) => `Paragraph ${i} with some words to fill the email body.`).join('\n\n');
    const warned = await renderWithBody(`## Long\n\n${para(820)}`);
    const warn = warned.find((p) => p.code === 'BW_EMAIL_NEAR_CLIP');
    expect(warn?.severity).toBe('warning');
    expect(warn?.message).toContain('edition 2025-01-06');
    const failed = await renderWithBody(`## Longer\n\n${para(1000)}`);
    expect(failed.map((p) => p.code)).not.toContain('BW_EMAIL_NEAR_CLIP');
    const err = failed.find((p) => p.code === 'BW_EMAIL_CLIPPED');
    expect(err?.severity).toBe('error');
    expect(err?.file).toMatch(/2025-01-06\.md$/);
  });
});

describe('template errors name the template', () => {
  async function templatesWith(file: string, text: string): Promise<string> {
    const dir = await tempDir();
    await cp(SAMPLE_TEMPLATES, dir, { recursive: true });
    await writeFile(path.join(dir, file), text);
    return dir;
  }

  test('a Handlebars syntax error gives the file and line', async () => {
    const original = await readFile(path.join(SAMPLE_TEMPLATES, 'partials/movers.mjml.hbs'), 'utf8');
    const dir = await templatesWith('partials/movers.mjml.hbs', original.replace('{{/each}}', '{{/if}}'));
    const r = await renderAll({ contentDir: SAMPLE_CONTENT, templatesDir: dir });
    expect('files' in r).toBe(false);
    // The sample's own warnings come beside it, in no fixed order: the error is the one that counts.
    const [p, ...others] = r.problems.filter((x) => x.severity === 'error');
    expect(others).toEqual([]);
    expect(p!.file).toBe(path.join(dir, 'partials/movers.mjml.hbs'));
    expect(p!.code).toBe('BW_TEMPLATE');
    expect(p!.line).toBeGreaterThan(1);
  });

  test('an MJML validation error names the template and the offending tag', async () => {
    const original = await readFile(path.join(SAMPLE_TEMPLATES, 'email.mjml.hbs'), 'utf8');
    const dir = await templatesWith('email.mjml.hbs', original.replace('<mj-column>', '<mj-column colour="red">'));
    const r = await renderAll({ contentDir: SAMPLE_CONTENT, templatesDir: dir });
    expect(r.problems.length).toBeGreaterThan(0);
    const errors = r.problems.filter((x) => x.severity === 'error');
    const p = errors[0]!;
    expect(p.file).toBe(path.join(dir, 'email.mjml.hbs'));
    expect(p.code).toBe('BW_MJML_INVALID');
    expect(p.message).toMatch(/<mj-column> Attribute colour is illegal; line \d+: <mj-column colour="red">/);
    // One template mistake, one problem per distinct error, saying which editions it broke.
    expect(p.message).toMatch(/\(8 editions: 2025-09-01, 2025-09-15, 2025-10-13, …\)$/);
    expect(new Set(errors.map((x) => x.message)).size).toBe(errors.length);
  });

  test('an unknown metric in a subject names the brief', async () => {
    const dir = await makeContent({ '2025-01-06.md': `---\ntitle: T\nsubject: "Share {{delta \\"share_b\\"}}"\nmetrics:\n  share_a: 30\n---\nBody\n` });
    const r = await renderAll({ contentDir: dir, templatesDir: SAMPLE_TEMPLATES });
    const p = r.problems.find((x) => x.severity === 'error')!;
    expect(p.file).toMatch(/2025-01-06\.md$/);
    expect(p.code).toBe('BW_SUBJECT_TEMPLATE');
    expect(p.message).toContain('metric "share_b" is not reported in this edition');
    expect(p.line).toBe(3);
  });

  test('a subject using a metric the edition no longer reports is an error, not a dash in every inbox', async () => {
    const dir = await makeContent({
      '2025-01-06.md': brief('One', '  share_a: 30\n  market: 5'),
      '2025-01-13.md': `---\ntitle: Two\nsubject: "Market {{delta \\"market\\"}}"\nmetrics:\n  share_a: 31\n---\nBody\n`,
    });
    const r = await renderAll({ contentDir: dir, templatesDir: SAMPLE_TEMPLATES });
    const p = r.problems.find((x) => x.severity === 'error')!;
    expect(p.file).toMatch(/2025-01-13\.md$/);
    expect(p.code).toBe('BW_SUBJECT_TEMPLATE');
    expect(p.message).toContain('metric "market" is not reported in this edition');
  });
});

function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

describe('template files', () => {
  test('two partials with one name are an error naming both files, not a silent replacement', async () => {
    const dir = await tempDir();
    await cp(SAMPLE_TEMPLATES, dir, { recursive: true });
    await writeFile(path.join(dir, 'site', 'partials', 'sections.html.hbs'), '<p>site sections</p>');
    const r = await renderAll({ contentDir: SAMPLE_CONTENT, templatesDir: dir });
    expect('files' in r).toBe(false);
    const p = r.problems.find((x) => x.code === 'BW_PARTIAL_NAME_TAKEN')!;
    expect(p.message).toContain('"sections"');
    expect(p.file).toBe(path.join(dir, 'site', 'partials', 'sections.html.hbs'));
    expect(p.message).toContain(path.join(dir, 'partials', 'sections.mjml.hbs'));
  });
});

describe('the text part', () => {
  test('every line of every sample edition fits 78 columns, unless it is one unbreakable word (a URL), and URLs are whole', async () => {
    const r = await renderAll({ contentDir: SAMPLE_CONTENT, templatesDir: SAMPLE_TEMPLATES });
    if (!('files' in r)) throw new Error(JSON.stringify(r.problems));
    for (const e of r.rendered) {
      for (const line of e.email.text.split('\n')) {
        if ([...line].length > 78) expect(line.trim(), `${e.edition.date}: ${line}`).toMatch(/^\S+$/);
      }
      // Every link of the HTML part appears whole in the text part.
      for (const m of e.email.html.matchAll(/href="(https:\/\/[^"]+)"/g)) expect(e.email.text, e.edition.date).toContain(m[1]!.replace(/&amp;/g, '&'));
    }
  });

  test('a Markdown table in a brief becomes an aligned text table with the same numbers as the HTML', async () => {
    const body = '## Shares\n\n| Provider | Share | Change |\n| --- | ---: | ---: |\n| Alibaba Cloud | 38.1% | +2.3 pp |\n| Volcano Engine | 14.8% | -0.4 pp |\n';
    const dir = await makeContent({ '2025-01-06.md': brief('Tables', '  share_a: 30', body) });
    const r = await renderAll({ contentDir: dir, templatesDir: SAMPLE_TEMPLATES });
    if (!('files' in r)) throw new Error(JSON.stringify(r.problems));
    const { text, html } = r.rendered[0]!.email;
    const lines = text.split('\n');
    const header = lines.findIndex((l) => /^Provider\s+Share\s+Change$/.test(l));
    expect(header, text).toBeGreaterThanOrEqual(0);
    const rows = lines.slice(header + 1, header + 3);
    expect(rows[0]).toMatch(/^Alibaba Cloud\s+38\.1%\s+\+2\.3 pp$/);
    expect(rows[1]).toMatch(/^Volcano Engine\s+14\.8%\s+-0\.4 pp$/);
    // Columns line up: each column starts at the same place on every line.
    const start = (l: string, word: string) => l.indexOf(word);
    expect(start(rows[0]!, '38.1%')).toBe(start(rows[1]!, '14.8%'));
    expect(start(lines[header]!, 'Share')).toBe(start(rows[0]!, '38.1%'));
    for (const n of ['38.1%', '+2.3 pp', '14.8%', '-0.4 pp']) expect(html).toContain(n);
  });
});
