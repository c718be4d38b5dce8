/**
 * The preview server over HTTP, without a browser: routes, the email as
 * previewed, Server-Sent Events after real file edits, the terminal report.
 */
import http from 'node:http';
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem, type Problem } from '../../src/problems.js';
import { startPreview, type PreviewServer } from '../../src/preview/server.js';
import { allowedHost } from '../../src/preview/router.js';
import type { PreviewLogger } from '../../src/preview/reporter.js';

const BRIEF = '2025-10-13-qwen-open-source-and-price-cuts.md';

interface SseEvent {
  event: string;
  data: { build: string; overlay?: string; ok?: boolean; rendered?: string[] };
}

/**
 * Subscribes to /events. `next(pred)` resolves with the first matching event
 * after the last one consumed; earlier unmatched events are dropped, so a late
 * event from a previous edit cannot stand in for a later one.
 */
function subscribe(url: string, edition?: string): { next(pred?: (e: SseEvent) => boolean, ms?: number): Promise<SseEvent>; close(): void } {
  const seen: SseEvent[] = [];
  const waiters: { pred: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  let buffer = '';
  const req = http.get(new URL(edition ? `/events?edition=${edition}` : '/events', url), (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (!event || !data) continue;
        const e = { event, data: JSON.parse(data) } as SseEvent;
        const i = waiters.findIndex((w) => w.pred(e));
        if (i >= 0) {
          seen.length = 0;
          waiters.splice(i, 1)[0]!.resolve(e);
        }
        else seen.push(e);
      }
    });
  });
  req.on('error', () => {});
  return {
    next(pred = () => true, ms = 5000) {
      const i = seen.findIndex(pred);
      if (i >= 0) return Promise.resolve(seen.splice(0, i + 1).at(-1)!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event in ${ms} ms; unmatched: ${JSON.stringify(seen.map((e) => [e.event, e.data.ok, e.data.rendered]))}`)), ms);
        waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
    close: () => req.destroy(),
  };
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

describe('preview server', () => {
  let tmp: string;
  let contentDir: string;
  let briefPath: string;
  let original: string;
  let server: PreviewServer;
  const lines: string[] = [];
  const printed: Problem[][] = [];
  const logger: PreviewLogger = { info: (l) => lines.push(l), problems: (p) => printed.push([...p]) };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'briefwire-preview-http-'));
    contentDir = path.join(tmp, 'content');
    await cp('content', contentDir, { recursive: true });
    await cp('templates', path.join(tmp, 'templates'), { recursive: true });
    briefPath = path.join(contentDir, 'editions', BRIEF);
    original = await readFile(briefPath, 'utf8');
    server = await startPreview({ contentDir, templatesDir: path.join(tmp, 'templates'), port: 0, logger });
    await server.ready;
  });

  afterAll(async () => {
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('listens on loopback, on the port the OS picked, and reports the first render', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.port).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^Rendered 8 editions in \d+ ms$/);
  });

  it('serves the index, edition pages, the email and its text part', async () => {
    const index = await get(server.url);
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-store');
    expect(index.body.match(/<tr data-date=/g)).toHaveLength(8);
    // The pages' stylesheet is one file, linked from every page.
    expect(index.body).toContain('<link rel="stylesheet" href="/assets/preview.css">');
    const css = await get(`${server.url}assets/preview.css`);
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('#frame-wrap iframe');

    expect((await get(`${server.url}editions/2025-10-13`)).headers.location).toBe('/editions/2025-10-13/');
    const page = await get(`${server.url}editions/2025-10-13/`);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<iframe id="email-frame"[^>]* src="\/editions\/2025-10-13\/email\.html\?v=\d+"/);
    expect(page.body).toContain('id="view-mobile"');

    const email = await get(`${server.url}editions/2025-10-13/email.html`);
    expect(email.body).toMatch(/^<!doctype html>/i);
    expect(email.body).toContain('href="#preview-unsubscribe"');
    expect(email.body).not.toContain('%%BRIEFWIRE_UNSUBSCRIBE_URL%%');
    const text = await get(`${server.url}editions/2025-10-13/email.txt`);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.body).not.toContain('%%BRIEFWIRE_UNSUBSCRIBE_URL%%');
  });

  it('answers only GET and HEAD on its pages, and refuses a cross-site POST', async () => {
    const request = (method: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(server.url, { method, headers }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
        req.on('error', reject).end();
      });
    expect(await request('HEAD')).toBe(200);
    expect(await request('POST')).toBe(405);
    expect(await request('POST', { origin: 'https://evil.example' })).toBe(403);
  });

  it('answers unknown paths and dates with 404 pages', async () => {
    const missing = await get(`${server.url}editions/2031-01-01/`);
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('No edition on 2031-01-01');
    expect((await get(`${server.url}editions/2025-10-13/nope.png`)).status).toBe(404);
    expect((await get(`${server.url}nothing-here`)).status).toBe(404);
  });

  it('refuses other Host names while bound to loopback (DNS rebinding)', async () => {
    expect((await get(server.url, { host: 'evil.example:4000' })).status).toBe(403);
    expect((await get(server.url, { host: `localhost:${server.port}` })).status).toBe(200);
    expect(allowedHost('anything.example', '0.0.0.0')).toBe(true);
    expect(allowedHost(undefined, '127.0.0.1')).toBe(false);
  });

  it('pushes an update event after a brief is saved, re-rendering only that edition', async () => {
    const events = subscribe(server.url);
    try {
      const hello = await events.next((e) => e.event === 'hello');
      await writeFile(briefPath, original.replace(/^title: .*$/m, 'title: Saved from a test'));
      const update = await events.next((e) => e.event === 'update' && e.data.build !== hello.data.build);
      expect(update.data.ok).toBe(true);
      expect(update.data.rendered).toEqual(['2025-10-13']);
      expect(update.data.overlay).toContain('hidden');
      expect((await get(`${server.url}editions/2025-10-13/`)).body).toContain('Saved from a test');
      expect(lines.at(-1)).toMatch(/2025-10-13-qwen-open-source-and-price-cuts\.md: re-rendered 1 edition \(2025-10-13\) in \d+ ms$/);

      // Restoring the brief is an edit like any other: its update event says the edition is back.
      await writeFile(briefPath, original);
      const restored = await events.next((e) => e.event === 'update' && e.data.ok === true && (e.data.rendered ?? []).includes('2025-10-13'));
      expect(restored.data.build).not.toBe(update.data.build);
      expect((await get(`${server.url}editions/2025-10-13/`)).body).not.toContain('Saved from a test');
    } finally {
      events.close();
      await writeFile(briefPath, original);
    }
  });

  it('serves an edition page without waiting for its client report, names the new email in the update, and says when the report is ready', async () => {
    const events = subscribe(server.url, '2025-10-13');
    try {
      await events.next((e) => e.event === 'hello');
      await writeFile(briefPath, original.replace(/^title: .*$/m, 'title: Report still pending'));
      const update = await events.next((e) => e.event === 'update' && e.data.ok === true && (e.data.rendered ?? []).includes('2025-10-13'));
      const frame = (update.data as { frames?: Record<string, string> }).frames?.['2025-10-13'];
      expect(frame).toMatch(/^\/editions\/2025-10-13\/email\.html\?v=\d+$/);
      // Nobody has asked for this render's report yet: the page comes at once, with the report pending.
      const first = (await get(`${server.url}editions/2025-10-13/`)).body;
      expect(first).toContain('Report still pending');
      expect(first).toContain(`src="${frame!}"`);
      expect(first).toContain('Checking the email against each client');
      // A report of an earlier render may still come in; this render's names its stamp.
      const stamp = Number(new URL(frame!, server.url).searchParams.get('v'));
      await events.next((e) => e.event === 'report' && (e.data as { edition?: string; stamp?: number }).edition === '2025-10-13' && (e.data as { stamp?: number }).stamp === stamp, 60_000);
      const second = (await get(`${server.url}editions/2025-10-13/`)).body;
      expect(second).toContain('id="clients-table"');
      expect(second).not.toContain('Checking the email against each client');
      await writeFile(briefPath, original);
      await events.next((e) => e.event === 'update' && e.data.ok === true && (e.data.rendered ?? []).includes('2025-10-13'));
    } finally {
      events.close();
      await writeFile(briefPath, original);
    }
  }, 90_000);

  it('reports a broken brief on the terminal and in the overlay, keeps serving the last good render, and clears when fixed', async () => {
    const events = subscribe(server.url);
    try {
      await events.next((e) => e.event === 'hello');
      const before = printed.length;
      await writeFile(briefPath, original.replace(/^metrics:$/m, 'metrics:\n  no_such_metric: 12'));
      // writeFile truncates before it writes, so the watcher may first see a half-written
      // file (and report that); the update that matters is the one for the whole file.
      const failed = await events.next((e) => e.event === 'update' && e.data.ok === false && String(e.data.overlay).includes('no_such_metric'));
      expect(failed.data.overlay).toContain('unknown metric &quot;no_such_metric&quot;');
      // The terminal got the same problems, formatted the same way.
      const problems = printed.at(-1)!;
      expect(printed.length).toBeGreaterThan(before);
      const error = problems.find((p) => p.severity === 'error')!;
      expect(error.file).toBe(briefPath);
      expect(error.line).toBeGreaterThan(1);
      expect(failed.data.overlay).toContain(formatProblem(error).replace(/"/g, '&quot;'));
      expect(lines.at(-1)).toMatch(/build failed; the preview shows the last good version/);
      const linesBeforeFix = lines.length;
      // Still serving the last good email.
      expect((await get(`${server.url}editions/2025-10-13/email.html`)).body).toContain('open-source reach and the cost of cheaper AI');

      await writeFile(briefPath, original);
      const fixed = await events.next((e) => e.event === 'update' && e.data.ok === true);
      expect(fixed.data.overlay).toMatch(/data-errors="0" hidden/);
      // A watcher re-check may log a no-op rebuild right after; the fix itself is logged once.
      expect(lines.slice(linesBeforeFix).filter((l) => /fixed; re-rendered 0 editions/.test(l))).toHaveLength(1);
    } finally {
      events.close();
      await writeFile(briefPath, original);
    }
  });

  it('picks up a new brief and a deleted one', async () => {
    const events = subscribe(server.url);
    const added = path.join(contentDir, 'editions', '2026-02-16-a-new-week.md');
    try {
      await events.next((e) => e.event === 'hello');
      await writeFile(added, '---\ntitle: A new week\nmetrics:\n  alibaba_ai_cloud_share: 39\n---\n\nShort and new.\n');
      const update = await events.next((e) => e.event === 'update' && (e.data.rendered ?? []).includes('2026-02-16'));
      // The new edition, and the previous latest whose "next" link now exists.
      expect(update.data.rendered).toEqual(['2026-02-16', '2026-02-09']);
      expect((await get(server.url)).body).toContain('A new week');

      await unlink(added);
      await events.next((e) => e.event === 'update' && (e.data.rendered ?? []).includes('2026-02-09'));
      expect((await get(server.url)).body).not.toContain('A new week');
      expect((await get(`${server.url}editions/2026-02-16/`)).status).toBe(404);
    } finally {
      events.close();
      await rm(added, { force: true });
    }
  });

  it('re-renders every edition when a template is saved', async () => {
    const events = subscribe(server.url);
    const footer = path.join(tmp, 'templates', 'partials', 'email-footer.mjml.hbs');
    const text = await readFile(footer, 'utf8');
    try {
      await events.next((e) => e.event === 'hello');
      await writeFile(footer, text.replace('Archive</a>', 'All issues</a>'));
      const update = await events.next((e) => e.event === 'update' && e.data.ok === true && (e.data.rendered ?? []).length === 8);
      expect(update.data.rendered).toHaveLength(8);
      expect((await get(`${server.url}editions/2025-09-01/email.html`)).body).toContain('All issues');
    } finally {
      events.close();
      await writeFile(footer, text);
    }
  });
});
