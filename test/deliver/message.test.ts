import { describe, expect, it } from 'vitest';
import { buildMessage, prepareEdition, senderIdentity } from '../../src/deliver/message.js';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../../src/render/placeholders.js';

describe('message options', () => {
  it('keeps a From display name with a comma as one mailbox and fills the placeholder per part', () => {
    const sender = senderIdentity(
      { name: 'Smith & Jones Weekly!', from: '"Smith, Jones" <desk@News.Example>', baseUrl: 'https://news.example/a?b=1&c', timezone: 'UTC', language: 'en' },
      'newsletter.yml',
    );
    if (!sender.ok) throw new Error('sender');
    expect(sender.value).toMatchObject({ fromName: 'Smith, Jones', fromAddress: 'desk@News.Example', listId: 'smith-jones-weekly.news.example', messageIdDomain: 'news.example' });
    const edition = prepareEdition({ date: '2025-03-10', subject: 'S', html: `<a href="${UNSUBSCRIBE_URL_PLACEHOLDER}">x</a>`, text: `u: ${UNSUBSCRIBE_URL_PLACEHOLDER}` });
    const m = buildMessage({ edition, sender: sender.value, recipient: { address: 'a@b.example' }, token: 'T.K', messageIdHash: 'ab', date: new Date(0) });
    expect(m.from).toEqual({ name: 'Smith, Jones', address: 'desk@News.Example' });
    expect(m.html).toBe('<a href="https://news.example/a?b=1&amp;c/unsubscribe?token=T.K">x</a>');
    expect(m.text).toBe('u: https://news.example/a?b=1&c/unsubscribe?token=T.K');
    expect(m.messageId).toBe('<2025-03-10.ab@news.example>');
  });
});

