import { describe, expect, it } from 'vitest';
import { parse } from 'node-html-parser';
import { error, formatProblem, warning } from '../../src/problems.js';
import { EmailNearClip, MetricUnknown } from '../../src/problem-catalogue.js';
import { editionPageHtml, indexPageHtml, overlayHtml } from '../../src/preview/preview-pages.js';
import { escapeHtml } from '../../src/util/escape.js';
import { classifyPath } from '../../src/preview/sources.js';

const base = { build: 'b.1', newsletterName: 'AI <Cloud> Weekly', problems: [] };

describe('preview pages', () => {
  it('escapes text from briefs and file names', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = indexPageHtml({ ...base, rows: [{ date: '2025-01-06', number: 1, title: '<script>alert(1)</script>' }] });
    expect(html).not.toContain('<script>alert(1)');
    // Parsed back (entities decoded), it is the title as text, not an element.
    expect(parse(html).querySelector('a.edition-link')!.text).toBe('<script>alert(1)</script>');
    expect(parse(html).querySelector('a.edition-link script')).toBeNull();
    expect(parse(html).querySelector('.brand')!.innerHTML).toContain('AI &lt;Cloud&gt; Weekly');
  });

  it('marks drafts, which build and send leave out, on the index and the edition page', () => {
    const index = parse(indexPageHtml({ ...base, rows: [{ date: '2025-01-13', number: 2, title: 'Next', draft: true }, { date: '2025-01-06', number: 1, title: 'Live' }] }));
    expect(index.querySelector('tr[data-date="2025-01-13"] .draft')?.text).toBe('draft');
    expect(index.querySelector('tr[data-date="2025-01-06"] .draft')).toBeNull();
    const page = parse(
      editionPageHtml({ ...base, date: '2025-01-13', editionCount: 2, edition: { number: 2, title: 'Next', file: 'e/2025-01-13.md', previousDate: '2025-01-06', nextDate: null, draft: true }, editionProblems: [] }),
    );
    expect(page.querySelector('.draft')?.text).toBe('draft: not built or sent');
  });

  it('hides the overlay while there are only warnings, and lists every problem once there is an error', () => {
    const w = warning('content/editions/2025-01-06.md', EmailNearClip, ['2025-01-06', '95.0']);
    expect(parse(overlayHtml([w])).querySelector('#overlay')!.hasAttribute('hidden')).toBe(true);

    const e = error('content/editions/2025-01-13.md', MetricUnknown, ['x', undefined], { line: 7, column: 3 });
    const overlay = parse(overlayHtml([e, w])).querySelector('#overlay')!;
    expect(overlay.hasAttribute('hidden')).toBe(false);
    expect(overlay.getAttribute('data-errors')).toBe('1');
    const items = overlay.querySelectorAll('#problems li');
    expect(items.map((li) => li.getAttribute('data-file'))).toEqual(['content/editions/2025-01-13.md', 'content/editions/2025-01-06.md']);
    expect(items[0]!.getAttribute('data-line')).toBe('7');
    expect(items[0]!.text).toBe(formatProblem(e));
    expect(overlay.text).toContain('Build failed: 1 error, 1 warning');
  });

  it('renders an edition page that exists before its first render', () => {
    const html = editionPageHtml({
      ...base,
      date: '2025-01-06',
      editionCount: 520,
      edition: { number: 1, title: 'First', file: 'content/editions/2025-01-06.md', previousDate: null, nextDate: '2025-01-13' },
      editionProblems: [],
      progress: { done: 10, total: 520 },
    });
    const doc = parse(html);
    expect(doc.querySelector('#edition-title')!.text).toBe('First');
    expect(doc.querySelector('#email-frame')!.getAttribute('src')).toBe('about:blank');
    expect(doc.querySelector('#render-status')!.text).toContain('Rendering… 10 of 520 editions done.');
    expect(doc.querySelector('#next-edition')!.getAttribute('href')).toBe('/editions/2025-01-13/');
    expect(doc.querySelector('#clients-status')!.text).toBe('The report appears once the edition has rendered.');
    for (const id of ['view-desktop', 'view-mobile', 'view-text', 'view-source', 'view-data', 'view-clients', 'pane-clients', 'scheme-dark', 'overlay', 'email-size']) expect(doc.getElementById(id), id).not.toBeNull();
  });
});

describe('classifyPath', () => {
  const dirs = { contentDir: 'content', templatesDir: 'templates' };
  it.each([
    ['content/newsletter.yml', 'newsletter'],
    ['content/metrics.yml', 'metrics'],
    ['content/editions/2025-01-06-slug.md', 'brief'],
    ['content/editions/.2025-01-06.md.swp', 'ignored'],
    ['content/editions/_draft.md', 'ignored'],
    ['content/editions/notes.txt', 'ignored'],
    ['content/editions/sub/2025-01-06.md', 'ignored'],
    ['content/editions', 'content-dir'],
    ['content/README.md', 'ignored'],
    ['templates/partials/email-footer.mjml.hbs', 'template'],
    ['templates/email.mjml.hbs~', 'ignored'],
    ['templates', 'template'],
    ['elsewhere/newsletter.yml', 'ignored'],
  ])('%s is %s', (p, kind) => {
    expect(classifyPath(dirs, p)).toBe(kind);
  });
});
