/**
 * The SMTP transport: SMTP_URL parsing with credential redaction and a pooled
 * nodemailer transport wrapped so every send resolves to an outcome the ledger
 * can record (never a throw; the contract is in sender.ts).
 *
 * Credentials live only inside SMTP_URL. Anything that could reach a terminal
 * or a log (error messages from nodemailer included, which can echo server
 * replies or URLs) goes through `redact` first.
 */
import type { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type { DKIMOptions } from 'nodemailer';
import { error, fail, ok, type Result } from '../../problems.js';
import { SmtpConnect, SmtpUrlInvalid, SmtpUrlMissing, SmtpUrlNoHost, SmtpUrlProtocol } from '../../problem-catalogue.js';
import { redactor } from '../../util/redact.js';
import type { MailSender, SendOutcome } from './sender.js';

export interface SmtpTarget {
  url: string;
  /** host:port and scheme, safe to print. */
  display: string;
  /** Replaces every form of the credentials in `text` with "***". */
  redact: (text: string) => string;
  /** Whether the URL names a user, so that a verify also logs in. */
  login: boolean;
}

export function parseSmtpUrl(raw: string | undefined, source = 'SMTP_URL'): Result<SmtpTarget> {
  if (!raw || !raw.trim()) {
    return fail([error(source, SmtpUrlMissing)]);
  }
  const redact = redactor(raw);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    // Never echo the value: it holds the password.
    return fail([error(source, SmtpUrlInvalid)]);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    return fail([error(source, SmtpUrlProtocol, [url.protocol])]);
  }
  if (!url.hostname) return fail([error(source, SmtpUrlNoHost)]);
  const port = url.port || (url.protocol === 'smtps:' ? '465' : '587');
  return ok({ url: raw.trim(), display: `${url.protocol}//${url.hostname}:${port}`, redact, login: url.username !== '' });
}

export interface TransportSettings {
  /** Parallel SMTP connections (and so messages in flight). */
  connections: number;
  /** Messages per second across the pool; 0 = no limit. */
  rate: number;
  dkim?: DKIMOptions;
  /** Socket inactivity timeout; a stalled server fails the message instead of hanging the run. */
  socketTimeoutMs?: number;
}

/** nodemailer's limiter counts messages per window; express any rate (also < 1/s) as limit per delta. */
export function rateToPool(rate: number): { rateLimit?: number; rateDelta?: number } {
  if (!rate || rate <= 0 || !Number.isFinite(rate)) return {};
  if (rate >= 1) return { rateLimit: Math.round(rate), rateDelta: 1000 };
  return { rateLimit: 1, rateDelta: Math.round(1000 / rate) };
}

export function poolOptions(target: SmtpTarget, settings: TransportSettings) {
  return {
    url: target.url,
    pool: true as const,
    maxConnections: settings.connections,
    ...rateToPool(settings.rate),
    // The pool would silently resend a message whose connection dropped; we retry ourselves so
    // every try is in the ledger and a drop after the body went out is never resent blindly.
    maxRequeues: 0,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: settings.socketTimeoutMs ?? 60_000,
    ...(settings.dkim ? { dkim: settings.dkim } : {}),
    logger: false,
  };
}

interface BodyTracker {
  bodyHandedOver: boolean;
}

export function createMailSender(target: SmtpTarget, settings: TransportSettings): MailSender {
  const transporter = nodemailer.createTransport(poolOptions(target, settings));
  const trackers = new Map<string, BodyTracker>();

  // Learn whether the whole message stream was consumed by the SMTP connection. That is the
  // line between "the server cannot have accepted it" (safe to retry) and "it might have".
  transporter.use('stream', (mail, done) => {
    const tracker = trackers.get(String(mail.data.messageId ?? ''));
    const message = mail.message as unknown as { createReadStream: (options?: unknown) => Readable };
    if (tracker) {
      const original = message.createReadStream.bind(message);
      message.createReadStream = (options?: unknown) => {
        const stream = original(options);
        stream.once('end', () => {
          tracker.bodyHandedOver = true;
        });
        return stream;
      };
    }
    done();
  });

  return {
    async send(message) {
      const id = String(message.messageId ?? '');
      const tracker: BodyTracker = { bodyHandedOver: false };
      trackers.set(id, tracker);
      try {
        const info = (await transporter.sendMail(message)) as { response?: string; rejected?: unknown[] };
        if (Array.isArray(info.rejected) && info.rejected.length > 0) {
          return { ok: false, kind: 'permanent', message: target.redact(`recipient rejected: ${info.response ?? ''}`) };
        }
        return { ok: true, response: target.redact(String(info.response ?? '')) };
      } catch (e) {
        return classifySmtpError(e, tracker.bodyHandedOver, target.redact);
      } finally {
        trackers.delete(id);
      }
    },
    async verify() {
      try {
        await transporter.verify();
        return ok(undefined);
      } catch (e) {
        return fail([error('SMTP_URL', SmtpConnect, [target.display, target.redact(describe(e))])]);
      }
    },
    close() {
      transporter.close();
    },
  };
}

/** Decides what an SMTP error means for this recipient. Pure, so the rules are testable. */
export function classifySmtpError(e: unknown, bodyHandedOver: boolean, redact: (s: string) => string = (s) => s): SendOutcome & { ok: false } {
  const err = (e ?? {}) as { responseCode?: number; permanent?: boolean; code?: string; message?: string };
  const message = redact(describe(e));
  const code = typeof err.responseCode === 'number' ? err.responseCode : undefined;
  if (code !== undefined) {
    // The server answered: an explicit refusal was not accepted, whenever it came. 503 (bad
    // sequence) is about session state, not the message, so it is worth another connection.
    const permanent = typeof err.permanent === 'boolean' ? err.permanent : code >= 500 && code !== 503;
    return { ok: false, kind: permanent ? 'permanent' : 'temporary', code, message };
  }
  if (err.code === 'EENVELOPE' || err.code === 'EMESSAGE' || err.code === 'EMAXRECIPIENTS') {
    // Refused by nodemailer itself before sending (bad address, oversized): trying again cannot help.
    return { ok: false, kind: 'permanent', message };
  }
  // No answer from the server: a dropped connection, a timeout, a reset.
  return { ok: false, kind: bodyHandedOver ? 'unconfirmed' : 'temporary', message };
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
  }
  return String(e);
}
