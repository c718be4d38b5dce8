/**
 * Unsubscribe tokens: `base64url(address) "." base64url(HMAC-SHA256(secret, ...))`.
 *
 * The address is readable inside the token on purpose: the unsubscribe
 * endpoint is stateless and must recover whom to suppress without a database
 * lookup. The MAC is what makes it safe: without UNSUBSCRIBE_SECRET nobody can
 * mint a token that unsubscribes someone else. The MAC input is prefixed with a
 * purpose string so a MAC computed for another use of the same secret (the
 * Message-ID hash below) can never be replayed as a token.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { addressKey } from './address.js';

const TOKEN_PURPOSE = 'briefwire/unsubscribe/v1\0';
const MESSAGE_ID_PURPOSE = 'briefwire/message-id/v1\0';

/** Shortest UNSUBSCRIBE_SECRET we accept; shorter ones are guessable offline from one token. */
export const MIN_SECRET_LENGTH = 16;

export function createUnsubscribeToken(address: string, secret: string): string {
  const key = addressKey(address);
  return `${Buffer.from(key, 'utf8').toString('base64url')}.${mac(TOKEN_PURPOSE + key, secret).toString('base64url')}`;
}

/**
 * The (lowercased) address a token was issued for, or null when the token is
 * malformed, forged or tampered with. Never throws: input comes from the web.
 */
export function verifyUnsubscribeToken(token: string, secret: string): string | null {
  if (typeof token !== 'string' || token.length > 1024) return null;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
  const payload = token.slice(0, dot);
  const given = token.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]+$/.test(given)) return null;
  const address = Buffer.from(payload, 'base64url').toString('utf8');
  // Reject non-canonical encodings (extra bits, a different case) so one address has exactly one token.
  if (Buffer.from(address, 'utf8').toString('base64url') !== payload || address !== addressKey(address)) return null;
  const expected = mac(TOKEN_PURPOSE + address, secret);
  const givenBytes = Buffer.from(given, 'base64url');
  // timingSafeEqual needs equal lengths; the length of a MAC is public anyway.
  if (givenBytes.length !== expected.length) return null;
  return timingSafeEqual(givenBytes, expected) ? address : null;
}

/**
 * The per-recipient part of the Message-ID: stable for an edition and address
 * (a resend carries the same id, so receivers can drop a duplicate), and keyed
 * with the secret so the id cannot be used to confirm a guessed address.
 */
export function messageIdHash(editionDate: string, address: string, secret: string): string {
  return mac(`${MESSAGE_ID_PURPOSE}${editionDate}\0${addressKey(address)}`, secret).subarray(0, 16).toString('hex');
}

function mac(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input, 'utf8').digest();
}

/** UNSUBSCRIBE_SECRET from the environment, checked; the value itself never appears in a message. */
export function secretFromEnv(env: NodeJS.ProcessEnv): { ok: true; secret: string } | { ok: false; message: string } {
  const secret = env['UNSUBSCRIBE_SECRET'];
  if (!secret) {
    return { ok: false, message: 'is not set; it signs the unsubscribe links' };
  }
  if (secret.length < MIN_SECRET_LENGTH) return { ok: false, message: `is too short (${secret.length} characters; use at least ${MIN_SECRET_LENGTH})` };
  return { ok: true, secret };
}
