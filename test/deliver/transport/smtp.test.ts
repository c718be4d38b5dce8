import { describe, expect, it } from 'vitest';
import { classifySmtpError, parseSmtpUrl, rateToPool } from '../../../src/deliver/transport/smtp.js';

describe('SMTP configuration and error classification', () => {
  it('redacts the password in every form and never echoes a bad URL', () => {
    const url = 'smtps://mailer%40example.com:p%40ss-W0rd!@smtp.example.com:465';
    const t = parseSmtpUrl(url);
    if (!t.ok) throw new Error('parse');
    expect(t.value.display).toBe('smtps://smtp.example.com:465');
    const text = `failed for ${url}; pass=p@ss-W0rd! raw=p%40ss-W0rd! b64=${Buffer.from('p@ss-W0rd!').toString('base64')} other smtp://u:hunter2@h`;
    const red = t.value.redact(text);
    expect(red).not.toMatch(/W0rd|hunter2/);
    expect(red).not.toContain(Buffer.from('p@ss-W0rd!').toString('base64'));
    const bad = parseSmtpUrl('smtp//user:topsecret@host');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(JSON.stringify(bad.problems)).not.toContain('topsecret');
    expect(parseSmtpUrl(undefined).ok).toBe(false);
    expect(parseSmtpUrl('http://x').ok).toBe(false);
  });

  it('classifies answers, drops before and after the body', () => {
    expect(classifySmtpError(Object.assign(new Error('no'), { responseCode: 550, permanent: true }), true).kind).toBe('permanent');
    expect(classifySmtpError(Object.assign(new Error('busy'), { responseCode: 421 }), true).kind).toBe('temporary');
    expect(classifySmtpError(Object.assign(new Error('bad seq'), { responseCode: 503 }), false).kind).toBe('temporary');
    expect(classifySmtpError(Object.assign(new Error('reset'), { code: 'ECONNECTION' }), false).kind).toBe('temporary');
    expect(classifySmtpError(Object.assign(new Error('reset'), { code: 'ECONNECTION' }), true).kind).toBe('unconfirmed');
  });

  it('turns messages/second into a pool limit, also below one per second', () => {
    expect(rateToPool(0)).toEqual({});
    expect(rateToPool(14)).toEqual({ rateLimit: 14, rateDelta: 1000 });
    expect(rateToPool(0.5)).toEqual({ rateLimit: 1, rateDelta: 2000 });
  });
});

