/**
 * Build benchmark, every figure measured in this run, each side in a process
 * of its own (so peak RSS is its own), rounds alternating so machine noise
 * hits every side alike:
 *  - briefwire's cold build of a generated 520-edition archive (no cache),
 *  - (a) the mjml CLI on the same 520 editions' MJML (what compiling each
 *    edition's MJML costs, the way the build worked before compile-once),
 *  - (b) the mjml CLI on 520 plain newsletters (plain-newsletter.ts),
 *  - a rebuild after one brief's prose changed, and one after one of its
 *    figures changed, each with the cache the previous build left (warm),
 *    as a fraction of cold,
 *  - peak RSS of the cold build at 520 and at 5,200 editions,
 *  - the floor under any rebuild in a fresh process: starting node and
 *    loading the code that reads, checks, computes and renders one brief,
 *    doing nothing with it. What the rebuild spends beyond it is work.
 */
import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateArchive } from './generate-archive.js';
import { plainNewsletter } from './plain-newsletter.js';
import { loadContent } from '../src/content/load.js';
import { computeEditions } from '../src/compute/editions.js';
import { loadTemplates, runTemplate, EMAIL_TEMPLATE } from '../src/render/templates.js';
import { editionView } from '../src/render/view-model.js';

const EDITIONS = 520;
const LARGE = 5200;
const ROUNDS = 3;
/** What a rebuild of one changed brief cannot avoid loading: its parse and checks, the compute, the render. */
const ONE_BRIEF_MODULES = ['content/brief.js', 'compute/editions.js', 'render/render-edition.js'];

interface Run {
  ms: number;
  maxRssMb: number;
}

// Preloaded into each benchmarked process so it reports its own peak RSS on exit.
const REPORT_MAX_RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nBRIEFWIRE_MAX_RSS_KB='+process.resourceUsage().maxRSS+'\\n'))`;

