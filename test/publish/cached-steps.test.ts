import { expect, test } from 'vitest';
import { loadContent } from '../../src/content/load.js';
import { auditContent } from '../../src/compute/audit.js';
import { SAMPLE_CONTENT } from '../support/fixtures.js';

// The build caches the audit under the registry and each brief's file, date, draft flag, metrics and
// placeholders only (publish/cached-steps.ts). That is safe while the audit reads nothing else of a brief:
// this holds it to that, so an audit that starts reading prose fails here rather than going stale in a cache.
test('the numbers audit reads no prose: other titles, subjects, summaries, bodies and slugs give the same problems', async () => {
  const loaded = await loadContent(SAMPLE_CONTENT);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  const content = loaded.value;
  // A placeholder left in one brief, so the audit has errors as well as warnings to agree on.
  const briefs = content.briefs.map((b, i) => (i === 1 ? { ...b, placeholders: [{ line: 30, column: 3 }] } : b));
  const expected = auditContent({ ...content, briefs });
  expect(expected.length).toBeGreaterThan(0);
  const reworded = briefs.map((b, i) => ({
    ...b,
    title: `Other title ${i}`,
    subject: `Other subject ${i}`,
    subjectLine: 99,
    preheader: 'Other preheader',
    summary: 'Other summary',
    slug: `other-${i}`,
    body: `# Other\n\nTODO other words, {{value "nothing"}} and 1000% growth.\n`,
    bodyLine: 42,
  }));
  expect(auditContent({ ...content, briefs: reworded })).toEqual(expected);
});
