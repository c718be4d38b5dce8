/**
 * The pieces of a message a bounce classifier looks at, read with
 * mailparser: a few headers, the human-readable text, and the parts by type
 * (message/delivery-status, message/feedback-report, the returned original).
 */
import { simpleParser, type ParsedMail } from 'mailparser';

export interface Part {
  type: string;
  text: string;
}

export interface BounceMail {
  /** Lower-cased header name -> its raw value(s) joined. */
  header: (name: string) => string;
  subject: string;
  /** The bounce's own From and To addresses (lower-cased): never a failed recipient. */
  from: string[];
  to: string[];
  /** The human-readable text (text/plain, or text/html made text). */
  text: string;
  parts: Part[];
  messageId?: string;
  date?: Date;
  /** Content-Type value and report-type parameter, lower-cased. */
  contentType: string;
  reportType: string;
}

const ADDRESS_IN = /[A-Za-z0-9._%+'=!#$&*/?^`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

/** Every address-looking string in a text, lower-cased, in order, once each. */
export function addressesIn(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(ADDRESS_IN)) seen.add(m[0].replace(/^[.'=]+|[.]+$/g, '').toLowerCase());
  return [...seen];
}

function headerValue(mail: ParsedMail, name: string): string {
  return mail.headerLines
    .filter((l) => l.key === name)
    .map((l) => l.line.slice(l.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim())
    .join('\n');
}

export async function readBounceMail(raw: Buffer): Promise<BounceMail> {
  // keepDeliveryStatus: the machine-readable part stays a part; ignoreEmbedded: a returned message stays one part.
  const mail = await simpleParser(raw, { keepDeliveryStatus: true, ignoreEmbedded: true, skipTextToHtml: true, skipImageLinks: true, checksumAlgo: false });
  const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const parts = mail.attachments.map((a) => ({ type: a.contentType.toLowerCase(), text: a.content.toString('utf8') }));
  // mailparser makes text of an HTML-only bounce itself. A multipart whose parts use another boundary than
  // the one declared reads as empty: its raw body is still the report, in plain words.
  const text = mail.text?.trim() || parts.length > 0 ? (mail.text ?? '') : rawBody(raw);
  return {
    header: (name) => headerValue(mail, name.toLowerCase()),
    subject: mail.subject ?? '',
    from: addressesIn(headerValue(mail, 'from')),
    to: addressesIn(headerValue(mail, 'to')),
    text,
    parts,
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    ...(mail.date && !Number.isNaN(mail.date.getTime()) ? { date: mail.date } : {}),
    contentType: (type?.value ?? '').toLowerCase(),
    reportType: (type?.params?.['report-type'] ?? '').toLowerCase(),
  };
}

function rawBody(raw: Buffer): string {
  const s = raw.toString('utf8');
  const end = /\r?\n\r?\n/.exec(s);
  return end ? s.slice(end.index + end[0].length) : '';
}

/** The first part of one of these types. */
export function partOf(mail: BounceMail, ...types: string[]): Part | undefined {
  return mail.parts.find((p) => types.includes(p.type));
}
