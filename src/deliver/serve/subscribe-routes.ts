/**
 * Double opt-in subscription for `serve`:
 *
 *   GET  /subscribe   a plain form (the archive pages carry the same form)
 *   POST /subscribe   fields `email`, optional `name`; a honeypot field
 *        `website` that people never see and bots fill in; a per-IP rate
 *        limit and a body limit. Sends a confirmation email (at most one per
 *        address per hour) and answers "check your inbox" whatever the
 *        address's state, so the form cannot be used to learn who reads.
 *   GET  /confirm?token=…  a page with a button; GET never confirms, since
 *        link scanners fetch every URL in a message.
 *   POST /confirm     form field `token`: records the consent (fsync'd) and,
 *        for a reader who had left, ends the suppression.
 *
 * A token issued before the address was last suppressed is refused: the
 * confirmation mailed before someone unsubscribed must not bring them back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SendMailOptions } from 'nodemailer';
import { escapeHtml } from '../../util/escape.js';
import { addressKey, addressProblem } from '../audience/address.js';
import { buildConfirmationMessage } from './confirmation-message.js';
import { checkConfirmToken, createConfirmToken } from '../audience/confirm-token.js';
import { isForm, page, readBody } from './http-io.js';
import type { SenderIdentity } from '../send/message.js';
import { RateLimiter } from './rate-limit.js';
import type { SuppressionView } from '../audience/suppression.js';
import type { StateStore } from '../store/state-store.js';
import type { SendOutcome } from '../transport/sender.js';

export interface SubscribeOptions {
  store: StateStore;
  secret: string;
  listName: string;
  /** From, reply-to and the public base URL for the confirmation email; null when newsletter.yml could not be read. */
  sender: SenderIdentity | null;
  /** Sends the confirmation email; null when no transport is configured. */
  mailer: { send(message: SendMailOptions): Promise<SendOutcome> } | null;
  now?: () => Date;
  /** Take the client address from the last X-Forwarded-For hop (serve behind one reverse proxy). */
  trustProxy?: boolean;
  /** Subscribe posts per client address per window (5 per 10 minutes unless given); null for no limit (tests, a local trial). */
  rateLimit?: { limit: number; windowMs: number } | null;
  log?: (line: string) => void;
}

export const HONEYPOT_FIELD = 'website';
const MAX_NAME_LENGTH = 100;

