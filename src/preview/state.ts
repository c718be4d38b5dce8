/**
 * The preview's incremental model. It keeps the last good state in memory
 * (each brief's text and parse, the metric registry, compiled templates, the
 * computed editions and their renders) and, given what changed on disk,
 * redoes only what that change affects:
 *
 * - a brief: re-parse that file, run the pipeline's audit and compute from
 *   the last run (pipeline/compute-step.ts: a brief whose numbers did not
 *   change leaves every other edition as it was; one whose numbers changed
 *   recomputes the editions from it on), re-render only the editions whose
 *   rendered inputs changed. One brief can change later editions too: the
 *   next edition's delta, a "not reported" row, a trend bar.
 *
 * The editions open in a page are rendered first; the server tells those
 * pages to fetch them before the rest are rendered.
 * - metrics.yml: re-parse the registry and every brief (briefs are validated
 *   against it), then as for a brief.
 * - newsletter.yml or a template: recompile templates, re-render everything.
 *
 * While the sources have errors nothing is recomputed: the last good editions
 * and renders stay as they were, so the preview keeps showing them under the
 * error overlay. Errors are values: `update` never throws for bad content.
 *
 * No file I/O here: sources.ts reads files and hands over their text.
 */
import path from 'node:path';
import type { Brief, Edition, MetricDef, Newsletter } from '../model.js';
import { hasErrors, sortProblems, type Problem } from '../problems.js';
import { parseNewsletter } from '../content/newsletter-config.js';
import { parseMetricRegistry } from '../content/metric-registry.js';
import { parseBrief } from '../content/brief.js';
import { EDITIONS_DIR } from '../content/load.js';
import { checkAcrossFiles } from '../content/content-checks.js';
import { mergeTemplateProblems } from '../render/merge-problems.js';
import { computeStep, type ComputeRun } from '../pipeline/compute-step.js';
import { compileTemplates, type TemplateSet, type TemplateSource } from '../render/templates.js';
import { renderEdition, type RenderedEdition } from '../render/render-edition.js';
import { changedViews } from './rerender.js';
import { renderStep, type RenderFn, type RenderResult } from '../pipeline/render-step.js';

/** One source file's text, or why it could not be read. */
export interface TextSource {
  file: string;
  text?: string;
  problem?: Problem;
}

export interface ContentSources {
  dir: string;
  newsletter: TextSource;
  metrics: TextSource;
  /** Brief file path -> source, for every `editions/*.md` the loader would read. */
  briefs: Map<string, TextSource>;
  /** Problems listing editions/ itself (missing directory). */
  listing: Problem[];
}

export interface TemplateSources {
  dir: string;
  sources: TemplateSource[];
  problems: Problem[];
}

export type SourceChange =
  | { kind: 'newsletter'; source: TextSource }
  | { kind: 'metrics'; source: TextSource }
  /** `source: null`: the brief was deleted or renamed away. */
  | { kind: 'brief'; file: string; source: TextSource | null }
  /** Everything re-read, e.g. after editions/ itself was removed or replaced. */
  | { kind: 'content'; content: ContentSources }
  | { kind: 'templates'; templates: TemplateSources };

export type { RenderFn };

export interface PreviewStateOptions {
  /** Injected so tests can count renders; the real one by default. */
  render?: RenderFn;
  /** Called after each edition render during an update, for progress reports. */
  onRendered?: (done: number, total: number) => void;
  /** The editions open in a page right now, asked at each update: they are rendered before the rest. */
  focus?: () => Iterable<string>;
  /** Called once the focused editions are rendered, while the rest still render: pages may fetch them now. */
  onFocusRendered?: () => void;
}

export interface UpdateReport {
  /** Bumped by every update; pages use it to tell whether they are current. */
  version: number;
  /** Dates (re-)rendered by this update, newest first. */
  rendered: string[];
  /** Dates that no longer have a brief. */
  removed: string[];
  /** Every current problem, errors and warnings, sorted. */
  problems: Problem[];
  ok: boolean;
  /** True when source errors stopped the rebuild, so what is shown is the last good state. */
  stale: boolean;
  ms: number;
}


interface BriefEntry {
  text: string;
  /** Registry generation the brief was validated against. */
  registryGeneration: number;
  brief?: Brief;
  problems: Problem[];
}

