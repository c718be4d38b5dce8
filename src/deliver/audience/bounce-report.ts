/**
 * Delivery status notifications (RFC 3464) and feedback-loop complaint
 * reports (ARF, RFC 5965), read from raw mail with mailparser. Both are
 * multipart/report messages: a human-readable part, a machine-readable part
 * (message/delivery-status or message/feedback-report, header-style fields)
 * and the original message or its headers. Anything else in a bounce mailbox
 * (auto-replies, spam, a reader writing back) is reported as "not a report"
 * and changes nothing.
 *
 * Which DSNs count: `Action: failed` with a 5.x.x status is a hard bounce,
 * with a 4.x.x status a soft bounce (the remote server gave up after
 * retrying a temporary error: mailbox full, greylisting that never cleared).
 * `Action: delayed` is a warning that delivery is still being tried, not a
 * bounce, and `delivered`/`relayed`/`expanded` are successes.
 */
import { createHash } from 'node:crypto';
import { simpleParser, type Attachment } from 'mailparser';
import { addressKey } from './address.js';
import type { FeedbackEvent } from './feedback.js';

export interface DsnRecipient {
  address: string;
  action: string;
  status: string;
  diagnostic?: string;
}

export type ParsedReport =
  | { kind: 'dsn'; reportId: string; date: string; recipients: DsnRecipient[]; original: OriginalMessage }
  | { kind: 'arf'; reportId: string; date: string; feedbackType: string; address?: string; original: OriginalMessage }
  | { kind: 'other'; why: string };

export interface OriginalMessage {
  messageId?: string;
  /** The original To addresses (for an ARF report without Original-Rcpt-To). */
  to: string[];
}

