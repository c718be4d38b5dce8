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
 * What search and share cards cost: the cold build with --no-cards (search
 * only) and with --no-cards --no-search (neither), alternating with the full
 * one on the node running the benchmark, and one card's drawing time,
 * measured card by card in this process.
 * The cold build, both rebuilds and the floor are measured on the node
 * running the benchmark and on Node 24 (second-runtime.ts), each runtime
 * with its own copy of the archive, out/ and cache (the build cache keys on
 * the Node version), in the same rounds; on a runtime with V8's module
 * compile cache the floor is measured with it on (as the CLI runs) and off.
 */
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateArchive } from './generate-archive.js';
import { plainNewsletter } from './plain-newsletter.js';
import { benchRuntimes, runtimeAt, type Runtime } from './second-runtime.js';
import { median, timeNode, type Run } from './timed-node.js';
import { loadContent } from '../src/content/load.js';
import { computeEditions } from '../src/compute/editions.js';
import { loadTemplates, runTemplate, EMAIL_TEMPLATE } from '../src/render/templates.js';
import { editionView } from '../src/render/view-model.js';
import { editionCard } from '../src/site/card-layout.js';
import { drawCard } from '../src/site/share-card.js';

const EDITIONS = 520;
const LARGE = 5200;
const ROUNDS = 3;
/** What a rebuild of one changed brief cannot avoid loading: its parse and checks, the compute, the render. */
const ONE_BRIEF_MODULES = ['content/brief.js', 'compute/editions.js', 'render/render-edition.js'];

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

/** Where one benchmark run works: the repository, its scratch directory, the generated archive. */
interface Bench {
  root: string;
  tmp: string;
  content: string;
  templates: string;
  /** For every benchmarked process: the compile cache in the scratch directory, so each run starts from none. */
  env: NodeJS.ProcessEnv;
}

/** `briefwire build` of `contentDir` into `outDir` (its cache beside it) on `node`. */
function build(b: Bench, node: string, contentDir: string, outDir: string, flags: string[] = []): Promise<Run> {
  const cli = path.join(b.root, 'dist', 'cli.js');
  return timeNode([cli, 'build', '--content', contentDir, '--templates', b.templates, '--out', outDir, ...flags], b.tmp, { node, env: b.env });
}

/** Cold builds without share cards (search only) and without either, beside the full cold build. */
interface ExtrasRuns {
  searchOnly: Run[];
  neither: Run[];
}

/** One cold build of each: search only, then neither (the full one is measureRound's). */
async function measureExtras(b: Bench, r: RuntimeRuns, e: ExtrasRuns): Promise<void> {
  const content = path.join(r.dir, 'content');
  const out = path.join(r.dir, 'out-extras');
  for (const [runs, flags] of [[e.searchOnly, ['--no-cards']], [e.neither, ['--no-cards', '--no-search']]] as const) {
    await rm(out, { recursive: true, force: true });
    await rm(path.join(r.dir, '.briefwire'), { recursive: true, force: true });
    runs.push(await build(b, r.runtime.node, content, out, [...flags]));
  }
}

/** Cards drawn one by one to time a card (after one that loads the fonts). */
const CARDS_TIMED = 60;

/** Draws the share cards of the archive's first editions one at a time: the median and slowest card, in ms. */
async function timeCards(contentDir: string): Promise<{ median: number; max: number }> {
  const content = await loadContent(contentDir);
  if (!content.ok) throw new Error(JSON.stringify(content.problems));
  const n = content.value.newsletter;
  const cards = computeEditions(content.value).slice(0, CARDS_TIMED + 1).map((e) => editionCard(n.name, editionView(e, n)));
  await drawCard(cards[0]!);
  const times: number[] = [];
  for (const card of cards.slice(1)) {
    const started = performance.now();
    await drawCard(card);
    times.push(performance.now() - started);
  }
  return { median: median(times), max: Math.max(...times) };
}

