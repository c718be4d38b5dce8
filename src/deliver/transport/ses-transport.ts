/**
 * Sending through Amazon SES's v2 API: nodemailer's SES transport (which
 * builds the MIME message, DKIM-signs it when asked, and hands it over as a
 * raw SendEmail call) on an `@aws-sdk/client-sesv2` client. Region and
 * credentials come from the standard AWS environment (AWS_REGION,
 * AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile, AWS_ENDPOINT_URL_SESV2
 * or AWS_ENDPOINT_URL for another endpoint such as a local emulator).
 *
 * The same outcome contract as SMTP (the sender contract in sender.ts), so the ledger's
 * exactly-once rules hold unchanged:
 *
 *   a 2xx answer with a MessageId                     sent
 *   a 4xx refusal of this message (MessageRejected…)  permanent
 *   throttling, a 5xx, no connection at all           temporary (retried by the send loop)
 *   a timeout or a reset after the request was out    unconfirmed (SES may have taken it)
 *
 * The SDK's own retries are off (maxAttempts 1): a silent retry after a lost
 * answer could send twice, and every try belongs in the ledger. Nodemailer's
 * SES transport has no rate limit of its own, so `--rate` is kept here.
 */
import { SesEndpointInvalid, SesQuotaUnreadable, SesRateQuota, SesRegionMissing, SesSandbox, SesSendingPaused, SesUnreachable } from '../../problem-catalogue.js';
import { GetAccountCommand, SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import nodemailer from 'nodemailer';
import type { DKIMOptions } from 'nodemailer';
import { error, fail, ok, warning, type Problem, type Result } from '../../problems.js';
import type { MailSender, SendOutcome } from './sender.js';

export interface SesTarget {
  region: string;
  endpoint?: string;
  /** Safe to print. */
  display: string;
}

export function sesTargetFromEnv(env: NodeJS.ProcessEnv): Result<SesTarget> {
  const region = (env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? '').trim();
  if (!region) return fail([error('AWS_REGION', SesRegionMissing)]);
  const endpoint = (env['AWS_ENDPOINT_URL_SESV2'] ?? env['AWS_ENDPOINT_URL'] ?? '').trim();
  if (endpoint) {
    try {
      const url = new URL(endpoint);
      if (url.username || url.password) return fail([error('AWS_ENDPOINT_URL_SESV2', SesEndpointInvalid, ['must not contain credentials'])]);
      return ok({ region, endpoint, display: `SES ${region} at ${url.origin}` });
    } catch {
      return fail([error('AWS_ENDPOINT_URL_SESV2', SesEndpointInvalid, ['is not a URL'])]);
    }
  }
  return ok({ region, display: `SES ${region}` });
}

export interface SesSettings {
  /** Messages per second; 0 = no limit. */
  rate: number;
  dkim?: DKIMOptions;
  /** How long to wait for SES's answer once the request is out. */
  requestTimeoutMs?: number;
}

/** Refusals of one message that another try cannot fix. */
const PERMANENT = new Set([
  'MessageRejected',
  'BadRequestException',
  'MailFromDomainNotVerifiedException',
  'NotFoundException',
  'AccountSuspendedException',
]);
/** Network errors where the request never reached SES: safe to try again. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** What an SES (SDK v3) error means for this recipient. Pure, so the rules are testable. */
export function classifySesError(e: unknown): SendOutcome & { ok: false } {
  const err = (e ?? {}) as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } };
  const status = err.$metadata?.httpStatusCode;
  const name = String(err.name ?? '');
  const message = `${name && !String(err.message ?? '').startsWith(name) ? `${name}: ` : ''}${err.message ?? String(e)}`;
  if (typeof status === 'number') {
    if (err.$retryable?.throttling || /Throttl|TooManyRequests|LimitExceeded|SendingPaused/.test(name) || status === 429) {
      return { ok: false, kind: 'temporary', code: status, message };
    }
    if (status >= 500) return { ok: false, kind: 'temporary', code: status, message };
    if (PERMANENT.has(name) || status >= 400) return { ok: false, kind: 'permanent', code: status, message };
  }
  if (NOT_SENT.has(String(err.code ?? '')) || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(message)) return { ok: false, kind: 'temporary', message };
  // A timeout, a reset, a hang-up: the request may have been processed.
  return { ok: false, kind: 'unconfirmed', message };
}

/** Spaces sends `1000 / rate` ms apart across all concurrent callers. */
function pacer(rate: number): () => Promise<void> {
  if (!rate || rate <= 0) return () => Promise.resolve();
  const gap = 1000 / rate;
  let next = 0;
  return () => {
    const now = performance.now();
    const at = Math.max(now, next);
    next = at + gap;
    const wait = at - now;
    return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
  };
}

export function createSesMailSender(target: SesTarget, settings: SesSettings): MailSender {
  const client = new SESv2Client({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    maxAttempts: 1,
    requestHandler: { requestTimeout: settings.requestTimeoutMs ?? 30_000, connectionTimeout: 10_000 },
  });
  const transporter = nodemailer.createTransport({ SES: { sesClient: client, SendEmailCommand }, ...(settings.dkim ? { dkim: settings.dkim } : {}) });
  const wait = pacer(settings.rate);
  return {
    async send(message) {
      await wait();
      try {
        const info = (await transporter.sendMail(message)) as { response?: string };
        // SES answers with its own MessageId; the ledger keeps it so provider events can be traced.
        return { ok: true, response: `SES ${String(info.response ?? '')}` };
      } catch (e) {
        return classifySesError(e);
      }
    },
    async verify() {
      const problems: Problem[] = [];
      try {
        const account = await client.send(new GetAccountCommand({}));
        if (account.SendingEnabled === false) return fail([error('SES', SesSendingPaused, [target.region])]);
        const max = account.SendQuota?.MaxSendRate;
        if (max && settings.rate > max) problems.push(warning('SES', SesRateQuota, [`--rate ${settings.rate}/s is above the account's ${max}/s; SES will throttle (throttled messages are retried)`]));
        if (max && !settings.rate) problems.push(warning('SES', SesRateQuota, [`--rate 0 (no limit): SES allows ${max}/s; pass --rate ${max} to stay under it`]));
        if (account.ProductionAccessEnabled === false) problems.push(warning('SES', SesSandbox));
        return ok(undefined, problems);
      } catch (e) {
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        // Sending may be allowed without permission to read the account (ses:GetAccount): go on, say so.
        if (status === 403) return ok(undefined, [warning('SES', SesQuotaUnreadable)]);
        return fail([error('SES', SesUnreachable, [target.display, (e as Error).message])]);
      }
    },
    close() {
      transporter.close();
      client.destroy();
    },
  };
}
