import { describe, expect, it } from 'vitest';
import { newsletterSchema } from '../../../src/content-contract.js';
import { legacyListSlug, listIdMigrates, resolveListId } from '../../../src/deliver/send/list-id.js';
import { senderIdentity } from '../../../src/deliver/send/message.js';
import { renderBody } from '../../../src/render/markdown.js';

const zurich = { name: 'Zürich Märkte Café', from: 'Desk <desk@zm.example>', baseUrl: 'https://zm.example', timezone: 'Europe/Zurich', language: 'de-CH' };

/** The sender identity, which these tests expect to be valid. */
function identity(...args: Parameters<typeof senderIdentity>) {
  const sender = senderIdentity(...args);
  if (!sender.ok) throw new Error(JSON.stringify(sender.problems));
  return sender;
}

describe('List-Id', () => {
  it('folds accents into the base letter for a new list, as heading anchors do', () => {
    const sender = identity(zurich, 'newsletter.yml');
    expect(sender.value.listId).toBe('zurich-markte-cafe.zm.example');
    expect(sender.warnings).toEqual([]);
  });

  it('keeps the old id for a list whose sends carried it (recorded, or sent before ids were recorded), and says how to pin it', () => {
    const sender = identity(zurich, 'content/newsletter.yml', { sentWith: null });
    expect(sender.value.listId).toBe('zu-rich-ma-rkte-cafe.zm.example');
    expect(sender.warnings).toHaveLength(1);
    expect(sender.warnings[0]).toMatchObject({ code: 'BW_LIST_ID_KEPT', file: 'content/newsletter.yml', severity: 'warning' });
    expect(sender.warnings[0]!.hint).toContain('"listId: zu-rich-ma-rkte-cafe.zm.example"');
    expect(sender.warnings[0]!.hint).toContain('"listId: zurich-markte-cafe.zm.example"');
    const again = senderIdentity(zurich, 'content/newsletter.yml', { sentWith: 'zu-rich-ma-rkte-cafe.zm.example' });
    expect(again.ok && again.value.listId).toBe('zu-rich-ma-rkte-cafe.zm.example');
  });

  it('keeps the corrected id for a list that started with it, and follows a rename as before', () => {
    for (const sentWith of ['zurich-markte-cafe.zm.example', 'old-name.zm.example']) {
      const sender = identity(zurich, 'newsletter.yml', { sentWith });
      expect(sender.value.listId).toBe('zurich-markte-cafe.zm.example');
      expect(sender.warnings).toEqual([]);
    }
    expect(listIdMigrates('Zürich')).toBe(true);
    expect(listIdMigrates('AI Cloud Weekly')).toBe(false);
  });

  it('uses a pinned listId as written, whatever the history', () => {
    for (const sentWith of [undefined, null, 'zurich-markte-cafe.zm.example']) {
      const sender = identity({ ...zurich, listId: 'zu-rich-ma-rkte-cafe.zm.example' }, 'newsletter.yml', sentWith === undefined ? {} : { sentWith });
      expect(sender.value.listId).toBe('zu-rich-ma-rkte-cafe.zm.example');
      expect(sender.warnings).toEqual([]);
    }
  });

  it('changes nothing for names without accents, sent before or not', () => {
    for (const sentWith of [undefined, null]) {
      expect(resolveListId({ name: 'AI Cloud Weekly', domain: 'x.example', sentWith, file: 'n.yml' })).toEqual({ listId: 'ai-cloud-weekly.x.example', warnings: [] });
    }
    // Letters NFKD does not split (ß, ø) were hyphens before and still are: same id, no migration.
    expect(resolveListId({ name: 'Straße Øst', domain: 'x.example', sentWith: null, file: 'n.yml' })).toEqual({ listId: 'stra-e-st.x.example', warnings: [] });
    expect(legacyListSlug('!!!')).toBe('newsletter');
  });

  it('has the same slug as the heading anchor of the same text', () => {
    const body = renderBody('## Zürich Märkte Café\n\nText.\n');
    expect(body.sections.map((s) => s.id)).toEqual(['zurich-markte-cafe']);
  });

  it('accepts only an RFC 2919 list id in newsletter.yml', () => {
    const base = { ...zurich, timezone: 'UTC', language: 'en' };
    expect(newsletterSchema.safeParse({ ...base, listId: 'zurich-markets.zm.example' }).success).toBe(true);
    for (const bad of ['zurich markets.zm.example', '<zurich.zm.example>', 'nodot', 'a..b']) {
      expect(newsletterSchema.safeParse({ ...base, listId: bad }).success, bad).toBe(false);
    }
  });
});
