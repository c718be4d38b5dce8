/**
 * Unsubscribe tokens: the reader's (lowercased) address sealed with
 * AES-256-GCM under a key derived from UNSUBSCRIBE_SECRET (see
 * util/sealed-token.ts). The endpoint stays stateless, it opens the token to
 * learn whom to suppress, yet the link reveals nothing about the address to
 * the proxies, analytics and Referer logs it passes through, and without the
 * secret nobody can mint or alter one.
 *
 * Links mailed before sealing were `base64url(address) "." HMAC`. They keep
 * working until LEGACY_TOKENS_ACCEPTED_UNTIL, so a reader of last month's
 * issue can still leave; after that date they are answered with a page that
 * says the link expired and how to unsubscribe instead.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { openToken, sealToken } from '../../util/sealed-token.js';
import { addressKey } from './address.js';

const SEAL_PURPOSE = 'briefwire/unsubscribe/v2';
const LEGACY_PURPOSE = 'briefwire/unsubscribe/v1\0';
const MESSAGE_ID_PURPOSE = 'briefwire/message-id/v1\0';

/** Last instant a pre-sealing (address-revealing) token is honoured. */
export const LEGACY_TOKENS_ACCEPTED_UNTIL = new Date('2027-03-01T00:00:00Z');

/** Shortest UNSUBSCRIBE_SECRET we accept; shorter ones are guessable offline from one token. */
export const MIN_SECRET_LENGTH = 16;

export function createUnsubscribeToken(address: string, secret: string): string {
  return sealToken(SEAL_PURPOSE, addressKey(address), secret);
}

export type TokenCheck =
  | { ok: true; address: string; legacy: boolean }
  /** invalid: malformed, forged or tampered; expired: a genuine legacy token past its date. */
  | { ok: false; reason: 'invalid' | 'expired' };

/** What a token from the web says. Never throws. */
export function checkUnsubscribeToken(token: string, secret: string, now: Date = new Date()): TokenCheck {
  const sealed = openToken(SEAL_PURPOSE, token, secret);
  if (sealed !== null) return sealed === addressKey(sealed) ? { ok: true, address: sealed, legacy: false } : { ok: false, reason: 'invalid' };
  const legacy = openLegacyToken(token, secret);
  if (legacy === null) return { ok: false, reason: 'invalid' };
  if (now.getTime() >= LEGACY_TOKENS_ACCEPTED_UNTIL.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, address: legacy, legacy: true };
}

/** The address a token was issued for, or null when it is not (or no longer) valid. */
export function verifyUnsubscribeToken(token: string, secret: string, now: Date = new Date()): string | null {
  const check = checkUnsubscribeToken(token, secret, now);
  return check.ok ? check.address : null;
}

/** The pre-sealing format, for links already in inboxes. */
function openLegacyToken(token: string, secret: string): string | null {
  if (typeof token !== 'string' || token.length > 1024) return null;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
  const payload = token.slice(0, dot);
  const given = token.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]+$/.test(given)) return null;
  const address = Buffer.from(payload, 'base64url').toString('utf8');
  if (Buffer.from(address, 'utf8').toString('base64url') !== payload || address !== addressKey(address)) return null;
  const expected = mac(LEGACY_PURPOSE + address, secret);
  const givenBytes = Buffer.from(given, 'base64url');
  if (givenBytes.length !== expected.length) return null;
  return timingSafeEqual(givenBytes, expected) ? address : null;
}

/** A legacy token, for tests of the transition; nothing mails these any more. */
export function createLegacyUnsubscribeToken(address: string, secret: string): string {
  const key = addressKey(address);
  return `${Buffer.from(key, 'utf8').toString('base64url')}.${mac(LEGACY_PURPOSE + key, secret).toString('base64url')}`;
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
