/**
 * Preview benchmark: a generated 520-edition archive served by the preview
 * server, one edition open in headless Chromium. Measures the first full
 * render, then, several times, the time from saving a new title in the
 * brief to that title showing in the open page: both in the page header and
 * inside the email iframe, i.e. everything the author waits for (watcher
 * debounce, re-parse, recompute, one re-render, the event, the page's fetch
 * and the iframe swap).
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { generateArchive } from './generate-archive.js';
import { startPreview } from '../src/preview/server.js';
import type { PreviewLogger } from '../src/preview/reporter.js';

const EDITIONS = 520;
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

export async function runPreviewBench(): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    console.log(`preview: skipped, no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
    return;
  }
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'briefwire-bench-preview-'));
  const serverMs: number[] = [];
  const logger: PreviewLogger = {
    info: (line) => {
      const m = /re-rendered \d+ editions?.* in (\d+) ms$/.exec(line);
      if (m && !line.startsWith('Rendered')) serverMs.push(Number(m[1]));
    },
    problems: () => {},
  };
  try {
    const contentDir = path.join(tmp, 'content');
    const templatesDir = path.join(tmp, 'templates');
    await generateArchive(contentDir, EDITIONS);
    await cp('templates', templatesDir, { recursive: true });

    const started = performance.now();
    const server = await startPreview({ contentDir, templatesDir, port: 0, logger });
    const listeningMs = performance.now() - started;
    const first = await server.ready;
    const initialMs = performance.now() - started;
    if (!first.ok) throw new Error(`the generated archive does not build: ${first.problems.find((p) => p.severity === 'error')?.message}`);

    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      // The newest edition: the one an author is writing.
      const names = (await readdir(path.join(contentDir, 'editions'))).filter((n) => n.endsWith('.md')).sort();
      const brief = path.join(contentDir, 'editions', names.at(-1)!);
      const date = names.at(-1)!.slice(0, 10);
      const original = await readFile(brief, 'utf8');

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(new URL(`/editions/${date}/`, server.url).href);
      await page.waitForFunction(shows(''));

      const times: number[] = [];
      for (let i = 1; i <= EDITS; i++) {
        const title = `Benchmark title ${i}: ${Math.random().toString(36).slice(2, 8)}`;
        const text = original.replace(/^title: .*$/m, `title: "${title}"`);
        const t0 = performance.now();
        await writeFile(brief, text);
        await page.waitForFunction(shows(title), undefined, { timeout: 30_000, polling: 'raf' });
        times.push(performance.now() - t0);
        // Let the watcher settle so edits are not merged into one batch.
        await new Promise((r) => setTimeout(r, 250));
      }
      await writeFile(brief, original);

      const sorted = [...times].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      const serverSorted = [...serverMs].sort((a, b) => a - b);
      console.log(`preview: ${EDITIONS} editions, edition ${date} open in Chromium`);
      console.log(`  server listening after ${Math.round(listeningMs)} ms; initial full render of ${first.rendered.length} editions: ${(initialMs / 1000).toFixed(2)} s`);
      console.log(
        `  save title -> new title in page header and email iframe, ${EDITS} edits: median ${Math.round(median)} ms, min ${Math.round(sorted[0]!)} ms, max ${Math.round(sorted.at(-1)!)} ms (target well under 1000 ms)`,
      );
      if (serverSorted.length) {
        console.log(`  of which server rebuild (re-parse, recompute ${EDITIONS}, re-render 1): median ${serverSorted[Math.floor(serverSorted.length / 2)]} ms`);
      }
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