export class PreviewState {
  private content: ContentSources;
  private templateSources: TemplateSources;
  private readonly render: RenderFn;
  private readonly onRendered: ((done: number, total: number) => void) | undefined;
  private readonly focus: (() => Iterable<string>) | undefined;
  private readonly onFocusRendered: (() => void) | undefined;

  // Parsed sources.
  private newsletter: Newsletter | undefined;
  private newsletterProblems: Problem[] = [];
  private registry: MetricDef[] = [];
  private registryProblems: Problem[] = [];
  private registryGeneration = 0;
  private readonly briefCache = new Map<string, BriefEntry>();
  /** The briefs that parse, oldest first (as checkAcrossFiles sorts them). */
  private briefs: Brief[] = [];
  private templates: TemplateSet | undefined;
  private templateProblems: Problem[] = [];

  // What still has to be redone; starts with everything.
  private dirtyNewsletter = true;
  private dirtyRegistry = true;
  private dirtyTemplates = true;
  /** A template or newsletter.yml change seen while the sources were broken: re-render all once they are fixed. */
  private pendingFullRender = true;

  // Last good computed state.
  private editionList: readonly Edition[] = [];
  /** The last audit and compute, which the next one starts from (pipeline/compute-step.ts). */
  private computed: ComputeRun | undefined;
  private readonly renders = new Map<string, RenderedEdition>();
  private readonly renderStamps = new Map<string, number>();
  private readonly renderProblems = new Map<string, Problem[]>();
  /** Editions whose last render failed: retried on every update until they render. */
  private readonly failed = new Set<string>();
  private sourceProblems: Problem[] = [];
  private renderCount = 0;

  private currentProblems: Problem[] = [];
  private currentVersion = 0;
  private stale = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(content: ContentSources, templates: TemplateSources, options: PreviewStateOptions = {}) {
    this.content = { ...content, briefs: new Map(content.briefs) };
    this.templateSources = templates;
    this.render = options.render ?? renderEdition;
    this.onRendered = options.onRendered;
    this.focus = options.focus;
    this.onFocusRendered = options.onFocusRendered;
  }

  get version(): number {
    return this.currentVersion;
  }

  /** Computed editions of the last good state, oldest first. */
  get editions(): readonly Edition[] {
    return this.editionList;
  }

  get problems(): readonly Problem[] {
    return this.currentProblems;
  }

  get newsletterConfig(): Newsletter | undefined {
    return this.newsletter;
  }

  /** True when the sources are broken and the editions shown are the last good ones. */
  get isStale(): boolean {
    return this.stale;
  }

  /** Edition renders done since start (tests and the terminal report count them). */
  get renderTotal(): number {
    return this.renderCount;
  }

  rendered(date: string): RenderedEdition | undefined {
    return this.renders.get(date);
  }

  /** A number that changes whenever the edition's email is re-rendered (cache-busts the preview iframe). */
  renderStamp(date: string): number | undefined {
    return this.renderStamps.get(date);
  }

  /** True when the edition's last render failed (it keeps its last good render, if it had one). */
  renderFailed(date: string): boolean {
    return this.failed.has(date);
  }

  /** Render problems of one edition, plus source problems in its brief file. */
  problemsFor(date: string): Problem[] {
    const edition = this.editionList.find((e) => e.date === date);
    const own = this.renderProblems.get(date) ?? [];
    const inFile = edition ? this.sourceProblems.filter((p) => p.file === edition.file) : [];
    return sortProblems([...inFile, ...own]);
  }