/** The mjml CLI on the editions' own MJML (a) and on plain newsletters (b), each run writing a fresh folder. */
async function mjmlBaselines(b: Bench): Promise<(files: 'same' | 'plain') => Promise<Run>> {
  const sameDir = path.join(b.tmp, 'mjml-same');
  const plainDir = path.join(b.tmp, 'mjml-plain');
  await mkdir(sameDir);
  await mkdir(plainDir);
  const inputs = {
    same: await writeEditionMjml(b.content, b.templates, sameDir),
    plain: await Promise.all(
      Array.from({ length: EDITIONS }, async (_, i) => {
        const file = path.join(plainDir, `plain-${i + 1}.mjml`);
        await writeFile(file, plainNewsletter(i + 1));
        return file;
      }),
    ),
  };
  const mjmlBin = path.join(b.root, 'node_modules', 'mjml', 'bin', 'mjml');
  return async (name) => {
    const htmlDir = path.join(b.tmp, `html-${name}`);
    await rm(htmlDir, { recursive: true, force: true });
    await mkdir(htmlDir);
    return timeNode([mjmlBin, '-r', ...inputs[name], '-o', `${htmlDir}/`], b.tmp);
  };
}

/** One runtime's own archive, out/ and cache, and what was measured on it. */
interface RuntimeRuns {
  runtime: Runtime;
  dir: string;
  cold: Run[];
  rebuild: Run[];
  renumber: Run[];
  floor: Run[];
  /** The floor with V8's compile cache turned off; empty where the runtime has none. */
  floorUncached: Run[];
}

/** Starts node and loads the code that renders one brief, turning the compile cache on first as the CLI does. */
function floorScript(root: string): string {
  const dist = (m: string) => JSON.stringify(path.join(root, 'dist', m));
  return `(await import(${dist('cli/compile-cache.js')})).enableCompileCache();
    await Promise.all(${JSON.stringify(ONE_BRIEF_MODULES.map((m) => path.join(root, 'dist', m)))}.map((m) => import(m)))`;
}

/** One round on one runtime: cold, a prose edit, a figure edit of the same brief, the floor. */
async function measureRound(b: Bench, r: RuntimeRuns, round: number): Promise<void> {
  const content = path.join(r.dir, 'content');
  const out = path.join(r.dir, 'out');
  await rm(out, { recursive: true, force: true });
  await rm(path.join(r.dir, '.briefwire'), { recursive: true, force: true });
  r.cold.push(await build(b, r.runtime.node, content, out));
  // One brief in the middle of the archive changes; everything else is as the last build left it.
  const briefs = (await readdir(path.join(content, 'editions'))).sort();
  const changed = path.join(content, 'editions', briefs[Math.floor(briefs.length / 2) + round]!);
  await appendFile(changed, `\nA sentence added in round ${round + 1}.\n`);
  r.rebuild.push(await build(b, r.runtime.node, content, out));
  // Then one of its figures: its own delta, the next report's delta and the history charts move with it.
  await writeFile(changed, (await readFile(changed, 'utf8')).replace(/value: (\d+)/, (_, v: string) => `value: ${Number(v) + 1}`));
  r.renumber.push(await build(b, r.runtime.node, content, out));
  const floorArgs = ['--input-type=module', '-e', floorScript(b.root)];
  r.floor.push(await timeNode(floorArgs, b.tmp, { node: r.runtime.node, env: b.env }));
  if (r.runtime.compileCache) r.floorUncached.push(await timeNode(floorArgs, b.tmp, { node: r.runtime.node, env: { ...b.env, NODE_DISABLE_COMPILE_CACHE: '1' } }));
}

interface Measured {
  same: Run[];
  plain: Run[];
  runtimes: RuntimeRuns[];
  large: Run;
  extras: ExtrasRuns;
  perCard: { median: number; max: number };
}

