import { readdir } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { loadContent } from '../../src/content/load.js';
import { loadTemplates } from '../../src/render/templates.js';
import { compileEmailProgram } from '../../src/render/email-program.js';
import { fileProgramStore } from '../../src/publish/program-cache.js';
import { SAMPLE_CONTENT, SAMPLE_TEMPLATES, tempDir } from '../support/fixtures.js';

test('the email program is cached by content: same layout, same key, MJML skipped; a changed layout gets a new key', async () => {
  const content = await loadContent(SAMPLE_CONTENT);
  if (!content.ok) throw new Error('sample content');
  const load = async () => {
    const t = await loadTemplates(SAMPLE_TEMPLATES, content.value.newsletter);
    if (!t.ok) throw new Error('sample templates');
    return t.value;
  };
  const dir = await tempDir();
  const store = fileProgramStore(dir);
  const first = await compileEmailProgram(await load(), store);
  expect(first.problems).toEqual([]);
  expect(await readdir(dir)).toEqual([`email-${first.program!.key}.html`]);
  // What the cache holds is what the next build uses: a marked entry shows MJML did not run again.
  await store.set(first.program!.key, `${first.program!.compiledHtml}<!-- from the cache -->`);
  const second = await compileEmailProgram(await load(), store);
  expect(second.program!.key).toBe(first.program!.key);
  expect(second.program!.compiledHtml).toContain('<!-- from the cache -->');
  // Another layout is another key.
  const changed = await load();
  changed.sources.set('email-footer', `${changed.sources.get('email-footer')!}\n<mj-section><mj-column><mj-text>More</mj-text></mj-column></mj-section>`);
  const third = await compileEmailProgram(changed, store);
  expect(third.program!.key).not.toBe(first.program!.key);
  expect(third.program!.compiledHtml).toContain('More');
});
