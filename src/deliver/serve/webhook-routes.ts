/**
 * Provider webhooks for `serve`:
 *
 *   POST /webhooks/ses        Amazon SES notifications delivered by SNS
 *   POST /webhooks/postmark   Postmark bounce and spam-complaint webhooks
 *
 * Authenticated by WEBHOOK_SECRET, given either as the last path segment
 * (`/webhooks/ses/<secret>`) or as the password of HTTP Basic auth (both
 * providers can put credentials in the endpoint URL). Anything else is 401 and
 * changes nothing; so is every request while no secret is configured. A body
 * that is not the provider's JSON is 400 and changes nothing. Events are
 * applied with the same rules as mailbox reports (feedback.ts) and are
 * idempotent, so a provider's retry is harmless.
 *
 * SNS messages must also carry a valid SNS signature (sns-signature.ts): a
 * secret in a URL ends up in proxy and load-balancer logs, a signature cannot
 * be forged from them. A missing or bad signature is 401 and changes nothing;
 * the secret stays a second factor.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StateStore } from '../store/state-store.js';
import { json, readBody } from './http-io.js';
import { parsePostmark, parseSnsDelivery, type ProviderParse } from '../audience/provider-events.js';
import { isJsonObject } from '../../util/json-shape.js';
import { SnsVerifier } from './sns-signature.js';

export interface WebhookOptions {
  store: StateStore;
  /** WEBHOOK_SECRET; undefined turns every webhook request into a 401. */
  secret: string | undefined;
  now?: () => Date;
  log?: (line: string) => void;
  /** Checks SNS signatures; the default fetches Amazon's certificates (tests inject a loopback source). */
  sns?: SnsVerifier;
}

/** SES notifications carry the original headers; a bounce with a long header block stays well under this. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

const PROVIDERS: Record<string, (body: unknown, now: Date) => ProviderParse> = {
  ses: parseSnsDelivery,
  postmark: parsePostmark,
};

/** Handles a request under /webhooks/; false when the path is not a webhook. */
export function createWebhookRoutes(opts: WebhookOptions): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? (() => undefined);
  const sns = opts.sns ?? new SnsVerifier(undefined, now);
  return async (req, res, url) => {
    const m = /^\/webhooks\/([a-z]+)(?:\/([^/]*))?\/?$/.exec(url.pathname);
    if (!m) return false;
    const parse = PROVIDERS[m[1]!];
    if (!parse) return false;
    if (!authorized(req, m[2] ? safeDecode(m[2]) : undefined, opts.secret)) {
      await readBody(req, 0);
      res.setHeader('WWW-Authenticate', 'Basic realm="briefwire webhooks"');
      json(res, 401, { error: 'unauthorized' });
      return true;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      json(res, 405, { error: 'POST only' });
      return true;
    }
    const body = await readBody(req, MAX_WEBHOOK_BYTES);
    if (body === null) {
      json(res, 413, { error: `body larger than ${MAX_WEBHOOK_BYTES} bytes` });
      return true;
    }
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      json(res, 400, { error: 'body is not JSON' });
      return true;
    }
    if (m[1] === 'ses') {
      const signature = isJsonObject(value) ? await sns.verify(value) : { ok: false as const, why: 'not an SNS message' };
      if (!signature.ok) {
        log(`webhook ses: refused: SNS signature not verified: ${signature.why}`);
        json(res, 401, { error: `SNS signature not verified: ${signature.why}` });
        return true;
      }
    }
    const parsed = parse(value, now());
    if (!parsed.ok) {
      log(`webhook ${m[1]}: refused: ${parsed.message}`);
      json(res, 400, { error: parsed.message });
      return true;
    }
    if (parsed.subscribeUrl) {
      // Confirming means fetching an AWS URL; the operator does it once (see docs/audience.md).
      log(`webhook ses: SNS asks to confirm the subscription; open this URL once to confirm it: ${parsed.subscribeUrl}`);
    }
    const outcomes = await opts.store.applyFeedback(parsed.events, now());
    const suppressed = outcomes.filter((o) => o.kind === 'suppressed').length;
    if (parsed.events.length > 0) log(`webhook ${m[1]}: ${parsed.events.length} event(s), ${suppressed} address(es) suppressed`);
    json(res, 200, { events: parsed.events.length, suppressed, duplicates: outcomes.filter((o) => o.kind === 'duplicate').length, ignored: parsed.ignored });
    return true;
  };
}

function authorized(req: IncomingMessage, pathSecret: string | undefined, secret: string | undefined): boolean {
  if (!secret) return false;
  if (pathSecret !== undefined && pathSecret !== '') return equal(pathSecret, secret);
  const header = String(req.headers['authorization'] ?? '');
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && equal(decoded.slice(colon + 1), secret);
}

function equal(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
}
