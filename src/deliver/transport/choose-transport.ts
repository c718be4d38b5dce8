/**
 * Which way mail leaves: MAIL_TRANSPORT=smtp (the default; SMTP_URL) or
 * MAIL_TRANSPORT=ses (Amazon SES v2 API; the AWS environment). Both give a
 * MailSender with the same outcome contract, so `send` and `serve`'s
 * confirmation emails do not care which.
 */
import type { DKIMOptions } from 'nodemailer';
import { error, fail, ok, type Result } from '../../problems.js';
import { MailTransportUnknown } from '../../problem-catalogue.js';
import { createSesMailSender, sesTargetFromEnv } from './ses-transport.js';
import type { MailSender } from './sender.js';
import { createMailSender, parseSmtpUrl } from './smtp.js';

export interface MailTransport {
  kind: 'smtp' | 'ses';
  /** Where mail goes, safe to print. */
  display: string;
  /** What a successful verify() proved, safe to print: "connected to smtps://host:465 and logged in". */
  verified: string;
  create(settings: { connections: number; rate: number; dkim?: DKIMOptions }): MailSender;
}

export function mailTransportFromEnv(env: NodeJS.ProcessEnv): Result<MailTransport> {
  const kind = (env['MAIL_TRANSPORT'] ?? 'smtp').trim().toLowerCase() || 'smtp';
  if (kind === 'ses') {
    const target = sesTargetFromEnv(env);
    if (!target.ok) return target;
    return ok({ kind, display: target.value.display, verified: `connected to ${target.value.display}; the account answered`, create: (s) => createSesMailSender(target.value, { rate: s.rate, ...(s.dkim ? { dkim: s.dkim } : {}) }) });
  }
  if (kind !== 'smtp') return fail([error('MAIL_TRANSPORT', MailTransportUnknown, [kind])]);
  const target = parseSmtpUrl(env['SMTP_URL']);
  if (!target.ok) return target;
  const { display, login } = target.value;
  const verified = `connected to ${display}${login ? ' and logged in' : ' (SMTP_URL names no user, so no login)'}`;
  return ok({ kind, display, verified, create: (s) => createMailSender(target.value, s) });
}

/** Whether the environment names a transport at all (serve runs without one; /subscribe is then closed). */
export function mailTransportConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env['SMTP_URL']?.trim()) || (env['MAIL_TRANSPORT'] ?? '').trim().toLowerCase() === 'ses';
}
