/**
 * `briefwire build`: the pipeline run with the build cache, drafts left out,
 * its end writing out/: load -> audit -> compute (prepare.ts), then render ->
 * publish, each edition's files streamed into a staged out/ as it renders.
 * I/O happens at the two ends (reading content and templates, writing out/);
 * the middle is pure. `renderAll` is the same run kept in memory (the tests).
 */
import type { Content, Edition } from '../model.js';
import { hasErrors, sortProblems, type Problem } from '../problems.js';
import { computeEditions } from '../compute/editions.js';
import type { TemplateSet } from '../render/templates.js';
import { renderEdition, type RenderedEdition } from '../render/render-edition.js';
import { addEditionFiles, type OutputFiles } from '../publish/edition-output.js';
import { addSiteFiles, SiteWriter, type KeptFiles, type SiteExtras } from '../site/site-files.js';
import { OutDirConflict, StagedOutDir } from '../publish/write-out.js';
import { keptCards, keptEditions, keptSearchIndex, keptSiteFiles, type EditionMemo } from '../publish/kept-output.js';
import { cacheDirFor, fileProgramStore, holdsProgram } from '../publish/program-cache.js';
import { compileEmailProgram } from '../render/email-program.js';
import { offSlotWarnings } from '../content/slot-day.js';
import { BUILD_INPUTS_FILE, readInputs, serializeBuildInputs } from '../publish/build-inputs.js';
import { mapLimit } from '../util/map-limit.js';
import { mergeTemplateProblems } from '../render/merge-problems.js';
import { RENDER_PARALLELISM, startMjmlWorker } from '../render/mjml-compile.js';
import { openBuildCache } from '../publish/build-cache.js';
import { cachedEditionRenderer } from '../publish/cached-steps.js';
import { prepare } from './prepare.js';
import { EditionWriter, type EditionOutcome, type EditionRenderer, type FileSink } from './edition-writer.js';
import type { ComputeRun } from './compute-step.js';
import path from 'node:path';

export interface BuildOptions {
  contentDir: string;
  templatesDir: string;
  outDir: string;
  /** false: neither read nor write the cache (the output is the same either way; tests compare). */
  cache?: boolean;
  /** false: no share cards and no og:image (a quicker local build). */
  cards?: boolean;
  /** false: no search page, search box or search index (a quicker local build). */
  search?: boolean;
}

export interface BuildReport {
  ok: boolean;
  /** Errors and warnings, sorted by file and line. */
  problems: Problem[];
  editions: number;
  files: number;
  outDir: string;
  /** Cache entries this build reused and computed afresh (absent with `cache: false`). */
  cache?: { hits: number; misses: number };
}


export interface RenderedSite {
  content: Content;
  /** Every computed edition; none when they were let go as they were written (RenderOptions.consume). */
  editions: Edition[];
  /** Each edition rendered, when there was no sink to write it to (with one, only `count` says how many). */
  rendered: RenderedEdition[];
  count: number;
  templates: TemplateSet;
  files: OutputFiles;
  problems: Problem[];
}

/** Loads and renders everything in memory, drafts left out as in the build; writes nothing. */
export async function renderAll(opts: Pick<BuildOptions, 'contentDir' | 'templatesDir'>): Promise<RenderedSite | { problems: Problem[] }> {
  const prepared = await prepare(opts);
  if (!('content' in prepared) || hasErrors(prepared.problems)) return { problems: prepared.problems };
  return renderContent(prepared.content, prepared.templates, prepared.problems, { computed: prepared.computed });
}

export type { EditionRenderer, FileSink } from './edition-writer.js';

export interface RenderOptions {
  /** Where files go; without one they are kept in `files`. */
  sink?: FileSink;
  render?: EditionRenderer;
  /** The audit and compute of this content (pipeline/prepare.ts), when already run. */
  computed?: ComputeRun;
  /** Editions as the last build rendered them (publish/kept-output.ts); only with a sink. */
  kept?: EditionMemo;
  /** Site pages and feeds as the last build made them; only with a sink. */
  keptSite?: KeptFiles;
  /** Share cards and the search index, and what they read; only with a sink (the in-memory site has neither). */
  extras?: SiteExtras;
  /**
   * The caller hands `content.briefs` and `computed` over and reads neither
   * again: each edition's brief, rows and computed edition are let go once
   * its files are written, so memory does not grow with every edition
   * written (the build's case; only with a sink).
   */
  consume?: boolean;
}