/** Field blocks of a message/delivery-status or message/feedback-report body: folded header syntax, blank-line separated. */
export function parseFieldBlocks(text: string): Map<string, string>[] {
  const blocks: Map<string, string>[] = [];
  for (const chunk of text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of chunk.split('\n')) {
      if (/^[ \t]/.test(line) && last) {
        fields.set(last, `${fields.get(last)} ${line.trim()}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      // The first occurrence wins; repeated fields (Original-Rcpt-To) are rare and the first is the one reported.
      if (!fields.has(last)) fields.set(last, line.slice(colon + 1).trim());
    }
    if (fields.size > 0) blocks.push(fields);
  }
  return blocks;
}

/** `rfc822; Someone@Example.org` -> `someone@example.org` (address types other than rfc822 are not mail addresses). */
export function typedAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const semi = value.indexOf(';');
  const type = semi >= 0 ? value.slice(0, semi).trim().toLowerCase() : 'rfc822';
  if (type !== 'rfc822') return undefined;
  const address = (semi >= 0 ? value.slice(semi + 1) : value).trim().replace(/^<|>$/g, '').trim();
  return address.includes('@') ? addressKey(address) : undefined;
}

export async function parseReport(raw: Buffer): Promise<ParsedReport> {
  let mail;
  try {
    // keepDeliveryStatus: the machine-readable part as an attachment, not merged into the text;
    // ignoreEmbedded: the returned message stays one part we parse on its own.
    mail = await simpleParser(raw, { keepDeliveryStatus: true, ignoreEmbedded: true, skipHtmlToText: true, skipTextToHtml: true, checksumAlgo: false });
  } catch (e) {
    return { kind: 'other', why: `not a readable email (${(e as Error).message})` };
  }
  const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const reportType = (type?.params?.['report-type'] ?? '').toLowerCase();
  if (type?.value?.toLowerCase() !== 'multipart/report') {
    return { kind: 'other', why: `not a delivery or complaint report (Content-Type ${type?.value ?? 'none'}; subject "${mail.subject ?? ''}")` };
  }
  const reportId = mail.messageId ?? `sha256:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
  const date = (mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : new Date()).toISOString();
  const part = (t: string): Attachment | undefined => mail.attachments.find((a) => a.contentType.toLowerCase() === t);
  const original = await originalMessage(part('message/rfc822') ?? part('text/rfc822-headers'));

  if (reportType === 'delivery-status') {
    const status = part('message/delivery-status');
    if (!status) return { kind: 'other', why: 'a delivery-status report without its message/delivery-status part' };
    const [, ...perRecipient] = parseFieldBlocks(status.content.toString('utf8'));
    const recipients: DsnRecipient[] = [];
    for (const f of perRecipient) {
      const address = typedAddress(f.get('final-recipient')) ?? typedAddress(f.get('original-recipient'));
      if (!address) continue;
      const diagnostic = f.get('diagnostic-code');
      recipients.push({
        address,
        action: (f.get('action') ?? '').toLowerCase(),
        status: (f.get('status') ?? '').split(/\s/)[0] ?? '',
        ...(diagnostic ? { diagnostic: diagnostic.replace(/^smtp;\s*/i, '') } : {}),
      });
    }
    if (recipients.length === 0) return { kind: 'other', why: 'a delivery-status report that names no recipient' };
    return { kind: 'dsn', reportId, date, recipients, original };
  }
  if (reportType === 'feedback-report') {
    const feedback = part('message/feedback-report');
    if (!feedback) return { kind: 'other', why: 'a feedback report without its message/feedback-report part' };
    const [fields] = parseFieldBlocks(feedback.content.toString('utf8'));
    const address = typedAddress(fields?.get('original-rcpt-to')) ?? (original.to.length === 1 ? original.to[0] : undefined);
    return { kind: 'arf', reportId, date, feedbackType: (fields?.get('feedback-type') ?? '').toLowerCase(), ...(address ? { address } : {}), original };
  }
  return { kind: 'other', why: `a multipart/report of type "${reportType || 'none'}", neither delivery-status nor feedback-report` };
}

async function originalMessage(part: Attachment | undefined): Promise<OriginalMessage> {
  if (!part) return { to: [] };
  // text/rfc822-headers is a header block without a body; a blank line makes it a message.
  const parsed = await simpleParser(Buffer.concat([part.content, Buffer.from('\r\n\r\n')]), { skipHtmlToText: true, skipTextToHtml: true, checksumAlgo: false }).catch(() => null);
  if (!parsed) return { to: [] };
  const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : [])
    .flatMap((a) => a.value)
    .map((v) => v.address)
    .filter((a): a is string => typeof a === 'string' && a.includes('@'))
    .map(addressKey);
  return { ...(parsed.messageId ? { messageId: parsed.messageId } : {}), to };
}

export interface ReportEvents {
  events: FeedbackEvent[];
  /** Recipients or reports that change nothing, and why. */
  ignored: { address?: string; why: string }[];
}

/** The feedback events a report stands for. Pure. */
export function reportEvents(report: ParsedReport): ReportEvents {
  const out: ReportEvents = { events: [], ignored: [] };
  if (report.kind === 'other') {
    out.ignored.push({ why: report.why });
    return out;
  }
  const messageId = report.original.messageId;
  if (report.kind === 'arf') {
    if (report.feedbackType === 'not-spam') {
      out.ignored.push({ ...(report.address ? { address: report.address } : {}), why: 'a "not-spam" feedback report is not a complaint' });
    } else if (!report.address) {
      out.ignored.push({ why: 'a complaint report that does not say who complained (no Original-Rcpt-To, no single To in the original)' });
    } else {
      out.events.push({
        id: `${report.reportId} ${report.address}`,
        kind: 'complaint',
        address: report.address,
        at: report.date,
        via: 'arf',
        detail: `feedback type ${report.feedbackType || 'unspecified'}`,
        ...(messageId ? { messageId } : {}),
      });
    }
    return out;
  }
  for (const r of report.recipients) {
    const klass = r.status.charAt(0);
    if (r.action !== 'failed' || (klass !== '5' && klass !== '4')) {
      const why = r.action === 'delayed' ? 'a delay warning: the remote server is still trying' : `action "${r.action || 'none'}", status ${r.status || 'none'}: not a bounce`;
      out.ignored.push({ address: r.address, why });
      continue;
    }
    out.events.push({
      id: `${report.reportId} ${r.address}`,
      kind: klass === '5' ? 'hard-bounce' : 'soft-bounce',
      address: r.address,
      at: report.date,
      via: 'dsn',
      status: r.status,
      ...(r.diagnostic ? { detail: r.diagnostic } : {}),
      ...(messageId ? { messageId } : {}),
    });
  }
  return out;
}
