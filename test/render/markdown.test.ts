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

describe('the email rendering of a body', () => {
  test('carries inline styles for paragraphs, lists, links, tables, quotes and code; the site rendering stays plain', () => {
    const body = renderBody(
      'Intro with `code`.\n\n## Table\n\n| Provider | Share |\n| --- | ---: |\n| Alibaba | 38.1% |\n\n> A quote.\n\n```\nx = 1\n```\n\n- [link](https://a.example)\n',
    );
    expect(body.introHtml).toBe('<p>Intro with <code>code</code>.</p>');
    expect(body.introEmailHtml).toMatch(/^<p style="margin:0 0 12px;">Intro with <code style="font-family:[^"]+">code<\/code>\.<\/p>$/);
    const s = body.sections[0]!;
    expect(s.html).not.toMatch(/style="(?!text-align:right")/);
    expect(s.emailHtml).toMatch(/<table style="width:100%;border-collapse:collapse;[^"]*" role="presentation" cellpadding="0" cellspacing="0">/);
    // Header and cells are padded and ruled; the Markdown's right alignment wins over the default left.
    expect(s.emailHtml).toMatch(/<th style="padding:[^"]*border-bottom:1px solid #d0d7de;text-align:left;[^"]*text-align:right">Share<\/th>/);
    expect(s.emailHtml).toMatch(/<td style="padding:[^"]*text-align:right">38\.1%<\/td>/);
    expect(s.emailHtml).toMatch(/<blockquote style="[^"]*border-left:3px solid #d0d7de;[^"]*">/);
    expect(s.emailHtml).toContain('<pre style="');
    expect(s.emailHtml).toMatch(/<a href="https:\/\/a\.example" style="color:#0b5cad;text-decoration:underline;">link<\/a>/);
    // Rendering the styled copy leaves the shared tokens untouched: the plain copy has no styles.
    expect(renderBody('| a |\n| - |\n| b |\n').introHtml).not.toContain('style=');
  });
});

describe('body render memo', () => {
  test('hands back the same render for the same text and a fresh one for changed text', () => {
    const a = renderBody('Intro.\n\n## One\n\nText.');
    expect(renderBody('Intro.\n\n## One\n\nText.')).toBe(a);
    const b = renderBody('Intro.\n\n## One\n\nOther text.');
    expect(b).not.toBe(a);
    expect(b.sections[0]!.html).toBe('<p>Other text.</p>');
  });
});