async function measure(b: Bench): Promise<Measured> {
  const mjmlCli = await mjmlBaselines(b);
  const runtimes: RuntimeRuns[] = [];
  for (const [i, runtime] of benchRuntimes(b.root).entries()) {
    const dir = path.join(b.tmp, `runtime-${i}`);
    await cp(b.content, path.join(dir, 'content'), { recursive: true });
    runtimes.push({ runtime, dir, cold: [], rebuild: [], renumber: [], floor: [], floorUncached: [] });
  }
  const same: Run[] = [];
  const plain: Run[] = [];
  const extras: ExtrasRuns = { searchOnly: [], neither: [] };
  for (let round = 0; round < ROUNDS; round++) {
    same.push(await mjmlCli('same'));
    plain.push(await mjmlCli('plain'));
    for (const r of runtimes) await measureRound(b, r, round);
    await measureExtras(b, runtimes[0]!, extras);
  }
  const perCard = await timeCards(b.content);
  const large = path.join(b.tmp, 'content-large');
  await generateArchive(large, LARGE);
  const largeRun = await build(b, process.execPath, large, path.join(b.tmp, 'large', 'out'));
  return { same, plain, runtimes, large: largeRun, extras, perCard };
}

const ms = (runs: Run[]) => median(runs.map((r) => r.ms));
const rss = (runs: Run[]) => Math.max(...runs.map((r) => r.maxRssMb));
const cpu = (runs: Run[]) => median(runs.map((r) => r.cpuMs));
// No unit: a figure that is no rate of editions or files.
const rate = (runs: Run[], unit?: string) => (unit ? `${(EDITIONS / (ms(runs) / 1000)).toFixed(0).padStart(5)} ${unit}/s` : '');
// Every round's time too: on a noisy machine the spread says how far to trust the median.
const line = (label: string, runs: Run[], unit?: string) =>
  `  ${label.padEnd(66)} ${(ms(runs) / 1000).toFixed(2).padStart(6)} s  ${rate(runs, unit)}  peak RSS ${rss(runs).toFixed(0)} MB  (rounds: ${runs.map((r) => (r.ms / 1000).toFixed(2)).join(', ')} s)`;
const verdict = (value: number, limit: number) => `${value.toFixed(3)}x (target <= ${limit}x: ${value <= limit ? 'met' : 'NOT met'})`;

function reportRuntime(r: RuntimeRuns): void {
  const on = `, ${r.runtime.label}`;
  console.log(line(`briefwire build, cold (no cache, empty out/)${on}`, r.cold, 'editions'));
  console.log(line(`build after one brief's prose changed (warm cache)${on}`, r.rebuild, 'editions'));
  console.log(line(`build after one brief's figure changed (warm cache)${on}`, r.renumber, 'editions'));
  console.log(line(`floor: node + loading the code that renders one brief${on}${r.floorUncached.length ? ', compile cache on' : ''}`, r.floor));
  if (r.floorUncached.length) console.log(line(`floor${on}, compile cache off`, r.floorUncached));
  const cold = ms(r.cold);
  console.log(`  rebuild / cold${on}: ${verdict(ms(r.rebuild) / cold, 0.1)} (prose edit); ${verdict(ms(r.renumber) / cold, 0.1)} (figure edit); the floor alone is ${(ms(r.floor) / cold).toFixed(3)}x`);
}

/** What search and cards cost, side by side: the full cold builds beside those without cards and without either, and one card. */
function reportExtras(full: Run[], extras: ExtrasRuns, card: Measured['perCard'], label: string): void {
  console.log(line(`cold build without cards (search only), ${label}`, extras.searchOnly, 'editions'));
  console.log(line(`cold build without cards or search, ${label}`, extras.neither, 'editions'));
  console.log(`  CPU of the cold builds (median): with cards and search ${(cpu(full) / 1000).toFixed(1)} s, search only ${(cpu(extras.searchOnly) / 1000).toFixed(1)} s, neither ${(cpu(extras.neither) / 1000).toFixed(1)} s`);
  const searchCost = (ms(extras.searchOnly) - ms(extras.neither)) / 1000;
  // CPU time says what the work costs when other processes share the cores; the indexer's own process is not in it.
  const searchCpu = (cpu(extras.searchOnly) - cpu(extras.neither)) / 1000;
  console.log(`  search: indexing ${EDITIONS} editions adds ${searchCost.toFixed(2)} s to a cold build (target <= 1.5 s: ${searchCost <= 1.5 ? 'met' : 'NOT met'}); the build's own CPU +${searchCpu.toFixed(2)} s`);
  const cpuRatio = cpu(full) / cpu(extras.searchOnly);
  console.log(`  cards: one card ${card.median.toFixed(1)} ms median, ${card.max.toFixed(1)} ms slowest of ${CARDS_TIMED} (target <= 60 ms: ${card.median <= 60 ? 'met' : 'NOT met'}); cold build with cards / without: ${verdict(ms(full) / ms(extras.searchOnly), 1.6)} wall, ${cpuRatio.toFixed(2)}x CPU`);
}