export interface SubscribeRoutes {
  subscribe(req: IncomingMessage, res: ServerResponse): Promise<void>;
  confirm(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

export async function createSubscribeRoutes(opts: SubscribeOptions, suppression: SuppressionView): Promise<SubscribeRoutes> {
  const store = opts.store;
  // The files backend reads its subscriber file here, once: a broken file stops the server at start.
  await store.confirmedSubscriber('');
  const now = opts.now ?? (() => new Date());
  const limiter = opts.rateLimit === null ? null : new RateLimiter(opts.rateLimit?.limit ?? 5, opts.rateLimit?.windowMs ?? 10 * 60_000);
  const log = opts.log ?? (() => undefined);
  const list = escapeHtml(opts.listName);

  const ctx: RouteContext = { opts, store, suppression, now, limiter, log, list };
  return {
    subscribe: (req, res) => handleSubscribe(ctx, req, res),
    confirm: (req, res, url) => handleConfirm(ctx, req, res, url),
  };
}

interface RouteContext {
  opts: SubscribeOptions;
  store: StateStore;
  suppression: SuppressionView;
  now: () => Date;
  limiter: RateLimiter | null;
  log: (line: string) => void;
  /** The newsletter's name, HTML-escaped. */
  list: string;
}

/** POST /subscribe: validate, throttle, mail a confirmation link; the answer never says whether the address reads. */
async function handleSubscribe(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { opts, store, suppression, now, limiter, log, list } = ctx;
  if (req.method === 'GET' || req.method === 'HEAD') return page(res, 200, `Subscribe to ${opts.listName}`, formBody(opts.listName));
  if (req.method !== 'POST') return page(res, 405, 'Method not allowed', '', { Allow: 'GET, HEAD, POST' });
  const wait = limiter ? limiter.take(clientAddress(req, opts.trustProxy)) : 0;
  if (wait > 0) {
    await readBody(req, 0); // drain
    return page(res, 429, 'Too many requests', '<p>Too many sign-ups from your network just now. Please try again in a few minutes.</p>', { 'Retry-After': String(wait) });
  }
  const body = await readBody(req);
  if (body === null) return page(res, 413, 'Request too large', '<p>The form sent far more than an email address. Please try again.</p>');
  if (!isForm(req)) return page(res, 415, 'Not a form', '<p>Send the subscription form (application/x-www-form-urlencoded).</p>');
  const form = new URLSearchParams(body);
  const email = (form.get('email') ?? '').trim();
  const name = (form.get('name') ?? '').replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  // A filled honeypot gets the same answer as a person, so the bot learns nothing; nothing is sent or stored.
  if ((form.get(HONEYPOT_FIELD) ?? '') !== '') return page(res, 200, 'Check your inbox', checkInboxBody(list));
  const why = addressProblem(email);
  if (why) return page(res, 400, 'Check the address', `<p>That address cannot receive mail: ${escapeHtml(why)}.</p>${formBody(opts.listName, email, name)}`);
  if (name.length > MAX_NAME_LENGTH) return page(res, 400, 'Name too long', `<p>Please keep the name under ${MAX_NAME_LENGTH} characters.</p>${formBody(opts.listName, email, '')}`);
  const key = addressKey(email);
  const at = now();
  await suppression.refresh();
  const active = (await store.confirmedSubscriber(key)) !== undefined && !suppression.has(key);
  if (active) {
    log('subscribe: already subscribed, nothing sent');
    return page(res, 200, 'Check your inbox', checkInboxBody(list));
  }
  const { mailer, sender } = opts;
  if (!mailer || !sender) {
    return page(res, 503, 'Subscriptions are closed', '<p>Subscriptions cannot be confirmed right now (no mail transport is set up). Please try again later.</p>');
  }
  const request = { address: email, requestedAt: at.toISOString(), ...(name ? { name } : {}) };
  const token = createConfirmToken(request, opts.secret);
  // The throttle is the store's: one email an hour per address, whichever server the form reached.
  const emailed = await store.requestConfirmation(key, at, async () => {
    const outcome = await mailer.send(buildConfirmationMessage(sender, name ? { address: email, name } : { address: email }, token, at));
    if (!outcome.ok) log(`subscribe: confirmation email failed (${outcome.kind}): ${outcome.message}`);
    return outcome.ok;
  });
  if (emailed === 'throttled') {
    log('subscribe: confirmation sent within the hour, nothing sent');
    return page(res, 200, 'Check your inbox', checkInboxBody(list));
  }
  if (emailed === 'failed') {
    return page(res, 503, 'Please try again later', '<p>We could not send the confirmation email just now. Please try again in a few minutes.</p>');
  }
  log('subscribe: confirmation email sent');
  return page(res, 200, 'Check your inbox', checkInboxBody(list));
}

/** GET /confirm shows a button (link scanners GET every URL); POST /confirm records consent. */
async function handleConfirm(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { opts, store, suppression, now, log, list } = ctx;
  let token = url.searchParams.get('token');
  if (req.method === 'POST') {
    const body = await readBody(req);
    if (body === null) return page(res, 413, 'Request too large', '<p>Request too large.</p>');
    if (isForm(req)) token = new URLSearchParams(body).get('token') ?? token;
  } else if (req.method !== 'GET' && req.method !== 'HEAD') {
    return page(res, 405, 'Method not allowed', '', { Allow: 'GET, HEAD, POST' });
  }
  const check = checkConfirmToken(token ?? '', opts.secret, now());
  if (!check.ok) {
    return check.reason === 'expired'
      ? page(res, 410, 'Link expired', `<p>This confirmation link has expired. Subscribe again and use the new link within a week.</p>${formBody(opts.listName)}`)
      : page(res, 400, 'Link not valid', '<p>This confirmation link is not valid. It may have been cut off when copied; open it from the email again.</p>');
  }
  const { request } = check;
  const key = addressKey(request.address);
  await suppression.refresh();
  const lastSuppressed = suppression.lastSuppressedAt(key);
  if (lastSuppressed && lastSuppressed >= request.requestedAt) {
    return page(res, 409, 'Link no longer valid', `<p>This link was sent before ${escapeHtml(key)} left ${list}. To come back, subscribe again and confirm with the new link.</p>${formBody(opts.listName, key)}`);
  }
  const confirmed = await store.confirmedSubscriber(key);
  if (confirmed && confirmed.confirmedAt >= request.requestedAt && !suppression.has(key)) {
    return page(res, 200, 'Already subscribed', `<p>${escapeHtml(key)} is subscribed to <strong>${list}</strong>.</p>`);
  }
  if (req.method !== 'POST') {
    return page(
      res,
      200,
      'Confirm your subscription',
      `<p>Send <strong>${list}</strong> to <strong>${escapeHtml(key)}</strong>?</p>` +
        `<form method="post" action="confirm"><input type="hidden" name="token" value="${escapeHtml(token ?? '')}">` +
        `<button type="submit">Confirm subscription</button></form>`,
    );
  }
  const at = now();
  // Consent is on disk before the page says so; a reader who had left is no longer suppressed.
  await store.recordConfirmation(request, at);
  if (suppression.has(key)) await store.liftSuppression(key, 'confirmed', at);
  await suppression.refresh();
  log('confirm: a reader confirmed');
  return page(res, 200, 'Subscribed', `<p>${escapeHtml(key)} will receive <strong>${list}</strong>. Every issue has a one-click unsubscribe link.</p>`);
}

function clientAddress(req: IncomingMessage, trustProxy = false): string {
  if (trustProxy) {
    const hops = String(req.headers['x-forwarded-for'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (hops.length > 0) return hops[hops.length - 1]!;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

function checkInboxBody(list: string): string {
  return `<p>If that address can receive mail, a confirmation link for <strong>${list}</strong> is on its way. Open it and press the button to start receiving issues.</p>`;
}

/** The subscription form; the honeypot is hidden from people (and from screen readers). */
export function formBody(listName: string, email = '', name = ''): string {
  return (
    `<form method="post" action="subscribe"><p><label>Email <input type="email" name="email" required value="${escapeHtml(email)}"></label></p>` +
    `<p><label>Name (optional) <input type="text" name="name" maxlength="${MAX_NAME_LENGTH}" value="${escapeHtml(name)}"></label></p>` +
    `<p style="position:absolute;left:-9999px" aria-hidden="true"><label>Leave this empty <input type="text" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></label></p>` +
    `<button type="submit">Subscribe to ${escapeHtml(listName)}</button></form>`
  );
}
