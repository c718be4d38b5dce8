/**
 * The one slug rule: accents folded to their base letter ("Zürich" → "zurich"),
 * lower case, every run of anything else one hyphen. Heading anchors and the
 * List-Id both use it, so a name reads the same wherever it becomes an id.
 */
export function slugify(text: string, fallback: string): string {
  const s = text
    .normalize('NFKD')
    // NFKD splits "ü" into "u" + a combining diaeresis; drop the marks, keep the letters.
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || fallback;
}
