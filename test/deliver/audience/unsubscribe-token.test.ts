import { describe, expect, it } from 'vitest';
import {
  checkUnsubscribeToken,
  createLegacyUnsubscribeToken,
  createUnsubscribeToken,
  LEGACY_TOKENS_ACCEPTED_UNTIL,
  messageIdHash,
  verifyUnsubscribeToken,
} from '../../../src/deliver/audience/unsubscribe-token.js';
import { openToken, sealToken } from '../../../src/util/sealed-token.js';
import { SECRET } from '../../support/deliver.js';

describe('unsubscribe tokens', () => {
  it('round-trips the lowercased address', () => {
    const token = createUnsubscribeToken('Ann.Lee@Example.com', SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(verifyUnsubscribeToken(token, SECRET)).toBe('ann.lee@example.com');
  });

  it('reveals nothing about the address in any encoding, and two tokens for one address differ', () => {
    const address = 'analyst@example.com';
    const tokens = [createUnsubscribeToken(address, SECRET), createUnsubscribeToken(address, SECRET)];
    expect(tokens[0]).not.toBe(tokens[1]);
    for (const token of tokens) {
      const decoded = [token, Buffer.from(token, 'base64url').toString('latin1'), Buffer.from(token, 'base64').toString('latin1'), decodeURIComponent(token)];
      const encodings = [address, 'analyst', Buffer.from(address).toString('base64url'), Buffer.from(address).toString('base64'), Buffer.from(address).toString('hex'), Buffer.from('analyst').toString('base64').slice(0, 8)];
      for (const haystack of decoded) for (const needle of encodings) expect(haystack.toLowerCase()).not.toContain(needle.toLowerCase());
    }
    // Lengths come in buckets: a short and a longer address give tokens of one length.
    expect(createUnsubscribeToken('a@b.co', SECRET).length).toBe(createUnsubscribeToken('first.last@example.org', SECRET).length);
  });

  it('refuses a token made with another secret, a tampered byte, a truncation, and junk', () => {
    const token = createUnsubscribeToken('ann@example.com', SECRET);
    expect(verifyUnsubscribeToken(token, 'another-secret-0123456789')).toBeNull();
    const raw = Buffer.from(token, 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const tampered = Buffer.from(raw);
      tampered[i] = tampered[i]! ^ 0x01;
      expect(verifyUnsubscribeToken(tampered.toString('base64url'), SECRET), `byte ${i}`).toBeNull();
    }
    expect(verifyUnsubscribeToken(token.slice(0, -2), SECRET)).toBeNull();
    for (const junk of ['', '.', 'abc', `${token}.`, `${token}x`, 'a b.c', 'x'.repeat(5000)]) {
      expect(verifyUnsubscribeToken(junk, SECRET)).toBeNull();
    }
  });

  it('a token sealed for another purpose under the same secret does not open', () => {
    const other = sealToken('briefwire/subscribe-confirm', 'ann@example.com', SECRET);
    expect(openToken('briefwire/subscribe-confirm', other, SECRET)).toBe('ann@example.com');
    expect(verifyUnsubscribeToken(other, SECRET)).toBeNull();
  });

  it('links mailed before sealing work until the cut-off date, then are reported as expired', () => {
    const legacy = createLegacyUnsubscribeToken('ann@example.com', SECRET);
    const before = new Date(LEGACY_TOKENS_ACCEPTED_UNTIL.getTime() - 1000);
    expect(checkUnsubscribeToken(legacy, SECRET, before)).toEqual({ ok: true, address: 'ann@example.com', legacy: true });
    expect(checkUnsubscribeToken(legacy, SECRET, LEGACY_TOKENS_ACCEPTED_UNTIL)).toEqual({ ok: false, reason: 'expired' });
    // A forged legacy token is invalid, not expired.
    const [payload] = legacy.split('.') as [string];
    expect(checkUnsubscribeToken(`${payload}.${Buffer.alloc(32, 7).toString('base64url')}`, SECRET, before)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('Message-ID hashes are stable per edition and address, and do not contain the address', () => {
    const a = messageIdHash('2025-03-10', 'Ann@example.com', SECRET);
    expect(a).toBe(messageIdHash('2025-03-10', 'ann@example.com', SECRET));
    expect(a).not.toBe(messageIdHash('2025-03-17', 'ann@example.com', SECRET));
    expect(a).toMatch(/^[0-9a-f]{32}$/);
  });
});