function report(m: Measured): void {
  const [main, ...others] = m.runtimes;
  console.log(`build: ${EDITIONS} editions, median of ${ROUNDS} alternating rounds`);
  console.log(line("(a) mjml CLI on the same 520 editions' MJML", m.same, 'files'));
  console.log(line('(b) mjml CLI on 520 plain newsletters', m.plain, 'files'));
  for (const r of m.runtimes) reportRuntime(r);
  console.log(`  cold / (a):    ${verdict(ms(main!.cold) / ms(m.same), 0.35)} (aim 0.15x), ${main!.runtime.label}`);
  console.log(`  cold / (b):    ${verdict(ms(main!.cold) / ms(m.plain), 0.5)}`);
  for (const o of others) {
    const ratio = (pick: (r: RuntimeRuns) => Run[]) => (ms(pick(o)) / ms(pick(main!))).toFixed(2);
    console.log(`  ${o.runtime.label} / ${main!.runtime.label}: floor ${ratio((r) => r.floor)}x, prose rebuild ${ratio((r) => r.rebuild)}x, figure rebuild ${ratio((r) => r.renumber)}x, cold ${ratio((r) => r.cold)}x`);
  }
  reportExtras(main!.cold, m.extras, m.perCard, main!.runtime.label);
  const rss520 = rss(main!.cold);
  const growth = m.large.maxRssMb / rss520;
  console.log(`  peak RSS, cold build: ${rss520.toFixed(0)} MB at ${EDITIONS} editions (target < 300 MB: ${rss520 < 300 ? 'met' : 'NOT met'}), ${m.large.maxRssMb.toFixed(0)} MB at ${LARGE} (${growth.toFixed(2)}x; target <= 1.5x: ${growth <= 1.5 ? 'met' : 'NOT met'}) in ${(m.large.ms / 1000).toFixed(1)} s`);
}

/** Only the extras' figures (`npm run bench build-extras`): full cold builds alternating with the two without, and one card. */
async function measureExtrasOnly(b: Bench): Promise<void> {
  const r: RuntimeRuns = { runtime: runtimeAt(process.execPath), dir: path.join(b.tmp, 'runtime-0'), cold: [], rebuild: [], renumber: [], floor: [], floorUncached: [] };
  await cp(b.content, path.join(r.dir, 'content'), { recursive: true });
  const extras: ExtrasRuns = { searchOnly: [], neither: [] };
  for (let round = 0; round < ROUNDS; round++) {
    await rm(path.join(r.dir, 'out'), { recursive: true, force: true });
    await rm(path.join(r.dir, '.briefwire'), { recursive: true, force: true });
    r.cold.push(await build(b, r.runtime.node, path.join(r.dir, 'content'), path.join(r.dir, 'out')));
    await measureExtras(b, r, extras);
  }
  console.log(`build-extras: ${EDITIONS} editions, median of ${ROUNDS} alternating rounds`);
  console.log(line(`briefwire build, cold, with cards and search, ${r.runtime.label}`, r.cold, 'editions'));
  reportExtras(r.cold, extras, await timeCards(b.content), r.runtime.label);
}

export async function runBuildExtrasBench(): Promise<void> {
  await inBench(measureExtrasOnly);
}

export async function runBuildBench(): Promise<void> {
  await inBench(async (b) => report(await measure(b)));
}

/** A scratch directory with the generated archive, removed afterwards. */
async function inBench(run: (b: Bench) => Promise<void>): Promise<void> {
  const root = process.cwd();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'briefwire-bench-build-'));
  try {
    const b: Bench = { root, tmp, content: path.join(tmp, 'content'), templates: path.join(root, 'templates'), env: { ...process.env, NODE_COMPILE_CACHE: path.join(tmp, 'compile-cache') } };
    await generateArchive(b.content, EDITIONS);
    await run(b);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
