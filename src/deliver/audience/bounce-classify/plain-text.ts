/**
 * Bounces written for people, not machines: Exim, qmail, Postfix and
 * Sendmail without a DSN part, Yahoo, AOL, Gmail, Microsoft, Exchange and
 * Domino notices in multipart/mixed. They differ in wording but share a
 * shape: a few lines that name the failed address and the server's reply,
 * then a copy of the original message. So the text is cut where the copy
 * begins, the addresses left in it (minus the bounce's own parties and
 * the mail system's) are the recipients, and each recipient's words run to
 * the next recipient.
 */
import { originalHeaders, originalMessageId, type FoundRecipient, type Finding } from './finding.js';
import { addressesIn, type BounceMail } from './mail-parts.js';
import { statusInText } from './reason-of.js';
import { reasonFromText } from './reason-patterns.js';

/** Where the returned copy of the original starts, in the many ways servers say it. */
const ORIGINAL_STARTS =
  /^[\s>|=*_-]*(?:.*(?:this is a copy of|copy of (?:the|your) (?:original )?message|below this line is a copy|original message (?:follows|header|text)|returned message|message (?:text )?follows|unsent message below|the text you sent follows|headers of the original|the original message headers|original message --|original message was:)).*$|^(?:Return-Path|Received|DKIM-Signature|Message-I[Dd]|MIME-Version|X-Original-To|Delivered-To):\s/im;

/** Mail-system mailboxes that appear in bounce text but are nobody's inbox. */
const SYSTEM_LOCAL = /^(?:mailer-daemon|postmaster|hostmaster|abuse|double-bounce|bounce[s]?|noreply|no-reply|root|daemon|nobody|mail-daemon|mailerdaemon)$/i;

export function reportText(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  // Separators before any address are a banner, not the copy.
  let seenAddress = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (seenAddress && ORIGINAL_STARTS.test(line)) return lines.slice(0, i).join('\n');
    if (addressesIn(line).length > 0 || /^\s*\S+@\S+/.test(line)) seenAddress = true;
  }
  return lines.join('\n');
}

/** Addresses that are the sender's side of the exchange, never a failed recipient. */
function senderSide(mail: BounceMail): Set<string> {
  const original = originalHeaders(mail);
  const fromTextHeaders = ['from', 'return-path', 'sender', 'reply-to'].flatMap((h) => {
    const m = new RegExp(`^${h}:\\s*(.*)$`, 'im').exec(mail.text.slice(reportText(mail.text).length));
    return m ? addressesIn(m[1]!) : [];
  });
  return new Set([
    ...mail.from,
    ...mail.to,
    ...addressesIn(mail.header('return-path')),
    ...['from', 'return-path', 'sender', 'reply-to'].flatMap((h) => addressesIn(original.get(h) ?? '')),
    ...fromTextHeaders,
  ]);
}

/** A line that gives an address to write to for help, not a failed recipient. */
const CONTACT_LINE = /send (e-?)?mail to|contact|for (further )?assistance|questions|write to/i;

function isCandidate(address: string, context: string, own: Set<string>): boolean {
  if (own.has(address)) return false;
  if (context.split('\n').some((line) => line.toLowerCase().includes(address) && CONTACT_LINE.test(line))) return false;
  // The envelope sender as the remote server quoted it.
  const escaped = address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return !new RegExp(`(?:mail from|envelope-from|sender)[:=\\s]*<?${escaped}`, 'i').test(context);
}

const HEADER_LINE = /^[\s>]*(?:to|cc|from|subject|date|message-id|in-reply-to|references|sender|reply-to)\s*:/i;

function onlyInHeaderLines(text: string, address: string): boolean {
  return text.split('\n').every((line) => !line.toLowerCase().includes(address) || HEADER_LINE.test(line));
}

function inMessageId(text: string, address: string): boolean {
  return text.split('\n').some((line) => line.toLowerCase().includes(address) && /^[\s>]*(message-id|in-reply-to|references)\s*:/i.test(line));
}

/** Each recipient's words: from the first line that names it up to a line that names another one. */
function segments(text: string, addresses: string[]): Map<string, string> {
  const lines = text.split('\n');
  const lower = lines.map((l) => l.toLowerCase());
  const out = new Map<string, string>();
  for (const a of addresses) {
    const start = lower.findIndex((l) => l.includes(a));
    if (start < 0) continue;
    let end = start + 1;
    while (end < lines.length && !addresses.some((o) => o !== a && lower[end]!.includes(o))) end++;
    out.set(a, lines.slice(start, end).join('\n').trim().slice(0, 2000));
  }
  return out;
}

export function readPlainText(mail: BounceMail): Finding | undefined {
  const text = reportText(mail.text);
  const own = senderSide(mail);
  const all = addressesIn(text).filter((a) => isCandidate(a, text, own));
  // postmaster@ and the like are named in the text as contacts; they are the recipient only when nobody else is.
  const people = all.filter((a) => !SYSTEM_LOCAL.test(a.slice(0, a.indexOf('@'))));
  const candidates = people.length > 0 ? people : all;
  // An address only in a quoted header line (the original's To:, a Message-Id) is a fallback, not a report.
  const named = candidates.filter((a) => !onlyInHeaderLines(text, a));
  let addresses = named.length > 0 ? named : candidates.filter((a) => !inMessageId(text, a));
  if (addresses.length === 0) addresses = addressesIn(mail.header('x-failed-recipients'));
  if (addresses.length === 0) return undefined;
  const words = named.length > 0 ? segments(text, addresses) : new Map<string, string>();
  const whole = text.replace(/\s+/g, ' ').trim();
  const recipients: FoundRecipient[] = addresses.map((address) => {
    const own = words.get(address) ?? '';
    // The line that names the recipient usually carries its reason; a segment that names none (the address
    // alone, a header line) leaves the whole notice to speak.
    const first = own.split('\n')[0] ?? '';
    const diagnostic = reasonFromText(first.replace(address, '')) ? first : reasonFromText(own) ? own : whole;
    return { address, status: statusInText(diagnostic), diagnostic, action: 'failed' };
  });
  const messageId = originalMessageId(mail);
  return { format: 'plain-text', recipients, ...(messageId ? { originalMessageId: messageId } : {}) };
}

/** The human text around one address (for a DSN whose Diagnostic-Code says little). */
export function wordsAbout(mail: BounceMail, address: string): string | undefined {
  const text = reportText(mail.text);
  if (!text.toLowerCase().includes(address)) return undefined;
  const all = addressesIn(text).filter((a) => isCandidate(a, text, senderSide(mail)));
  return segments(text, all.includes(address) ? all : [...all, address]).get(address);
}
