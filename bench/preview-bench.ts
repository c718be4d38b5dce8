/**
 * Preview benchmark: a generated archive served by the preview server, one
 * edition open in headless Chromium. Measures the first full render, then,
 * several times, the time from saving a new title in the brief to that
 * title showing in the open page: both in the page header and inside the
 * email iframe, i.e. everything the author waits for (watcher debounce,
 * re-parse, audit and compute, one re-render, the event, the page's fetch
 * and the iframe swap). Beside it: the server's own rebuild time, and when
 * the page saw the event, had fetched itself, and had swapped its iframe.
 *
 * Run at 520 editions (ten years) and, side by side in the same run, at 7:
 * what the 520-edition figure adds to the 7-edition one is what still grows
 * with the archive.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateArchive } from './generate-archive.js';
import { startPreview, type PreviewServer } from '../src/preview/server.js';
import type { PreviewLogger } from '../src/preview/reporter.js';

const SIZES = [7, 520];
const EDITS = 7;
const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * A page-side check, as source text (this file is compiled without DOM
 * types): the header shows `title` and the email iframe's h1 contains it.
 * With an empty title: the email iframe has loaded.
 */
function shows(title: string): string {
  const t = JSON.stringify(title);
  return `(() => {
    const frame = document.getElementById('email-frame');
    const h1 = frame && frame.contentDocument && frame.contentDocument.querySelector('h1');
    if (!h1) return false;
    return ${t} === '' || (document.getElementById('edition-title').textContent === ${t} && h1.textContent.includes(${t}));
  })()`;
}

/** Page-side marks (wall clock, shared with this process): the update event, the page's refresh, the iframe swap. */
const MARKS_SCRIPT = `(() => {
  window.__marks = [];
  const mark = (name) => window.__marks.push([name, Date.now()]);
  const Original = window.EventSource;
  window.EventSource = class extends Original {
    constructor(...args) { super(...args); this.addEventListener('update', () => mark('event')); }
  };
  window.addEventListener('preview:updated', () => mark('page'));
  window.addEventListener('preview:frame', () => mark('frame'));
})()`;

const PHASES = ['event', 'page', 'frame'] as const;
type Phase = (typeof PHASES)[number];

interface SaveTimes {
  total: number[];
  /** Per phase, ms from the save to the first such mark after it. */
  phases: Record<Phase, number[]>;
  server: number[];
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Saves a new title EDITS times into the newest brief and times each until the page shows it. */
async function timeSaves(page: Page, brief: string, serverMs: number[]): Promise<SaveTimes> {
  const original = await readFile(brief, 'utf8');
  const times: SaveTimes = { total: [], phases: { event: [], page: [], frame: [] }, server: [] };
  try {
    for (let i = 1; i <= EDITS; i++) {
      const title = `Benchmark title ${i}: ${Math.random().toString(36).slice(2, 8)}`;
      await page.evaluate('window.__marks.length = 0');
      serverMs.length = 0;
      const wall = Date.now();
      const t0 = performance.now();
      await writeFile(brief, original.replace(/^title: .*$/m, `title: "${title}"`));
      await page.waitForFunction(shows(title), undefined, { timeout: 30_000, polling: 'raf' });
      times.total.push(performance.now() - t0);
      const marks = (await page.evaluate('window.__marks')) as [Phase, number][];
      for (const phase of PHASES) {
        const at = marks.find(([name]) => name === phase)?.[1];
        if (at !== undefined) times.phases[phase].push(at - wall);
      }
      times.server.push(...serverMs);
      // Let the watcher settle so edits are not merged into one batch.
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await writeFile(brief, original);
  }
  return times;
}

interface SizeResult {
  editions: number;
  date: string;
  listeningMs: number;
  initialMs: number;
  initialRendered: number;
  times: SaveTimes;
}

/** One archive of `editions` in its own preview server, the newest edition open in a fresh page. */
async function benchSize(browser: Browser, tmp: string, editions: number): Promise<SizeResult> {
  const contentDir = path.join(tmp, `content-${editions}`);
  await generateArchive(contentDir, editions);
  const serverMs: number[] = [];
  const logger: PreviewLogger = {
    info: (line) => {
      const m = /re-rendered \d+ editions?.* in (\d+) ms$/.exec(line);
      if (m && !line.startsWith('Rendered')) serverMs.push(Number(m[1]));
    },
    problems: () => {},
  };
  const started = performance.now();
  const server: PreviewServer = await startPreview({ contentDir, templatesDir: path.join(tmp, 'templates'), port: 0, logger });
  const listeningMs = performance.now() - started;
  try {
    const first = await server.ready;
    const initialMs = performance.now() - started;
    if (!first.ok) throw new Error(`the generated archive does not build: ${first.problems.find((p) => p.severity === 'error')?.message}`);
    // The newest edition: the one an author is writing.
    const names = (await readdir(path.join(contentDir, 'editions'))).filter((n) => n.endsWith('.md')).sort();
    const date = names.at(-1)!.slice(0, 10);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.addInitScript(MARKS_SCRIPT);
      await page.goto(new URL(`/editions/${date}/`, server.url).href);
      await page.waitForFunction(shows(''));
      const times = await timeSaves(page, path.join(contentDir, 'editions', names.at(-1)!), serverMs);
      return { editions, date, listeningMs, initialMs, initialRendered: first.rendered.length, times };
    } finally {
      await page.close();
    }
  } finally {
    await server.close();
  }
}

function report(r: SizeResult, small: SizeResult | undefined): void {
  const t = r.times;
  const sorted = [...t.total].sort((a, b) => a - b);
  console.log(`preview: ${r.editions} editions, edition ${r.date} open in Chromium`);
  console.log(`  server listening after ${Math.round(r.listeningMs)} ms; initial full render of ${r.initialRendered} editions: ${(r.initialMs / 1000).toFixed(2)} s`);
  const ratio = small ? `; ${(median(t.total) / median(small.times.total)).toFixed(1)}x the ${small.editions}-edition median` : '';
  console.log(
    `  save title -> new title in page header and email iframe, ${t.total.length} saves: median ${Math.round(median(t.total))} ms, min ${Math.round(sorted[0]!)} ms, max ${Math.round(sorted.at(-1)!)} ms (target at 520: at most 200 ms)${ratio}`,
  );
  const phases = PHASES.map((p) => `${p} ${Math.round(median(t.phases[p]))} ms`).join(', ');
  console.log(`  server rebuild (re-parse, audit and compute, re-render): median ${median(t.server)} ms; page after the save (medians): ${phases}`);
}

export async function runPreviewBench(): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    console.log(`preview: skipped, no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
    return;
  }
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'briefwire-bench-preview-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    await cp('templates', path.join(tmp, 'templates'), { recursive: true });
    const results: SizeResult[] = [];
    for (const size of SIZES) results.push(await benchSize(browser, tmp, size));
    for (const r of results) report(r, r === results[0] ? undefined : results[0]);
  } finally {
    await browser.close();
    await rm(tmp, { recursive: true, force: true });
  }
}