/** Runs a node script and reports wall time and the child's peak RSS. */
function timeNode(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', REPORT_MAX_RSS, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      const m = /BRIEFWIRE_MAX_RSS_KB=(\d+)/.exec(stderr);
      if (code !== 0 || !m) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      resolve({ ms, maxRssMb: Number(m[1]) / 1024 });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Each edition's own MJML (the layout filled with its data), as the build compiled it before compile-once. */
async function writeEditionMjml(contentDir: string, templatesDir: string, dir: string): Promise<string[]> {
  const content = await loadContent(contentDir);
  if (!content.ok) throw new Error(JSON.stringify(content.problems));
  const templates = await loadTemplates(templatesDir, content.value.newsletter);
  if (!templates.ok) throw new Error(JSON.stringify(templates.problems));
  const files: string[] = [];
  for (const edition of computeEditions(content.value)) {
    const view = editionView(edition, content.value.newsletter);
    const { output, problem } = runTemplate(templates.value, EMAIL_TEMPLATE, view);
    if (output === undefined) throw new Error(problem?.message);
    const file = path.join(dir, `${edition.date}.mjml`);
    await writeFile(file, output);
    files.push(file);
  }
  return files;
}

export async function runBuildBench(): Promise<void> {
  const root = process.cwd();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'briefwire-bench-build-'));
  try {
    const content = path.join(tmp, 'content');
    const out = path.join(tmp, 'out');
    const cache = path.join(tmp, '.briefwire');
    await generateArchive(content, EDITIONS);
    const cli = path.join(root, 'dist', 'cli.js');
    const build = (contentDir: string, outDir: string) => timeNode([cli, 'build', '--content', contentDir, '--templates', path.join(root, 'templates'), '--out', outDir], tmp);
    const mjmlBin = path.join(root, 'node_modules', 'mjml', 'bin', 'mjml');

    const sameDir = path.join(tmp, 'mjml-same');
    const plainDir = path.join(tmp, 'mjml-plain');
    await mkdir(sameDir);
    await mkdir(plainDir);
    const sameFiles = await writeEditionMjml(content, path.join(root, 'templates'), sameDir);
    const plainFiles = await Promise.all(
      Array.from({ length: EDITIONS }, async (_, i) => {
        const file = path.join(plainDir, `plain-${i + 1}.mjml`);
        await writeFile(file, plainNewsletter(i + 1));
        return file;
      }),
    );
    const mjmlCli = async (files: string[], name: string) => {
      const htmlDir = path.join(tmp, `html-${name}`);
      await rm(htmlDir, { recursive: true, force: true });
      await mkdir(htmlDir);
      return timeNode([mjmlBin, '-r', ...files, '-o', `${htmlDir}/`], tmp);
    };

    const cold: Run[] = [];
    const same: Run[] = [];
    const plain: Run[] = [];
    const rebuild: Run[] = [];
    const renumber: Run[] = [];
    const floor: Run[] = [];
    const loadOneBriefCode = `await Promise.all(${JSON.stringify(ONE_BRIEF_MODULES.map((m) => path.join(root, 'dist', m)))}.map((m) => import(m)))`;
    const briefs = (await readdir(path.join(content, 'editions'))).sort();
    for (let i = 0; i < ROUNDS; i++) {
      await rm(out, { recursive: true, force: true });
      await rm(cache, { recursive: true, force: true });
      cold.push(await build(content, out));
      same.push(await mjmlCli(sameFiles, 'same'));
      plain.push(await mjmlCli(plainFiles, 'plain'));
      // One brief in the middle of the archive changes; everything else is as the last build left it.
      const changed = path.join(content, 'editions', briefs[Math.floor(briefs.length / 2) + i]!);
      await appendFile(changed, `\nA sentence added in round ${i + 1}.\n`);
      rebuild.push(await build(content, out));
      // Then one of its figures: its own delta, the next report's delta and the history charts move with it.
      await writeFile(changed, (await readFile(changed, 'utf8')).replace(/value: (\d+)/, (_, v: string) => `value: ${Number(v) + 1}`));
      renumber.push(await build(content, out));
      floor.push(await timeNode(['--input-type=module', '-e', loadOneBriefCode], tmp));
    }

    const large = path.join(tmp, 'content-large');
    await generateArchive(large, LARGE);
    await rm(cache, { recursive: true, force: true });
    const largeRun = await build(large, path.join(tmp, 'out-large'));

    const ms = (runs: Run[]) => median(runs.map((r) => r.ms));
    const rss = (runs: Run[]) => Math.max(...runs.map((r) => r.maxRssMb));
    // Every round's time too: on a noisy machine the spread says how far to trust the median.
    // No unit: a figure that is no rate of editions or files.
    const rate = (runs: Run[], unit?: string) => (unit ? `${(EDITIONS / (ms(runs) / 1000)).toFixed(0).padStart(5)} ${unit}/s` : '');
    const line = (label: string, runs: Run[], unit?: string) =>
      `  ${label.padEnd(58)} ${(ms(runs) / 1000).toFixed(2).padStart(6)} s  ${rate(runs, unit)}  peak RSS ${rss(runs).toFixed(0)} MB  (rounds: ${runs.map((r) => (r.ms / 1000).toFixed(2)).join(', ')} s)`;
    const verdict = (value: number, limit: number) => `${value.toFixed(3)}x (target <= ${limit}x: ${value <= limit ? 'met' : 'NOT met'})`;
    console.log(`build: ${EDITIONS} editions, median of ${ROUNDS} alternating rounds`);
    console.log(line('briefwire build, cold (no cache, empty out/)', cold, 'editions'));
    console.log(line('(a) mjml CLI on the same 520 editions\' MJML', same, 'files'));
    console.log(line('(b) mjml CLI on 520 plain newsletters', plain, 'files'));
    console.log(line('briefwire build after one brief\'s prose changed (warm cache)', rebuild, 'editions'));
    console.log(line('briefwire build after one brief\'s figure changed (warm cache)', renumber, 'editions'));
    console.log(`  cold / (a):    ${verdict(ms(cold) / ms(same), 0.35)} (aim 0.15x)`);
    console.log(`  cold / (b):    ${verdict(ms(cold) / ms(plain), 0.5)}`);
    console.log(line('floor: node + loading the code that renders one brief', floor));
    console.log(`  rebuild / cold: ${verdict(ms(rebuild) / ms(cold), 0.1)} (prose edit); ${verdict(ms(renumber) / ms(cold), 0.1)} (figure edit); the floor alone is ${(ms(floor) / ms(cold)).toFixed(3)}x`);
    const rss520 = rss(cold);
    console.log(`  peak RSS, cold build: ${rss520.toFixed(0)} MB at ${EDITIONS} editions (target < 300 MB: ${rss520 < 300 ? 'met' : 'NOT met'}), ${largeRun.maxRssMb.toFixed(0)} MB at ${LARGE} (${(largeRun.maxRssMb / rss520).toFixed(2)}x; target <= 1.5x: ${largeRun.maxRssMb / rss520 <= 1.5 ? 'met' : 'NOT met'}) in ${(largeRun.ms / 1000).toFixed(1)} s`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
