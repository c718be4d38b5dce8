/**
 * The email that asks a new reader to confirm. Pure, like the edition's
 * message builder. Not a list message, so no List-Unsubscribe: ignoring it is
 * how one declines. Its Message-ID starts with `confirm.` so a bounce of it
 * can be told from a bounce of an edition (see sent-mail.ts).
 */
import { randomBytes } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import { escapeHtml } from '../../util/escape.js';
import { CONFIRM_TOKEN_TTL_DAYS } from '../audience/confirm-token.js';
import type { SenderIdentity } from '../send/message.js';
import { CONFIRMATION_ID_PREFIX } from '../send/sent-mail.js';

export function confirmUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/confirm?token=${encodeURIComponent(token)}`;
}

export function buildConfirmationMessage(sender: SenderIdentity, to: { address: string; name?: string }, token: string, date: Date): SendMailOptions {
  const url = confirmUrl(sender.baseUrl, token);
  const list = sender.listName;
  const text =
    `Someone (hopefully you) asked to receive ${list} at this address.\n\n` +
    `Confirm your subscription here:\n${url}\n\n` +
    `The link works for ${CONFIRM_TOKEN_TTL_DAYS} days. If you did not ask for this, ignore this email: you will not hear from us again.\n`;
  const html =
    `<!doctype html><html><body style="font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#24292f;line-height:1.5">` +
    `<p>Someone (hopefully you) asked to receive <strong>${escapeHtml(list)}</strong> at this address.</p>` +
    `<p><a href="${escapeHtml(url)}" style="display:inline-block;padding:.5rem 1.25rem;background:#24292f;color:#fff;border-radius:6px;text-decoration:none">Confirm your subscription</a></p>` +
    `<p>The link works for ${CONFIRM_TOKEN_TTL_DAYS} days. If you did not ask for this, ignore this email: you will not hear from us again.</p>` +
    `</body></html>`;
  const options: SendMailOptions = {
    from: sender.fromName ? { name: sender.fromName, address: sender.fromAddress } : sender.fromAddress,
    to: to.name ? { name: to.name, address: to.address } : to.address,
    subject: `Confirm your subscription to ${list}`,
    messageId: `<${CONFIRMATION_ID_PREFIX}${randomBytes(12).toString('hex')}@${sender.messageIdDomain}>`,
    date,
    text,
    html,
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
  if (sender.replyTo) options.replyTo = sender.replyTo;
  return options;
}
