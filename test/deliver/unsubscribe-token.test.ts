import { describe, expect, it } from 'vitest';
import { createUnsubscribeToken, messageIdHash, verifyUnsubscribeToken } from '../../src/deliver/unsubscribe-token.js';
import { SECRET } from '../support/deliver.js';

describe('unsubscribe tokens', () => {
  it('round-trips the lowercased address', () => {
    const token = createUnsubscribeToken('Ann.Lee@Example.com', SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyUnsubscribeToken(token, SECRET)).toBe('ann.lee@example.com');
  });

  it('refuses a token made with another secret, a tampered address or MAC, and junk', () => {
    const token = createUnsubscribeToken('ann@example.com', SECRET);
    expect(verifyUnsubscribeToken(token, 'another-secret-0123456789')).toBeNull();
    const [payload, mac] = token.split('.') as [string, string];
    const otherPayload = Buffer.from('bob@example.com').toString('base64url');
    expect(verifyUnsubscribeToken(`${otherPayload}.${mac}`, SECRET)).toBeNull();
    const flipped = mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A');
    expect(verifyUnsubscribeToken(`${payload}.${flipped}`, SECRET)).toBeNull();
    expect(verifyUnsubscribeToken(`${payload}.${mac.slice(0, 10)}`, SECRET)).toBeNull();
    for (const junk of ['', '.', 'abc', `${payload}.`, `.${mac}`, `${payload}.${mac}.x`, 'a b.c', 'x'.repeat(5000)]) {
      expect(verifyUnsubscribeToken(junk, SECRET)).toBeNull();
    }
  });

  it('Message-ID hashes are stable per edition and address, and do not contain the address', () => {
    const a = messageIdHash('2025-03-10', 'Ann@example.com', SECRET);
    expect(a).toBe(messageIdHash('2025-03-10', 'ann@example.com', SECRET));
    expect(a).not.toBe(messageIdHash('2025-03-17', 'ann@example.com', SECRET));
    expect(a).toMatch(/^[0-9a-f]{32}$/);
  });
});

