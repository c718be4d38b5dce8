/**
 * The unsubscribe endpoint of `serve` (the rules are in public-server.ts):
 * GET shows a button, POST (the button or RFC 8058 one-click) suppresses the
 * token's address, durably, before the page says so.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml } from '../../util/escape.js';
import { isForm, page, readBody } from './http-io.js';
import type { SuppressionView } from '../audience/suppression.js';
import type { StateStore } from '../store/state-store.js';
import { checkUnsubscribeToken } from '../audience/unsubscribe-token.js';

export interface UnsubscribeRouteOptions {
  store: StateStore;
  secret: string;
  listName: string;
  onUnsubscribe?: (address: string, via: string) => void;
  now?: () => Date;
}

export function createUnsubscribeRoute(
  opts: UnsubscribeRouteOptions,
  suppression: SuppressionView,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  /** The token's address, or null after answering with the page that says why not. */
  const tokenAddress = (res: ServerResponse, token: string): string | null => {
    const check = checkUnsubscribeToken(token, opts.secret, opts.now?.() ?? new Date());
    if (check.ok) return check.address;
    if (check.reason === 'expired') page(res, 410, 'Link expired', expiredBody(opts.listName));
    else page(res, 400, 'Link not valid', invalidBody(opts.listName));
    return null;
  };

  return async (req, res, url) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      const token = url.searchParams.get('token') ?? '';
      const address = tokenAddress(res, token);
      if (!address) return;
      await suppression.refresh();
      if (suppression.has(address)) return page(res, 200, 'Unsubscribed', doneBody(opts.listName, address, true));
      return page(res, 200, 'Unsubscribe', confirmBody(opts.listName, address, token));
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'GET, HEAD, POST');
      return page(res, 405, 'Method not allowed', '<p>Use the link in your email.</p>');
    }
    const body = await readBody(req);
    if (body === null) return page(res, 413, 'Request too large', '<p>Request too large.</p>');
    let token = url.searchParams.get('token');
    let oneClick = false;
    if (isForm(req)) {
      const form = new URLSearchParams(body);
      token ??= form.get('token');
      oneClick = form.get('List-Unsubscribe') === 'One-Click';
    } else {
      // RFC 8058 allows multipart/form-data too; the token is in the URL either way.
      oneClick = body.includes('One-Click');
    }
    const address = tokenAddress(res, token ?? '');
    if (!address) return;
    await suppression.refresh();
    const already = suppression.has(address);
    if (!already) {
      const via = oneClick ? 'one-click' : 'form';
      // Durable before we say so: the success page is a promise not to mail again.
      await opts.store.suppress(address, via, opts.now?.() ?? new Date());
      suppression.add(address);
      opts.onUnsubscribe?.(address, via);
    }
    return page(res, 200, 'Unsubscribed', doneBody(opts.listName, address, already));
  };
}

function confirmBody(listName: string, address: string, token: string): string {
  return (
    `<p>Stop sending <strong>${escapeHtml(listName)}</strong> to <strong>${escapeHtml(address)}</strong>?</p>` +
    `<form method="post" action="unsubscribe"><input type="hidden" name="token" value="${escapeHtml(token)}">` +
    `<button type="submit">Unsubscribe</button></form>`
  );
}

function doneBody(listName: string, address: string, already: boolean): string {
  return `<p>${escapeHtml(address)} ${already ? 'is already unsubscribed from' : 'has been unsubscribed from'} <strong>${escapeHtml(listName)}</strong>. You will not receive further issues.</p>`;
}

function invalidBody(listName: string): string {
  return `<p>This unsubscribe link is not valid. It may have been cut off when copied. Use the link at the bottom of any ${escapeHtml(listName)} email, or reply to it and we will remove you.</p>`;
}

function expiredBody(listName: string): string {
  return `<p>This unsubscribe link is from an older ${escapeHtml(listName)} email and no longer works. Use the link at the bottom of a recent issue, or reply to any issue and we will remove you.</p>`;
}
