/**
 * One reader's copy of an edition, as nodemailer message options. Pure: the
 * edition's pre-rendered parts, the sender identity and the recipient in,
 * options out. The only per-recipient change to the body is the unsubscribe
 * URL, filled by string replacement (HTML-escaped in the HTML part); MJML never
 * runs here, so 10,000 copies cost 10,000 string joins, not 10,000 renders.
 */
import { randomBytes } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import type { Newsletter } from '../../model.js';
import { error, fail, ok, type Result } from '../../problems.js';
import { FromInvalid } from '../../problem-catalogue.js';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../../render/placeholders.js';
import { escapeHtml } from '../../util/escape.js';
import { addressProblem, domainOf } from '../audience/address.js';
import { resolveListId } from './list-id.js';
import type { EditionFiles } from './built-editions.js';

export interface SenderIdentity {
  /** The From mailbox as configured, e.g. `AI Cloud Weekly <brief@example.com>`. */
  from: string;
  /** Display name of From, without quotes ("" when none). */
  fromName: string;
  fromAddress: string;
  replyTo?: string;
  /** Public base URL (the newsletter.yml schema drops a trailing slash); the unsubscribe endpoint hangs off it. */
  baseUrl: string;
  listName: string;
  /** RFC 2919 list identifier, `<slug>.<domain>`, stable across editions. */
  listId: string;
  messageIdDomain: string;
}

/**
 * From, List-Id and the URLs every copy carries. `sentWith` (the List-Id of the
 * newest send from the state directory) decides whether an accented name keeps
 * the id its earlier sends carried: see list-id.ts.
 */
export function senderIdentity(newsletter: Newsletter, file: string, history: { sentWith?: string | null } = {}): Result<SenderIdentity> {
  const match = /<([^<>]+)>\s*$/.exec(newsletter.from);
  const fromAddress = (match ? match[1]! : newsletter.from).trim();
  const why = addressProblem(fromAddress);
  if (why) return fail([error(file, FromInvalid, [why])]);
  const fromName = (match ? newsletter.from.slice(0, match.index) : '').trim().replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1');
  const domain = domainOf(fromAddress);
  const list = resolveListId({
    name: newsletter.name,
    domain,
    ...(newsletter.listId ? { pinned: newsletter.listId } : {}),
    ...(history.sentWith !== undefined ? { sentWith: history.sentWith } : {}),
    file,
  });
  const identity: SenderIdentity = {
    from: newsletter.from,
    fromName,
    fromAddress,
    baseUrl: newsletter.baseUrl,
    listName: newsletter.name,
    listId: list.listId,
    messageIdDomain: domain,
  };
  if (newsletter.replyTo) identity.replyTo = newsletter.replyTo;
  return ok(identity, list.warnings);
}

/** An edition split at its placeholders once, so each copy is a join. */
export interface PreparedEdition {
  date: string;
  subject: string;
  htmlParts: string[];
  textParts: string[];
}

export function prepareEdition(edition: Pick<EditionFiles, 'date' | 'subject' | 'html' | 'text'>): PreparedEdition {
  return {
    date: edition.date,
    subject: edition.subject,
    htmlParts: edition.html.split(UNSUBSCRIBE_URL_PLACEHOLDER),
    textParts: edition.text.split(UNSUBSCRIBE_URL_PLACEHOLDER),
  };
}

/**
 * `<baseUrl>/unsubscribe?token=…`, built with the URL API: the path gets the
 * segment, and a query the base URL already has is kept as written with the
 * token added to it (pasting strings put "/unsubscribe" inside the query).
 */
export function unsubscribeUrl(baseUrl: string, token: string): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname}${url.pathname.endsWith('/') ? '' : '/'}unsubscribe`;
  const param = `token=${encodeURIComponent(token)}`;
  url.search = url.search.length > 1 ? `${url.search.slice(1)}&${param}` : param;
  return url.href;
}

export interface MessageInput {
  edition: PreparedEdition;
  sender: SenderIdentity;
  recipient: { address: string; name?: string };
  /** Unsubscribe token for this recipient (see unsubscribe-token.ts). */
  token: string;
  /** Stable per edition and recipient (see messageIdHash); ignored for test sends. */
  messageIdHash: string;
  date: Date;
  /** A `--to` test copy: "[TEST] " subject and a Message-ID of its own. */
  test?: boolean;
}

export function buildMessage(input: MessageInput): SendMailOptions {
  const { edition, sender, recipient, token } = input;
  const url = unsubscribeUrl(sender.baseUrl, token);
  // A test copy must not share the real copy's Message-ID: receivers that
  // de-duplicate by it would silently drop the real edition later.
  const idLocal = input.test ? `${edition.date}.test.${randomBytes(8).toString('hex')}` : `${edition.date}.${input.messageIdHash}`;
  const options: SendMailOptions = {
    // Structured, so a display name with a comma or quote is encoded, not parsed as two mailboxes.
    from: sender.fromName ? { name: sender.fromName, address: sender.fromAddress } : sender.fromAddress,
    to: recipient.name ? { name: recipient.name, address: recipient.address } : recipient.address,
    subject: input.test ? `[TEST] ${edition.subject}` : edition.subject,
    messageId: `<${idLocal}@${sender.messageIdDomain}>`,
    date: input.date,
    text: edition.textParts.join(url),
    html: edition.htmlParts.join(escapeHtml(url)),
    list: {
      id: { url: sender.listId, comment: sender.listName },
      // A nested array makes one header line with both URLs (RFC 2369 order of preference).
      unsubscribe: [[url, `mailto:${sender.fromAddress}?subject=unsubscribe`]],
    },
    headers: {
      // RFC 8058: tells mailbox providers they may POST to the https URL above for one-click unsubscribe.
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
  if (sender.replyTo) options.replyTo = sender.replyTo;
  return options;
}
