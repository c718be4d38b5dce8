import { describe, expect, it } from 'vitest';
import { buildMessage, prepareEdition, senderIdentity, unsubscribeUrl } from '../../../src/deliver/send/message.js';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../../../src/render/placeholders.js';

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
    // The base URL's query stays a query (as written), the path gets /unsubscribe, the token joins the query.
    expect(m.html).toBe('<a href="https://news.example/a/unsubscribe?b=1&amp;c&amp;token=T.K">x</a>');
    expect(m.text).toBe('u: https://news.example/a/unsubscribe?b=1&c&token=T.K');
    expect(m.messageId).toBe('<2025-03-10.ab@news.example>');
  });
});


describe('unsubscribeUrl', () => {
  it('adds the path segment and the token with the URL API, whatever the base URL looks like', () => {
    expect(unsubscribeUrl('https://news.example', 'T.K')).toBe('https://news.example/unsubscribe?token=T.K');
    expect(unsubscribeUrl('https://news.example/weekly', 'T.K')).toBe('https://news.example/weekly/unsubscribe?token=T.K');
    expect(unsubscribeUrl('https://news.example/weekly/', 'T.K')).toBe('https://news.example/weekly/unsubscribe?token=T.K');
    expect(unsubscribeUrl('https://news.example/a?b=1&c', 'a+b/c=')).toBe('https://news.example/a/unsubscribe?b=1&c&token=a%2Bb%2Fc%3D');
    expect(unsubscribeUrl('https://news.example/a?', 'T')).toBe('https://news.example/a/unsubscribe?token=T');
    // A fragment stays last, where it belongs.
    expect(unsubscribeUrl('https://news.example/a?ref=mail#top', 'T')).toBe('https://news.example/a/unsubscribe?ref=mail&token=T#top');
  });

  it('is read back by a URL parser as the endpoint path with the token and the base query', () => {
    const url = new URL(unsubscribeUrl('https://news.example/a?b=1&c', 'tok.en'));
    expect(url.pathname).toBe('/a/unsubscribe');
    expect(url.searchParams.get('token')).toBe('tok.en');
    expect(url.searchParams.get('b')).toBe('1');
  });
});
