/** Temporary content folders for tests: the sample newsletter, or small hand-written ones. */
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { renderAll, type RenderedSite } from '../../src/pipeline/build.js';
import { tempDir } from './temp-dir.js';

export { tempDir };

export const SAMPLE_CONTENT = path.resolve('content');
export const SAMPLE_TEMPLATES = path.resolve('templates');

/** A fresh temporary directory for each test, handed to `use` before it runs and removed after it. */
export function useTempDir(prefix: string, use: (dir: string) => void): void {
  let current: string | undefined;
  beforeEach(async () => {
    current = await tempDir(prefix);
    use(current);
  });
  afterEach(async () => {
    if (current) await rm(current, { recursive: true, force: true });
  });
}

/** The sample newsletter rendered in memory (nothing written); throws with the problems if it does not render. */
export async function renderSample(): Promise<RenderedSite> {
  const r = await renderAll({ contentDir: SAMPLE_CONTENT, templatesDir: SAMPLE_TEMPLATES });
  if (!('files' in r)) throw new Error(JSON.stringify(r.problems, null, 2));
  return r;
}

/** Writes `files` (relative path -> text) under `dir`, making directories as needed. */
export async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
}

/** A copy of the sample content and templates, safe to edit. */
export async function copySample(): Promise<{ root: string; content: string; templates: string; out: string }> {
  const root = await tempDir();
  const content = path.join(root, 'content');
  const templates = path.join(root, 'templates');
  await cp(SAMPLE_CONTENT, content, { recursive: true });
  await cp(SAMPLE_TEMPLATES, templates, { recursive: true });
  return { root, content, templates, out: path.join(root, 'out') };
}

export const NEWSLETTER_YML = `name: Test Weekly
from: Test Weekly <news@test.example>
baseUrl: https://news.test.example
timezone: Europe/London
language: en-GB
address: 1 Test Street, London
schedule:
  weekday: 1
  time: "08:00"
`;

export const METRICS_YML = `share_a:
  label: Share A
  kind: share
  unit: "%"
  decimals: 1
  better: up
  source: Omdia
market:
  label: Market size
  kind: money
  unit: CNY bn
  decimals: 1
  better: up
price_index:
  label: Price index
  kind: number
  unit: pts
  decimals: 0
  better: down
`;

export function brief(title: string, metrics: string, body = 'Intro.\n\n## Section\n\nText.\n'): string {
  return `---\ntitle: ${title}\nmetrics:\n${metrics}\n---\n${body}`;
}

/** Writes a small content folder; `briefs` maps file name to text. */
export async function makeContent(briefs: Record<string, string>, files: { newsletter?: string; metrics?: string } = {}): Promise<string> {
  const dir = await tempDir('bw-content-');
  await mkdir(path.join(dir, 'editions'));
  await writeFile(path.join(dir, 'newsletter.yml'), files.newsletter ?? NEWSLETTER_YML);
  await writeFile(path.join(dir, 'metrics.yml'), files.metrics ?? METRICS_YML);
  await Promise.all(Object.entries(briefs).map(([name, text]) => writeFile(path.join(dir, 'editions', name), text)));
  return dir;
}

/** The records of a JSON-lines state file (suppressions, subscribers, feedback); none when it does not exist yet. */
export async function readJsonLinesFile(file: string): Promise<Record<string, string>[]> {
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
}
