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
import { addSiteFiles, SiteWriter, type EditionCardFile, type KeptFiles, type SiteEdition, type SiteExtras } from '../site/site-files.js';
import { isDeferred, OutDirConflict, StagedOutDir, type DeferredFile } from '../publish/write-out.js';
import { contentHash } from '../publish/file-write.js';
import { keptCards, keptEditions, keptSearchIndex, keptSiteFiles, type EditionMemo, type KeptEdition } from '../publish/kept-output.js';
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

/**
 * Where rendered files go: kept in memory (renderAll, the tests) or written
 * straight to a staged out/ (build), in which case each edition's email is
 * dropped from memory once written. Resolves to the SHA-256 of the bytes
 * written when the sink knows it (the build cache keeps it).
 */
export type FileSink = (rel: string, data: string | Uint8Array | DeferredFile) => Promise<string | undefined | void>;

/**
 * How one edition is rendered: renderEdition itself, or the build's cached
 * path in front of it (publish/cached-steps.ts), which may hand back some of
 * the edition's files unread (`deferred`), for the sink to take from the cache
 * only if out/ lacks them. Only the build, which has a sink, uses that path.
 */
export type EditionRenderer = (edition: Edition, newsletter: Content['newsletter']) => Promise<{ rendered?: RenderedEdition; problems: Problem[]; deferred?: Map<string, DeferredFile> }>;

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

type EditionOutcome = { problems: Problem[]; rendered?: RenderedEdition; written?: true };

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
  const letGo = (i: number) => {
    if (!sink || !options.consume) return;
    for (const list of [editions, content.briefs, options.computed?.metrics ?? []]) (list as unknown[])[i] = undefined;
  };

  /**
   * The edition's files, by out/ path, each as text or as bytes known by hash
   * (see EditionRenderer), and its share card apart: a card takes several
   * times a page to draw, on the card threads, and waiting for it here would
   * keep the next editions from rendering meanwhile.
   */
  const editionFiles = async (edition: Edition): Promise<{ problems: Problem[]; files?: Map<string, string | Uint8Array | DeferredFile>; site?: SiteEdition; card?: Promise<EditionCardFile | undefined> }> => {
    const r = await renderOne(edition, content.newsletter);
    if (!r.rendered || !site) return r;
    const own: OutputFiles = new Map();
    addEditionFiles(own, r.rendered);
    const out = new Map<string, string | Uint8Array | DeferredFile>([...own].map(([rel, data]) => [rel, r.deferred?.get(rel) ?? data]));
    const parts = site.editionParts(r.rendered);
    if (parts.page) out.set(parts.page.rel, parts.page.text);
    const card = parts.page ? site.editionCard(r.rendered) : undefined;
    return { problems: r.problems, files: out, site: parts, ...(card ? { card } : {}) };
  };
  /** Editions whose files are written while their card is still being drawn: the card is written, and the edition kept, when it comes. */
  const drawing: Promise<void>[] = [];

  /** An edition rendered last time in the same context: its files are taken from the previous out/, or rendered again if gone. */
  const reuse = async (edition: Edition, hit: KeptEdition): Promise<EditionOutcome> => {
    let again: ReturnType<typeof editionFiles> | undefined;
    for (const [rel, sha256] of hit.files) {
      const load = async () => {
        const made = await (again ??= editionFiles(edition));
        const card = await made.card;
        const data = card?.rel === rel ? card.data : made.files?.get(rel);
        if (data === undefined) throw new Error(`${edition.file}: the kept edition ${edition.date} no longer renders ${rel}`);
        return isDeferred(data) ? data.load() : data;
      };
      await sink!(rel, { sha256, load });
    }
    site!.addSummary(hit.summary, hit.files);
    return { problems: hit.problems, written: true };
  };

  const outcomes = await mapLimit(editions, RENDER_PARALLELISM, async (edition, i): Promise<EditionOutcome> => {
    const outcome = await editionOutcome(edition);
    letGo(i);
    return outcome;
  });
  async function editionOutcome(edition: Edition): Promise<EditionOutcome> {
    if (!sink || !site) return renderOne(edition, content.newsletter);
    const context = kept ? site.editionContext(edition) : '';
    const hit = await kept?.lookup(edition, context);
    if (hit) return reuse(edition, hit);
    const r = await editionFiles(edition);
    if (!r.files || !r.site) return { problems: r.problems };
    // Sent to the writer together: rendering goes on while they are written (publish/file-writer.ts).
    const written = await writeAll(r.files);
    site.addSummary(r.site.summary, written);
    const { problems: editionProblems, site: parts, card } = r;
    // Its view and email go (the deferred files held the email too); the cache keeps what the next build needs of them.
    const keep = async () => {
      const drawn = await card;
      if (drawn) written.push(...(await writeAll(new Map([[drawn.rel, drawn.data]]))));
      if (parts.page) await kept?.keep(edition, context, { problems: editionProblems, files: written, summary: parts.summary });
    };
    if (!card) await keep();
    else {
      const pending = keep();
      // Awaited with the others before the site is finished; a failure meanwhile is not an unhandled rejection.
      pending.catch(() => undefined);
      drawing.push(pending);
    }
    return { problems: r.problems, written: true };
  }
  /** Hands files to the sink together; their out/ paths and hashes when the build is cached (an uncached build hashes nothing). */
  async function writeAll(files: ReadonlyMap<string, string | Uint8Array | DeferredFile>): Promise<[string, string][]> {
    const entries = [...files];
    const shas = await Promise.all(entries.map(([rel, data]) => sink!(rel, data)));
    return kept ? entries.map(([rel, data], i) => [rel, shas[i] ?? (isDeferred(data) ? data.sha256 : contentHash(data))]) : [];
  }
  await Promise.all(drawing);
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
