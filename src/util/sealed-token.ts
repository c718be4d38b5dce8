/**
 * Sealed tokens: a short payload (an email address, a subscription request)
 * encrypted and authenticated with AES-256-GCM, for links that travel through
 * mail clients, proxies, analytics and Referer headers. A sealed token reveals
 * nothing about its payload but a length bucket, and any change to it is
 * detected, so the server can trust what it opens without a database.
 *
 *   token = base64url( version(1) | nonce(12) | ciphertext(padded) | tag(16) )
 *
 * - The key is derived from the secret with HKDF-SHA256, one key per purpose
 *   ("briefwire/unsubscribe", "briefwire/subscribe-confirm", ...), and the
 *   purpose is also the GCM associated data: a token minted for one use never
 *   opens as another, even under the same secret.
 * - The nonce is random per token (96 bits; the number of tokens a newsletter
 *   mints stays far below the 2^32 at which GCM's random-nonce bound matters),
 *   so two tokens for one address differ and cannot be linked.
 * - The plaintext is padded (ISO/IEC 7816-4: 0x80 then zeros) to a multiple of
 *   PAD_BLOCK bytes, so the token's length says little about the address's.
 *
 * Node's own crypto (OpenSSL) provides the cipher and HKDF: no extra package.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const PAD_BLOCK = 32;
/** Longer inputs are rejected before any crypto runs: tokens come from the web. */
const MAX_TOKEN_CHARS = 2048;

function keyFor(purpose: string, secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'briefwire sealed token', purpose, 32));
}

function pad(data: Buffer): Buffer {
  const length = (Math.floor(data.length / PAD_BLOCK) + 1) * PAD_BLOCK;
  const out = Buffer.alloc(length);
  data.copy(out);
  out[data.length] = 0x80;
  return out;
}

function unpad(data: Buffer): Buffer | null {
  let end = data.length - 1;
  while (end >= 0 && data[end] === 0) end--;
  return end >= 0 && data[end] === 0x80 ? data.subarray(0, end) : null;
}

/**
 * SpamAssassin's `__BITCOIN_ID` body rule (72_active.cf, scored by
 * PDS_BTC_ID and the BITCOIN_* rules): text shaped like a Bitcoin address.
 * A random token has a run of 30 to 35 base58 characters starting with 1 or
 * 3 between two word boundaries about once in four thousand, and a reader
 * whose unsubscribe link held one got a spam point for it.
 */
export const BITCOIN_ID = /\b(?<!=)(?:[13](?:(?:[-_=\s][a-km-zA-HJ-NP-Z1-9]){29,34}|[a-km-zA-HJ-NP-Z1-9]{29,34})|bc1[acdefghjklmnpqrstuvwxyz234567890]{30,90}|b[-_=\s]c[-_=\s]1(?:[-_=\s][acdefghjklmnpqrstuvwxyz234567890]){30,90})\b/;

/**
 * Seals `payload` for `purpose` under `secret`. A token that would read as
 * a Bitcoin address to spam filters is sealed again with a fresh nonce
 * (still random, and still opened the same way).
 */
export function sealToken(purpose: string, payload: string, secret: string): string {
  for (;;) {
    const token = sealOnce(purpose, payload, secret);
    if (!BITCOIN_ID.test(token)) return token;
  }
}

function sealOnce(purpose: string, payload: string, secret: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(purpose, secret), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(purpose, 'utf8'));
  const body = Buffer.concat([cipher.update(pad(Buffer.from(payload, 'utf8'))), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, body, cipher.getAuthTag()]).toString('base64url');
}

/**
 * The payload sealed in `token` for `purpose`, or null when the token is
 * malformed, forged, tampered with, sealed under another secret or for another
 * purpose. Never throws.
 */
export function openToken(purpose: string, token: string, secret: string): string | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  // A non-canonical encoding (trailing bits) would let one token be spelt two ways.
  if (raw.toString('base64url') !== token) return null;
  if (raw.length < 1 + NONCE_BYTES + PAD_BLOCK + TAG_BYTES || raw[0] !== VERSION) return null;
  const nonce = raw.subarray(1, 1 + NONCE_BYTES);
  const body = raw.subarray(1 + NONCE_BYTES, raw.length - TAG_BYTES);
  if (body.length % PAD_BLOCK !== 0) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(purpose, secret), nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(purpose, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const plain = unpad(Buffer.concat([decipher.update(body), decipher.final()]));
    return plain ? plain.toString('utf8') : null;
  } catch {
    return null; // authentication failed
  }
}