export async function renderContent(content: Content, templates: TemplateSet, problems: Problem[] = [], options: RenderOptions = {}): Promise<RenderedSite> {
  const { sink, render, kept } = options;
  // A copy: consuming it lets each edition go once written.
  const editions = options.computed ? [...options.computed.editions] : computeEditions(content);
  const named = editions.map(({ file, date }) => ({ file, date }));
  const rendered: RenderedEdition[] = [];
  const files: OutputFiles = new Map();
  const renderOne: EditionRenderer = render ?? ((edition, newsletter) => renderEdition(edition, newsletter, templates));
  // With a sink, each edition's site page goes out with its email, and the site keeps only a summary of it.
  const site = sink ? new SiteWriter({ newsletter: content.newsletter, metrics: content.metrics }, templates, editions, sink, options.keptSite, options.extras) : undefined;
  const writer = sink && site ? new EditionWriter(content.newsletter, renderOne, sink, site, kept) : undefined;
  const letGo = (i: number) => {
    if (!sink || !options.consume) return;
    for (const list of [editions, content.briefs, options.computed?.metrics ?? []]) (list as unknown[])[i] = undefined;
  };

  const outcomes = await mapLimit(editions, RENDER_PARALLELISM, async (edition, i): Promise<EditionOutcome> => {
    const outcome = await (writer ? writer.write(edition) : renderOne(edition, content.newsletter));
    letGo(i);
    return outcome;
  });
  await writer?.drawn();
  problems.push(...mergeTemplateProblems(named, outcomes.map((r) => r.problems)));
  for (const r of outcomes) {
    if (!r.rendered) continue;
    rendered.push(r.rendered);
    addEditionFiles(files, r.rendered);
  }
  const count = outcomes.filter((r) => r.rendered || r.written).length;
  if (!hasErrors(problems)) problems.push(...(site ? await site.finish() : await addSiteFiles(files, { content, rendered, templates })));
  return { content, editions: options.consume ? [] : editions, rendered, count, templates, files, problems: sortProblems(problems) };
}

export async function build(opts: BuildOptions): Promise<BuildReport> {
  const fail = (problems: Problem[]): BuildReport => ({ ok: false, problems, editions: 0, files: 0, outDir: opts.outDir });
  // Read once, first: the loaders parse the very bytes fingerprinted, so a file saved mid-build counts as changed since (build-inputs.ts).
  const { inputs, read } = await readInputs(opts.contentDir, opts.templatesDir);
  // A build with no compiled layout to reuse loads and runs MJML on another core while it loads the content.
  if (opts.cache === false || !(await holdsProgram(cacheDirFor(opts.outDir)))) startMjmlWorker();
  // Results of unchanged work come from the content-addressed cache (publish/build-cache.ts); it never changes the output.
  const cache = opts.cache === false ? undefined : await openBuildCache(path.join(cacheDirFor(opts.outDir), 'build'));
  const loaded = await prepare({ contentDir: opts.contentDir, templatesDir: opts.templatesDir, read, ...(cache ? { cache } : {}) });
  if (!('content' in loaded) || hasErrors(loaded.problems)) {
    await cache?.close(false);
    return fail(loaded.problems);
  }
  // MJML's output for an unchanged layout comes from the content-addressed cache.
  loaded.templates.emailProgram = compileEmailProgram(loaded.templates, opts.cache === false ? undefined : fileProgramStore(cacheDirFor(opts.outDir)));
  const render = cache ? cachedEditionRenderer(cache, loaded.templates) : undefined;
  // Before rendering, which lets each brief go once its edition is written.
  const slotWarnings = offSlotWarnings(loaded.content.newsletter.schedule, loaded.content.briefs);
  // Another build updating out/ at the same time is a problem to report, not a crash.
  const conflict = async (e: unknown): Promise<BuildReport> => {
    await cache?.close(false);
    if (e instanceof OutDirConflict) return fail([e.problem]);
    throw e;
  };
  // Files unchanged since the last cached build are left in out/ or linked from it (write-out.ts).
  let staged: StagedOutDir;
  try {
    staged = await StagedOutDir.begin(opts.outDir, await cache?.outRecord(opts.outDir), BUILD_INPUTS_FILE);
  } catch (e) {
    return conflict(e);
  }
  let result: RenderedSite;
  try {
    const kept = cache ? keptEditions(cache, loaded.templates, loaded.content.newsletter) : undefined;
    const keptSite = cache ? keptSiteFiles(cache, loaded.templates) : undefined;
    const extras: SiteExtras = {
      features: { cards: opts.cards !== false, search: opts.search !== false },
      readBack: (rel) => staged.read(rel),
      ...(cache ? { keptCards: keptCards(cache), keptIndex: keptSearchIndex(cache) } : {}),
    };
    result = await renderContent(loaded.content, loaded.templates, loaded.problems, { sink: (rel, data) => staged.write(rel, data), render, computed: loaded.computed, kept, keptSite, extras, consume: true });
    if (!hasErrors(result.problems)) await staged.write(BUILD_INPUTS_FILE, serializeBuildInputs(inputs));
  } catch (e) {
    await staged.abort();
    await cache?.close(false);
    throw e;
  }
  if (hasErrors(result.problems)) {
    await staged.abort();
    await cache?.close(false);
    return fail(result.problems);
  }
  try {
    await staged.commit();
  } catch (e) {
    return conflict(e);
  }
  await cache?.setOutRecord(opts.outDir, staged.record);
  await cache?.close(true);
  const problems = sortProblems([...result.problems, ...slotWarnings]);
  const cacheUse = cache ? { cache: { hits: cache.hits, misses: cache.misses } } : {};
  return { ok: true, problems, editions: result.count, files: staged.files, outDir: opts.outDir, ...cacheUse };
}
