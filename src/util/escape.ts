/**
 * Text to markup for the strings briefwire writes itself (SVG, sitemap, feed
 * titles, preview pages, the unsubscribe pages, the per-recipient link);
 * template output is escaped by Handlebars instead. The same five characters
 * are enough for XML and for HTML text and attributes.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** The same escaping, named for HTML call sites. */
export const escapeHtml = escapeXml;

/** For HTML text content only (not attributes): leaves quotes readable in feed titles. */
export function escapeHtmlText(s: string): string {
  return s.replace(/[&<>]/g, (c) => ENTITIES[c]!);
}
