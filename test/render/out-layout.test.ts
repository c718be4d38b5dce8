import { describe, expect, it } from 'vitest';
import { parseNewsletter } from '../../src/content/newsletter-config.js';
import { editionJsonSchema, editionOutputFile, EDITION_JSON, editionUrl, parseEditionJson } from '../../src/render/out-layout.js';

describe('out/ layout', () => {
  it('puts the files of an edition under editions/<date>/', () => {
    expect(editionOutputFile('2025-03-10', EDITION_JSON)).toBe('editions/2025-03-10/edition.json');
  });

  it('builds URLs from baseUrl as the newsletter schema leaves it: one slash however baseUrl was written', () => {
    for (const written of ['https://example.com/news', 'https://example.com/news/', 'https://example.com/news//']) {
      const { newsletter } = parseNewsletter('newsletter.yml', `name: N\nfrom: n@example.com\nbaseUrl: ${written}\ntimezone: UTC\nlanguage: en\n`);
      expect(newsletter?.baseUrl).toBe('https://example.com/news');
      expect(editionUrl(newsletter!.baseUrl, '2025-03-10')).toBe('https://example.com/news/editions/2025-03-10/');
    }
  });
});

describe('edition.json schema', () => {
  it('names each field that breaks the contract', () => {
    const r = parseEditionJson(JSON.stringify({ version: 1, date: '10/03/2025', number: 0, title: 'T', subject: 'S' }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.split(' ')[0])).toEqual(expect.arrayContaining(['"date"', '"number"', '"preheader"', '"metrics"']));
  });

  it('refuses a contract version it does not know, instead of misreading it', () => {
    const r = parseEditionJson(JSON.stringify({ version: 99 }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatch(/^"version"/);
    expect(parseEditionJson('{ not json').ok).toBe(false);
  });

  it('has a version field, so a later contract can be told apart', () => {
    expect(Object.keys(editionJsonSchema.shape)[0]).toBe('version');
  });
});
