/**
 * Request handling for the preview: a list of routes tried in order, behind
 * the checks every request passes (Host header, method). Adding a page or an
 * action is adding a Route (see routes.ts); nothing else changes.
 */
import type http from 'node:http';

export interface RouteRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  /** The route pattern's capture groups. */
  params: string[];
}

export interface Route {
  /** HEAD is answered wherever GET is. */
  method: 'GET' | 'POST';
  /** The URL path exactly, or a pattern matched against it (its groups become params). */
  path: string | RegExp;
  handle(r: RouteRequest): void | Promise<void>;
}

export interface RouterOptions {
  /** The address the server is bound to: decides which Host headers are answered. */
  host: string;
  /** Answers what no route matched. */
  notFound(r: RouteRequest): void;
  /** An unexpected failure in a route (a bug): logged, answered with 500. */
  onError(err: unknown, req: http.IncomingMessage): void;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function createRouter(routes: readonly Route[], options: RouterOptions): http.RequestListener {
  const answer = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!allowedHost(req.headers.host, options.host)) return send(res, 403, 'text/plain', 'preview: unexpected Host header\n');
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (method !== 'GET' && !sameOrigin(req)) return send(res, 403, 'text/plain', 'preview: cross-origin request refused\n');
    const url = new URL(req.url ?? '/', 'http://preview.invalid');
    let allowed = false;
    for (const route of routes) {
      const m = typeof route.path === 'string' ? (route.path === url.pathname ? [url.pathname] : null) : route.path.exec(url.pathname);
      if (!m) continue;
      if (route.method !== method) {
        allowed = true;
        continue;
      }
      return route.handle({ req, res, url, params: m.slice(1) });
    }
    if (allowed) return send(res, 405, 'text/plain', 'method not allowed\n');
    if (method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed\n');
    options.notFound({ req, res, url, params: [] });
  };
  return (req, res) => {
    answer(req, res).catch((err: unknown) => {
      options.onError(err, req);
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error; see the terminal');
      else res.end();
    });
  };
}

export function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    // Always fresh: the whole point is seeing the latest save.
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

export function redirect(res: http.ServerResponse, location: string): void {
  res.writeHead(301, { location, 'cache-control': 'no-store' });
  res.end();
}

/**
 * Bound to loopback, only loopback names are answered: a web page elsewhere
 * could otherwise point a DNS name at 127.0.0.1 and read unpublished drafts.
 */
export function allowedHost(hostHeader: string | undefined, boundHost: string): boolean {
  if (!isLoopback(boundHost)) return true;
  if (!hostHeader) return false;
  const name = hostHeader.replace(/:\d+$/, '').toLowerCase();
  return LOOPBACK_NAMES.has(name) || name === boundHost || /^127(\.\d{1,3}){3}$/.test(name);
}

/** A request that changes something must come from the preview's own pages: a browser sends Origin with every POST. */
export function sameOrigin(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser (curl, tests); browsers always send it on POST
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
