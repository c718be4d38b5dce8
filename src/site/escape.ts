/**
 * Text to markup for the strings the site writes itself (SVG, sitemap, feed
 * titles); template output is escaped by Handlebars instead. The same five
 * characters are enough for XML and for HTML text and attributes.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** For HTML text content only (not attributes): leaves quotes readable in feed titles. */
export function escapeHtmlText(s: string): string {
  return s.replace(/[&<>]/g, (c) => ENTITIES[c]!);
}
