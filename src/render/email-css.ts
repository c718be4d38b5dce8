/**
 * The email's inline styles and its two palettes, in one place. Every style
 * the layout needs is written inline (by the templates through the `css`
 * helper and by the Markdown renderer), because the Gmail app with
 * non-Google accounts strips <style> and Gmail drops a whole <style> block
 * it dislikes. The <style> blocks only enhance: phone stacking and dark mode.
 */

/** Light palette (the inline default) and the dark one the <style> switches to. */
export const PALETTE = {
  light: {
    page: '#f3f4f6',
    card: '#ffffff',
    text: '#1f2328',
    heading: '#0d1117',
    muted: '#57606a',
    rule: '#d0d7de',
    ruleSoft: '#eaeef2',
    link: '#0b5cad',
    codeBg: '#f6f8fa',
    bar: '#9db7d5',
    barLast: '#0b5cad',
    positive: '#1a7f37',
    negative: '#c62828',
    neutral: '#57606a',
  },
  dark: {
    page: '#0d1117',
    card: '#161b22',
    text: '#e6edf3',
    heading: '#f0f6fc',
    muted: '#9da7b3',
    rule: '#3d444d',
    ruleSoft: '#30363d',
    link: '#6cb6ff',
    codeBg: '#1f2630',
    bar: '#3f5f86',
    barLast: '#6cb6ff',
    positive: '#4ac26b',
    negative: '#ff7b72',
    neutral: '#9da7b3',
  },
} as const;

const L = PALETTE.light;

/**
 * Inline style per element kind. Colours that dark mode changes are set on
 * the enclosing cell where possible, so the dark <style> overrides them in
 * one place; text inside inherits.
 */
export const INLINE_CSS = {
  h1: `margin:0;font-size:26px;line-height:1.25;font-weight:700;color:${L.heading};`,
  h2: `margin:20px 0 8px;font-size:20px;line-height:1.3;font-weight:700;color:${L.heading};`,
  h3: `margin:16px 0 6px;font-size:17px;line-height:1.35;font-weight:700;color:${L.heading};`,
  summary: 'margin:0;font-size:17px;line-height:1.5;',
  p: 'margin:0 0 12px;',
  ul: 'margin:0 0 12px;padding:0 0 0 22px;',
  ol: 'margin:0 0 12px;padding:0 0 0 22px;',
  li: 'margin:0 0 6px;',
  a: `color:${L.link};text-decoration:underline;`,
  strong: 'font-weight:700;',
  blockquote: `margin:0 0 12px;padding:0 0 0 12px;border-left:3px solid ${L.rule};color:${L.muted};`,
  code: `font-family:Consolas,Menlo,'Courier New',monospace;font-size:14px;background-color:${L.codeBg};padding:1px 4px;`,
  pre: `margin:0 0 12px;padding:8px 12px;font-family:Consolas,Menlo,'Courier New',monospace;font-size:13px;line-height:1.45;background-color:${L.codeBg};`,
  hr: `border:0;border-top:1px solid ${L.rule};margin:16px 0;`,
  table: 'width:100%;border-collapse:collapse;margin:0 0 12px;font-size:14px;line-height:1.4;',
  th: `padding:6px 8px 6px 0;border-bottom:1px solid ${L.rule};text-align:left;font-weight:700;vertical-align:bottom;`,
  td: `padding:6px 8px 6px 0;border-bottom:1px solid ${L.ruleSoft};text-align:left;vertical-align:top;`,
  small: `font-size:12px;line-height:1.4;color:${L.muted};`,
} as const;

export type InlineCssKey = keyof typeof INLINE_CSS;

export function inlineCss(key: string): string {
  const css = (INLINE_CSS as Record<string, string>)[key];
  if (css === undefined) throw new Error(`css: unknown style "${key}" (use ${Object.keys(INLINE_CSS).join(', ')})`);
  return css;
}

const D = PALETTE.dark;

/**
 * Dark mode, as CSS for the email's <style>: under `prefers-color-scheme: dark`
 * (Apple Mail, iOS Mail, Outlook for Mac, Thunderbird) and under Outlook.com's
 * `[data-ogsc]` / `[data-ogsb]` hooks (it rewrites colours itself otherwise).
 * The class names are the templates' (`bw-page`, `bw-card`, `bw-text`, ...).
 * Served to the templates as the `email-dark-css` partial.
 *
 * Only class and descendant selectors, which MJML's own CSS already needs; the
 * Outlook.com hooks (attribute selectors) sit inside an `@media screen` block,
 * so clients without media queries (Outlook for Windows, Gmail's basic mobile
 * web) skip them whole, as they skip MJML's own media queries.
 */
export function darkModeCss(): string {
  const background = (prefix: string) => [
    `${prefix}.bw-body, ${prefix}.bw-page, ${prefix}.bw-page table { background-color: ${D.page} !important; }`,
    `${prefix}.bw-card, ${prefix}.bw-card table { background-color: ${D.card} !important; }`,
    `${prefix}.bw-text code, ${prefix}.bw-text pre { background-color: ${D.codeBg} !important; }`,
    `${prefix}.bw-bar { background-color: ${D.bar} !important; }`,
    `${prefix}.bw-bar-last { background-color: ${D.barLast} !important; }`,
  ];
  const foreground = (prefix: string) => [
    `${prefix}.bw-text, ${prefix}.bw-text div, ${prefix}.bw-text table { color: ${D.text} !important; }`,
    `${prefix}.bw-text h1, ${prefix}.bw-text h2, ${prefix}.bw-text h3, ${prefix}.bw-text strong { color: ${D.heading} !important; }`,
    `${prefix}.bw-muted div, ${prefix}.bw-muted a, ${prefix}.bw-small, ${prefix}.bw-text blockquote, ${prefix}.bw-hide-mobile { color: ${D.muted} !important; }`,
    `${prefix}.bw-text a { color: ${D.link} !important; }`,
    `${prefix}.bw-text th, ${prefix}.bw-rule { border-color: ${D.rule} !important; }`,
    `${prefix}.bw-text td, ${prefix}.bw-rule-soft { border-color: ${D.ruleSoft} !important; }`,
    `${prefix}.bw-positive { color: ${D.positive} !important; }`,
    `${prefix}.bw-negative { color: ${D.negative} !important; }`,
    `${prefix}.bw-neutral { color: ${D.neutral} !important; }`,
  ];
  return [
    '@media (prefers-color-scheme: dark) {',
    ...background(''),
    ...foreground(''),
    '}',
    // Outlook.com marks a message it shows dark with data-ogsc (foreground) and data-ogsb (background).
    '@media screen {',
    ...foreground('[data-ogsc] '),
    ...background('[data-ogsb] '),
    '}',
  ].join('\n');
}
