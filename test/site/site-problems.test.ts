import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadContent } from '../../src/content/load.js';
import { compileTemplates, readTemplateSources, type TemplateSource } from '../../src/render/templates.js';
import { renderContent } from '../../src/pipeline/build.js';
import type { Content } from '../../src/model.js';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../../src/render/placeholders.js';

let content: Content;
let sources: TemplateSource[];

beforeAll(async () => {
  const loaded = await loadContent('content');
  if (!loaded.ok) throw new Error('sample content does not load');
  content = loaded.value;
  sources = (await readTemplateSources('templates')).sources;
});

/** Renders the sample with one template's text replaced. */
async function renderWith(rel: string, edit: (text: string) => string) {
  const changed = sources.map((s) => (s.rel === rel ? { ...s, text: edit(s.text) } : s));
  expect(changed.some((s, i) => s.text !== sources[i]!.text), `${rel} was not changed`).toBe(true);
  const compiled = compileTemplates('templates', changed, content.newsletter);
  if (!compiled.ok) throw new Error(compiled.problems.map((p) => p.message).join('\n'));
  return renderContent(content, compiled.value);
}

const siteFiles = (files: Map<string, string>) => [...files.keys()].filter((f) => f.startsWith('site/'));

describe('site template problems are values', () => {
  it('the sample builds the site without problems', async () => {
    const r = await renderWith('site/index.html.hbs', (t) => `${t}\n`);
    expect(r.problems).toEqual([]);
    expect(siteFiles(r.files).length).toBeGreaterThan(20);
  });

  it('a misspelt field is one error naming the template file and line, not one per edition, and writes no site files', async () => {
    const r = await renderWith('site/edition.html.hbs', (t) => t.replace('<h1>{{title}}</h1>', '<h1>{{titel}}</h1>'));
    const errors = r.problems.filter((p) => p.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.file).toBe(path.join('templates', 'site', 'edition.html.hbs'));
    expect(errors[0]).toMatchObject({ code: 'BW_TEMPLATE', message: expect.stringMatching(/titel/) });
    const edited = sources.find((s) => s.rel === 'site/edition.html.hbs')!.text;
    expect(errors[0]!.line).toBe(edited.split('\n').findIndex((l) => l.includes('<h1>{{title}}</h1>')) + 1);
    expect(siteFiles(r.files)).toEqual([]);
    // The email files are still there for the report; build() writes nothing when there are errors.
    expect([...r.files.keys()].some((f) => f.endsWith('email.html'))).toBe(true);
  });

  it('subscriber fields are not in reach of a site template', async () => {
    const r = await renderWith('site/edition.html.hbs', (t) => t.replace('<h1>{{title}}</h1>', '<h1>{{title}}</h1><a href="{{unsubscribeUrl}}">x</a>'));
    expect(r.problems.map((p) => p.file)).toEqual([path.join('templates', 'site', 'edition.html.hbs')]);
    expect(r.problems[0]).toMatchObject({ code: 'BW_TEMPLATE', message: expect.stringMatching(/unsubscribeUrl/) });
  });

  it('refuses a site page that would publish the unsubscribe placeholder', async () => {
    const r = await renderWith('site/metrics.html.hbs', (t) => t.replace('<h1>Metrics</h1>', `<h1>Metrics</h1>${UNSUBSCRIBE_URL_PLACEHOLDER}`));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.file).toBe(path.join('templates', 'site', 'metrics.html.hbs'));
    expect(r.problems[0]!.code).toBe('BW_SITE_UNSUBSCRIBE_LINK');
    expect(siteFiles(r.files)).toEqual([]);
  });

  it('a missing site template is reported by name', async () => {
    const compiled = compileTemplates('templates', sources.filter((s) => s.rel !== 'site/404.html.hbs'), content.newsletter);
    if (!compiled.ok) throw new Error('templates do not compile');
    const r = await renderContent(content, compiled.value);
    expect(r.problems.map((p) => [p.file, p.code])).toEqual([[path.join('templates', 'site', '404.html.hbs'), 'BW_TEMPLATE_MISSING']]);
    expect(r.problems[0]!.message).toContain('"site/404.html"');
  });
});
