/**
 * Markdown body to HTML, split into the email's sections: each `## ` heading
 * starts a section; anything before the first one is the intro. markdown-it
 * is CommonMark-compliant (tables too); raw HTML is off so a brief cannot
 * break the email's table layout (or smuggle script into the archive).
 *
 * Each body is parsed once and rendered twice: plain for the archive and
 * feeds (the site's stylesheet styles it), and with inline styles for the
 * email, where a client that strips <style> must still show spaced
 * paragraphs, bordered table cells and set-off quotes and code.
 */
import MarkdownIt from 'markdown-it';
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];
import type { Section } from '../model.js';
import { INLINE_CSS } from './email-css.js';
import { slugify } from './slug.js';
import { editionsMemoized } from '../util/bounded-memo.js';

const md = new MarkdownIt({ html: false, linkify: true, typographer: true });
const emailMd = new MarkdownIt({ html: false, linkify: true, typographer: true });

/** Tag -> inline style for the email rendering; numeric cell alignment from the Markdown (`---:`) is kept. */
const TAG_CSS: Record<string, string> = {
  p: INLINE_CSS.p,
  ul: INLINE_CSS.ul,
  ol: INLINE_CSS.ol,
  li: INLINE_CSS.li,
  a: INLINE_CSS.a,
  strong: INLINE_CSS.strong,
  blockquote: INLINE_CSS.blockquote,
  code: INLINE_CSS.code,
  pre: INLINE_CSS.pre,
  hr: INLINE_CSS.hr,
  table: INLINE_CSS.table,
  th: INLINE_CSS.th,
  td: INLINE_CSS.td,
  h1: INLINE_CSS.h2,
  h3: INLINE_CSS.h3,
  h4: INLINE_CSS.h3,
  h5: INLINE_CSS.h3,
  h6: INLINE_CSS.h3,
};

function styleToken(t: Token): void {
  if (t.nesting === -1) return;
  const css = TAG_CSS[t.tag];
  if (!css) return;
  // markdown-it writes column alignment as style="text-align:right"; it must win over the default left.
  const own = t.attrGet('style');
  t.attrSet('style', own ? `${css}${own}` : css);
  if (t.tag === 'table') {
    t.attrSet('role', 'presentation');
    t.attrSet('cellpadding', '0');
    t.attrSet('cellspacing', '0');
  }
}

const defaultRender = (name: string) =>
  emailMd.renderer.rules[name] ?? ((tokens: Token[], idx: number, options: unknown, _env: unknown, self: InstanceType<typeof MarkdownIt>['renderer']) => self.renderToken(tokens, idx, options as never));

// Styles are added for the length of one render call, so the same tokens also render plain for the site.
for (const name of [
  'paragraph_open', 'bullet_list_open', 'ordered_list_open', 'list_item_open', 'link_open', 'strong_open', 'blockquote_open', 'hr',
  'table_open', 'th_open', 'td_open', 'heading_open',
]) {
  const original = defaultRender(name);
  emailMd.renderer.rules[name] = (tokens, idx, options, env, self) => {
    const t = tokens[idx]!;
    const attrs = t.attrs;
    t.attrs = attrs ? attrs.map((a) => [a[0], a[1]] as [string, string]) : null;
    styleToken(t);
    try {
      return original(tokens, idx, options, env, self);
    } finally {
      t.attrs = attrs;
    }
  };
}
const escape = emailMd.utils.escapeHtml;
emailMd.renderer.rules.code_inline = (tokens, idx) => `<code style="${INLINE_CSS.code}">${escape(tokens[idx]!.content)}</code>`;
const block = (tokens: Token[], idx: number) => `<pre style="${INLINE_CSS.pre}"><code>${escape(tokens[idx]!.content)}</code></pre>\n`;
emailMd.renderer.rules.code_block = block;
emailMd.renderer.rules.fence = block;

export interface RenderedBody {
  introHtml: string;
  /** The intro with inline styles, for the email. */
  introEmailHtml: string;
  sections: Section[];
}

/**
 * Renders are memoized by body text: the preview derives every edition's view
 * on each save to see what changed, and without this would re-parse hundreds
 * of unchanged bodies each time. Bounded so a long preview session's edits do
 * not pile up; callers treat the result as read-only.
 */
const memo = new Map<string, RenderedBody>();

export function renderBody(markdown: string): RenderedBody {
  const hit = memo.get(markdown);
  if (hit) {
    // Re-insert so the Map's order is least recently used first.
    memo.delete(markdown);
    memo.set(markdown, hit);
    return hit;
  }
  const rendered = renderUncached(markdown);
  memo.set(markdown, rendered);
  while (memo.size > editionsMemoized()) memo.delete(memo.keys().next().value!);
  return rendered;
}

function renderUncached(markdown: string): RenderedBody {
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
  const plain = (ts: Token[]) => md.renderer.render(ts, md.options, env).trim();
  const styled = (ts: Token[]) => emailMd.renderer.render(ts, emailMd.options, env).trim();
  return {
    introHtml: plain(introTokens),
    introEmailHtml: styled(introTokens),
    sections: sections.map((s) => ({
      heading: s.heading,
      headingText: s.headingText,
      id: uniqueId(slugify(s.headingText, 'section'), ids),
      html: plain(s.tokens),
      emailHtml: styled(s.tokens),
    })),
  };
}

function uniqueId(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}
