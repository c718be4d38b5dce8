/**
 * Subscription confirmation tokens: who asked (address, optional name) and
 * when, sealed with AES-256-GCM under UNSUBSCRIBE_SECRET for their own purpose
 * (see util/sealed-token.ts), so a link reveals nothing about the address and
 * cannot be minted, altered or replayed as an unsubscribe token. They expire
 * CONFIRM_TOKEN_TTL_DAYS after issue. Pending requests need no server state
 * beyond the once-an-hour throttle: the token carries the request.
 */
import { openToken, sealToken } from '../../util/sealed-token.js';
import { addressKey } from './address.js';

const PURPOSE = 'briefwire/subscribe-confirm/v1';
export const CONFIRM_TOKEN_TTL_DAYS = 7;

export interface ConfirmRequest {
  address: string;
  name?: string;
  /** When the request was made (ISO). */
  requestedAt: string;
}

export function createConfirmToken(request: ConfirmRequest, secret: string): string {
  const payload = { a: addressKey(request.address), t: request.requestedAt, ...(request.name ? { n: request.name } : {}) };
  return sealToken(PURPOSE, JSON.stringify(payload), secret);
}

export type ConfirmCheck = { ok: true; request: ConfirmRequest } | { ok: false; reason: 'invalid' | 'expired' };

/** Never throws: the token comes from the web. */
export function checkConfirmToken(token: string, secret: string, now: Date, ttlDays = CONFIRM_TOKEN_TTL_DAYS): ConfirmCheck {
  const opened = openToken(PURPOSE, token, secret);
  if (opened === null) return { ok: false, reason: 'invalid' };
  let payload: { a?: unknown; t?: unknown; n?: unknown };
  try {
    payload = JSON.parse(opened) as typeof payload;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const issued = typeof payload.t === 'string' ? Date.parse(payload.t) : NaN;
  if (typeof payload.a !== 'string' || Number.isNaN(issued)) return { ok: false, reason: 'invalid' };
  if (now.getTime() - issued > ttlDays * 86_400_000) return { ok: false, reason: 'expired' };
  const request: ConfirmRequest = { address: payload.a, requestedAt: new Date(issued).toISOString() };
  if (typeof payload.n === 'string' && payload.n) request.name = payload.n;
  return { ok: true, request };
}
