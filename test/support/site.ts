/**
 * Shared by the archive tests: builds the sample content into a temporary
 * out/ dir, serves out/site/ under a sub-path, and checks links on disk.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sirv from 'sirv';
import { parse, type HTMLElement } from 'node-html-parser';
import { build, type BuildReport } from '../../src/pipeline/build.js';

export interface BuiltSite {
  outDir: string;
  siteDir: string;
  report: BuildReport;
  cleanup: () => Promise<void>;
}

export async function buildSample(): Promise<BuiltSite> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'briefwire-site-'));
  const outDir = path.join(tmp, 'out');
  const report = await build({ contentDir: 'content', templatesDir: 'templates', outDir });
  if (!report.ok) throw new Error(`sample build failed:\n${report.problems.map((p) => `${p.file}: ${p.message}`).join('\n')}`);
  return { outDir, siteDir: path.join(outDir, 'site'), report, cleanup: () => rm(tmp, { recursive: true, force: true }) };
}

/** Every file under dir, as paths relative to it with forward slashes. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

export async function readSite(siteDir: string, rel: string): Promise<string> {
  return readFile(path.join(siteDir, rel), 'utf8');
}

export interface Served {
  /** Ends with the prefix and a slash, e.g. http://127.0.0.1:4312/newsletter/ */
  url: string;
  close: () => Promise<void>;
}

/**
 * Serves siteDir under `prefix` the way a plain static host would: files by
 * path, `dir/` as `dir/index.html`, 404.html with status 404 for anything else.
 */
export async function serveSite(siteDir: string, prefix = '/'): Promise<Served> {
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const notFound = await readFile(path.join(siteDir, '404.html'));
  const serve = sirv(siteDir, { dev: true, etag: false });
  const server: Server = createServer((req, res) => {
    const fail = () => {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(notFound);
    };
    const url = req.url ?? '/';
    if (!url.startsWith(base)) return fail();
    req.url = `/${url.slice(base.length)}`;
    serve(req, res, fail);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${base}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

export interface LinkReport {
  /** Relative links followed, as "page -> href". */
  checked: string[];
  broken: string[];
  rootAbsolute: string[];
  /** Absolute http(s) links and where they were found. */
  absolute: { page: string; tag: string; rel: string | null; href: string }[];
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Follows every href and src of every HTML page under siteDir: a relative
 * link must name an existing file (not a directory) inside the site, and a
 * fragment must match an id in the target page.
 */
export async function checkLinks(siteDir: string): Promise<LinkReport> {
  const pages = (await listFiles(siteDir)).filter((f) => f.endsWith('.html'));
  const docs = new Map<string, HTMLElement>();
  const doc = async (rel: string) => {
    let d = docs.get(rel);
    if (!d) docs.set(rel, (d = parse(await readSite(siteDir, rel))));
    return d;
  };
  const ids = new Map<string, Set<string>>();
  const idsOf = async (rel: string) => {
    let s = ids.get(rel);
    if (!s) ids.set(rel, (s = new Set((await doc(rel)).querySelectorAll('[id]').map((e) => e.getAttribute('id')!))));
    return s;
  };
  const report: LinkReport = { checked: [], broken: [], rootAbsolute: [], absolute: [] };
  for (const page of pages) {
    const root = await doc(page);
    for (const el of root.querySelectorAll('[href], [src]')) {
      const ref = el.getAttribute('href') ?? el.getAttribute('src')!;
      const where = `${page} -> ${ref}`;
      if (ABSOLUTE.test(ref)) {
        report.absolute.push({ page, tag: el.tagName.toLowerCase(), rel: el.getAttribute('rel') ?? null, href: ref });
        continue;
      }
      if (ref.startsWith('/')) {
        report.rootAbsolute.push(where);
        continue;
      }
      report.checked.push(where);
      const [filePart, fragment] = ref.split('#', 2) as [string, string | undefined];
      let target = page;
      if (filePart !== '') {
        const abs = path.resolve(siteDir, path.dirname(page), decodeURIComponent(filePart));
        target = path.relative(siteDir, abs).split(path.sep).join('/');
        const isFile = !target.startsWith('..') && (await stat(abs).then((s) => s.isFile(), () => false));
        if (!isFile) {
          report.broken.push(`${where} (no such file)`);
          continue;
        }
      }
      if (fragment && target.endsWith('.html') && !(await idsOf(target)).has(decodeURIComponent(fragment))) {
        report.broken.push(`${where} (no element with id "${fragment}")`);
      }
    }
  }
  return report;
}
