import { describe, expect, test } from 'vitest';
import { renderBody } from '../../src/render/markdown.js';

describe('brief bodies', () => {
  test('the intro is what comes before the first ## heading; each ## starts a section', () => {
    const body = renderBody('Intro **text**.\n\n## Market size\n\nOne.\n\n## Chips\n\n- a\n- b\n');
    expect(body.introHtml).toBe('<p>Intro <strong>text</strong>.</p>');
    expect(body.sections.map((s) => [s.id, s.heading, s.html])).toEqual([
      ['market-size', 'Market size', '<p>One.</p>'],
      ['chips', 'Chips', '<ul>\n<li>a</li>\n<li>b</li>\n</ul>'],
    ]);
  });

  test('a heading keeps its inline markup, resolves reference links, and has a plain-text form for tables of contents', () => {
    const body = renderBody('## What [Omdia][o] said about *Qwen*\n\nText.\n\n## What Omdia said about Qwen\n\n[o]: https://omdia.example/r\n');
    const [first, second] = body.sections;
    expect(first!.heading).toBe('What <a href="https://omdia.example/r">Omdia</a> said about <em>Qwen</em>');
    expect(first!.headingText).toBe('What Omdia said about Qwen');
    expect([first!.id, second!.id]).toEqual(['what-omdia-said-about-qwen', 'what-omdia-said-about-qwen-2']);
  });

  test('raw HTML in a brief is shown as text, never passed through', () => {
    const body = renderBody('<script>alert(1)</script>\n\n## S\n\n<b>x</b>\n');
    expect(body.introHtml).not.toContain('<script>');
    expect(body.sections[0]!.html).toContain('&lt;b&gt;');
  });
});