  /**
   * Applies changes and brings the model up to date. Calls are serialized, so
   * a change arriving mid-render waits for the render to finish and then
   * builds on its result.
   */
  update(changes: readonly SourceChange[] = []): Promise<UpdateReport> {
    const run = this.queue.then(() => this.apply(changes));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(changes: readonly SourceChange[]): Promise<UpdateReport> {
    const started = performance.now();
    this.takeChanges(changes);
    // Not `||=`: reparse must run even when a full render is already pending.
    if (this.reparse()) this.pendingFullRender = true;
    this.sourceProblems = this.collectSourceProblems();
    if (hasErrors(this.sourceProblems)) {
      this.auditProblems = [];
      this.stale = true;
      return this.finish(started, [], []);
    }
    // The numbers audit is shown like the build shows it, but an audit error does not stop the
    // preview rendering: the analyst needs to see the edition to fix the figure.
    this.computed = await computeStep({ metrics: this.registry, briefs: this.briefs }, this.computed);
    this.auditProblems = [...this.computed.audit];
    if (!this.newsletter || !this.templates) {
      this.stale = true;
      return this.finish(started, [], []);
    }
    this.stale = false;
    const { toRender, removed } = this.plan(this.computed.editions);
    await this.renderInOrder(toRender, this.newsletter, this.templates);
    this.pendingFullRender = false;
    return this.finish(
      started,
      toRender.map((e) => e.date),
      removed,
    );
  }

  /**
   * Takes the newly computed editions and says what to render: those whose
   * view changed, plus everything after a template or newsletter change, and
   * editions without a good render yet. The others keep their email and get
   * the new edition data (e.g. history older than their trend window).
   */
  private plan(editions: readonly Edition[]): { toRender: Edition[]; removed: string[] } {
    const dates = new Set(editions.map((e) => e.date));
    const known = new Set([...this.editionList.map((e) => e.date), ...this.renders.keys()]);
    const removed = [...known].filter((d) => !dates.has(d));
    for (const date of removed) this.forget(date);

    const changed = changedViews(this.editionList, editions);
    const toRender: Edition[] = [];
    for (const edition of editions) {
      const old = this.renders.get(edition.date);
      if (this.pendingFullRender || changed.has(edition.date) || !old || this.failed.has(edition.date)) toRender.push(edition);
      else this.renders.set(edition.date, { ...old, edition: { ...edition, subject: old.edition.subject } });
    }
    this.editionList = editions;
    // Newest first: the editions an author is most likely looking at come back first.
    return { toRender: toRender.reverse(), removed };
  }

  /**
   * The pipeline's render stage (pipeline/render-step.ts): the editions open
   * in a page first, then (once the pages were told they may fetch them) the
   * rest, newest first.
   */
  private async renderInOrder(toRender: readonly Edition[], newsletter: Newsletter, templates: TemplateSet): Promise<void> {
    await renderStep(toRender, newsletter, templates, {
      render: this.render,
      first: new Set(this.focus?.() ?? []),
      ...(this.onFocusRendered ? { onFirst: this.onFocusRendered } : {}),
      each: (edition, r, done) => this.keep(edition, r, done, toRender.length),
    });
  }

  private keep(edition: Edition, r: RenderResult, done: number, total: number): void {
    this.renderCount++;
    this.renderProblems.set(edition.date, r.problems);
    if (r.rendered) {
      this.renders.set(edition.date, r.rendered);
      this.renderStamps.set(edition.date, this.renderCount);
      this.failed.delete(edition.date);
    } else {
      // Keep the last good render on screen; try again on the next update.
      this.failed.add(edition.date);
    }
    this.onRendered?.(done, total);
  }

  private auditProblems: Problem[] = [];

  private finish(started: number, rendered: string[], removed: string[]): UpdateReport {
    this.currentVersion++;
    const withProblems = this.editionList.filter((e) => this.renderProblems.has(e.date));
    const renderProblems = mergeTemplateProblems(withProblems, withProblems.map((e) => this.renderProblems.get(e.date)!));
    this.currentProblems = sortProblems([...this.sourceProblems, ...this.auditProblems, ...renderProblems]);
    return {
      version: this.currentVersion,
      rendered,
      removed,
      problems: this.currentProblems,
      ok: !hasErrors(this.currentProblems),
      stale: this.stale,
      ms: Math.round(performance.now() - started),
    };
  }

  private takeChanges(changes: readonly SourceChange[]): void {
    for (const c of changes) {
      switch (c.kind) {
        case 'newsletter':
          if (c.source.text !== this.content.newsletter.text || c.source.problem) this.dirtyNewsletter = true;
          this.content.newsletter = c.source;
          break;
        case 'metrics':
          if (c.source.text !== this.content.metrics.text || c.source.problem) this.dirtyRegistry = true;
          this.content.metrics = c.source;
          break;
        case 'brief':
          if (c.source) this.content.briefs.set(c.file, c.source);
          else this.content.briefs.delete(c.file);
          break;
        case 'content':
          if (c.content.newsletter.text !== this.content.newsletter.text) this.dirtyNewsletter = true;
          if (c.content.metrics.text !== this.content.metrics.text) this.dirtyRegistry = true;
          this.content = { ...c.content, briefs: new Map(c.content.briefs) };
          break;
        case 'templates':
          this.templateSources = c.templates;
          this.dirtyTemplates = true;
          break;
      }
    }
  }

  /** Re-parses whatever is dirty. Returns true when every edition must be re-rendered. */
  private reparse(): boolean {
    let full = false;
    if (this.dirtyNewsletter) {
      const src = this.content.newsletter;
      if (src.text === undefined) {
        this.newsletterProblems = src.problem ? [src.problem] : [];
      } else {
        const r = parseNewsletter(src.file, src.text);
        this.newsletterProblems = r.problems;
        // A broken newsletter.yml keeps the last good one for compiling templates.
        if (r.newsletter) {
          // Its fiscal year end decides how briefs' FY periods parse.
          if (r.newsletter.fiscalYearEnd !== this.newsletter?.fiscalYearEnd) this.registryGeneration++;
          this.newsletter = r.newsletter;
        }
      }
      if (!hasErrors(this.newsletterProblems)) {
        this.dirtyTemplates = true; // helpers format dates and numbers with the newsletter's locale
        full = true;
      }
      this.dirtyNewsletter = false;
    }
    if (this.dirtyRegistry) {
      const src = this.content.metrics;
      if (src.text === undefined) {
        this.registry = [];
        this.registryProblems = src.problem ? [src.problem] : [];
      } else {
        const r = parseMetricRegistry(src.file, src.text);
        this.registry = r.metrics;
        this.registryProblems = r.problems;
      }
      this.registryGeneration++;
      this.dirtyRegistry = false;
    }
    for (const file of this.briefCache.keys()) if (!this.content.briefs.has(file)) this.briefCache.delete(file);
    for (const [file, src] of this.content.briefs) {
      const cached = this.briefCache.get(file);
      if (src.text === undefined) {
        this.briefCache.set(file, { text: '', registryGeneration: -1, problems: src.problem ? [src.problem] : [] });
        continue;
      }
      if (cached && cached.text === src.text && cached.registryGeneration === this.registryGeneration) continue;
      const r = parseBrief(file, path.basename(file), src.text, this.registry, { fiscalYearEnd: this.newsletter?.fiscalYearEnd });
      this.briefCache.set(file, { text: src.text, registryGeneration: this.registryGeneration, problems: r.problems, ...(r.brief ? { brief: r.brief } : {}) });
    }
    if (this.dirtyTemplates) {
      const compiled = compileTemplates(this.templateSources.dir, this.templateSources.sources, this.newsletter);
      this.templateProblems = [...this.templateSources.problems, ...(compiled.ok ? compiled.warnings : compiled.problems)];
      if (compiled.ok && !hasErrors(this.templateSources.problems)) {
        this.templates = compiled.value;
        full = true;
      }
      this.dirtyTemplates = false;
    }
    return full;
  }

  /** loadContent's problems, from cached parses (each file's own, then checkAcrossFiles), plus the templates'. */
  private collectSourceProblems(): Problem[] {
    const fileProblems = [...this.content.listing, ...this.newsletterProblems, ...this.registryProblems];
    const parsed: Brief[] = [];
    for (const entry of this.briefCache.values()) {
      fileProblems.push(...entry.problems);
      if (entry.brief) parsed.push(entry.brief);
    }
    const editionsDir = path.join(this.content.dir, EDITIONS_DIR);
    const across = checkAcrossFiles({ editionsDir, briefFiles: this.content.briefs.size, briefs: parsed, fileProblems });
    this.briefs = across.briefs;
    return sortProblems([...fileProblems, ...across.problems, ...this.templateProblems]);
  }

  private forget(date: string): void {
    this.renders.delete(date);
    this.renderStamps.delete(date);
    this.renderProblems.delete(date);
    this.failed.delete(date);
  }
}
