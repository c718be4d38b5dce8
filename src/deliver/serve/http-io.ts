/**
 * The small HTTP vocabulary of `serve`'s own endpoints (unsubscribe,
 * subscribe, confirm, webhooks): a bounded request body and a plain,
 * uncached, unindexed HTML page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml } from '../../util/escape.js';

/** Form posts are tiny; anything bigger is refused before it is buffered. */
export const MAX_FORM_BYTES = 16 * 1024;

/**
 * The body as text, or null once it passes `limit` bytes (the rest is
 * drained, not kept, so the 413 answer still reaches the client).
 */
export function readBody(req: IncomingMessage, limit = MAX_FORM_BYTES): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = Number.isFinite(declared) && declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooBig = true;
      else if (!tooBig) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function isForm(req: IncomingMessage): boolean {
  return String(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

export function notFound(res: ServerResponse): void {
  page(res, 404, 'Not found', '<p>There is nothing here.</p>');
}

export function page(res: ServerResponse, status: number, title: string, body: string, headers: Record<string, string> = {}): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  // The URL carries a personal token: keep it out of caches, Referer headers and search engines.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Robots-Tag', 'noindex');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.end(
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>` +
      `<style>body{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#24292f;line-height:1.5}` +
      `button{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:6px;background:#24292f;color:#fff;cursor:pointer}</style></head>` +
      `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>\n`,
  );
}

/** A JSON answer for machine callers (webhooks). */
export function json(res: ServerResponse, status: number, value: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(value) + '\n');
}
