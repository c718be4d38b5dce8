/**
 * Markdown body to HTML, split into the email's sections: each `## ` heading
 * starts a section; anything before the first one is the intro. markdown-it
 * is CommonMark-compliant; raw HTML is off so a brief cannot break the
 * email's table layout (or smuggle script into the archive).
 */
import MarkdownIt from 'markdown-it';
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];
import type { Section } from '../model.js';

const md = new MarkdownIt({ html: false, linkify: true, typographer: true });

export interface RenderedBody {
  introHtml: string;
  sections: Section[];
}

export function renderBody(markdown: string): RenderedBody {
  const env = {};
  const tokens = md.parse(markdown, env);
  const introTokens: Token[] = [];
  const sections: { heading: string; headingText: string; tokens: Token[] }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'heading_open' && t.tag === 'h2') {
      // Rendered from the parsed inline tokens, so reference links in headings resolve like the rest of the body.
      const children = tokens[i + 1]?.children ?? [];
      const heading = md.renderer.renderInline(children, md.options, env).trim();
      const headingText = children.map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : c.type === 'softbreak' ? ' ' : '')).join('').trim();
      sections.push({ heading, headingText, tokens: [] });
      i += 2; // skip inline + heading_close
      continue;
    }
    (sections.at(-1)?.tokens ?? introTokens).push(t);
  }
  const ids = new Set<string>();
  return {
    introHtml: md.renderer.render(introTokens, md.options, env).trim(),
    sections: sections.map((s) => ({
      heading: s.heading,
      headingText: s.headingText,
      id: uniqueId(slugify(s.headingText), ids),
      html: md.renderer.render(s.tokens, md.options, env).trim(),
    })),
  };
}

export function slugify(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'section';
}

function uniqueId(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}
