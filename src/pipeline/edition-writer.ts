/**
 * How a build with a sink writes one edition: its email files and site page
 * together, its share card when the card threads have drawn it, and what the
 * next build needs to keep it (publish/kept-output.ts). An edition rendered
 * last time in the same context is taken from the previous out/ instead.
 */
import type { Content, Edition } from '../model.js';
import type { Problem } from '../problems.js';
import type { RenderedEdition } from '../render/render-edition.js';
import { addEditionFiles, type OutputFiles } from '../publish/edition-output.js';
import type { EditionCardFile, SiteEdition, SiteWriter } from '../site/site-files.js';
import { isDeferred, type DeferredFile } from '../publish/write-out.js';
import { contentHash } from '../publish/file-write.js';
import type { EditionMemo, KeptEdition } from '../publish/kept-output.js';

/**
 * Editions whose cards may be waited for at once. Enough to keep the card
 * threads fed while pages render; a bound because each waiting edition holds
 * its computed edition (for the cache's key), and an archive's editions
 * carry their whole history.
 */
const CARDS_AHEAD = 8;

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

export type EditionOutcome = { problems: Problem[]; rendered?: RenderedEdition; written?: true };

type FileData = string | Uint8Array | DeferredFile;

/** An edition's files, and its share card apart (see EditionWriter.files). */
interface EditionFiles {
  problems: Problem[];
  files?: Map<string, FileData>;
  site?: SiteEdition;
  card?: Promise<EditionCardFile | undefined>;
}

export class EditionWriter {
  /** Editions whose files are written while their card is still being drawn: the card is written, and the edition kept, when it comes. */
  private readonly drawing = new Set<Promise<void>>();
  private failure: unknown;

  constructor(
    private readonly newsletter: Content['newsletter'],
    private readonly renderOne: EditionRenderer,
    private readonly sink: FileSink,
    private readonly site: SiteWriter,
    private readonly kept: EditionMemo | undefined,
  ) {}

  async write(edition: Edition): Promise<EditionOutcome> {
    const context = this.kept ? this.site.editionContext(edition) : '';
    const hit = await this.kept?.lookup(edition, context);
    if (hit) return this.reuse(edition, hit);
    const r = await this.files(edition);
    if (!r.files || !r.site) return { problems: r.problems };
    // Sent to the writer together: rendering goes on while they are written (publish/file-writer.ts).
    const written = await this.writeAll(r.files);
    this.site.addSummary(r.site.summary, written);
    const { problems, site: parts, card } = r;
    // Its view and email go (the deferred files held the email too); the cache keeps what the next build needs of them.
    const keep = async () => {
      const drawn = await card;
      if (drawn) written.push(...(await this.writeAll(new Map([[drawn.rel, drawn.data]]))));
      if (parts.page) await this.kept?.keep(edition, context, { problems, files: written, summary: parts.summary });
    };
    if (!card) await keep();
    else await this.whileDrawn(keep());
    return { problems, written: true };
  }

  /** Waits for every card still being drawn to be written, and its edition kept; the first failure throws. */
  async drawn(): Promise<void> {
    await Promise.all(this.drawing);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Lets an edition wait for its card without holding up the next, CARDS_AHEAD at most. */
  private async whileDrawn(pending: Promise<void>): Promise<void> {
    const settled = pending.then(
      () => void this.drawing.delete(settled),
      (e: unknown) => {
        this.failure ??= e;
        this.drawing.delete(settled);
      },
    );
    this.drawing.add(settled);
    if (this.drawing.size >= CARDS_AHEAD) await Promise.race(this.drawing);
  }

  /**
   * The edition's files, by out/ path, each as text or as bytes known by hash
   * (see EditionRenderer), and its share card apart: a card takes several
   * times a page to draw, on the card threads, and waiting for it here would
   * keep the next editions from rendering meanwhile.
   */
  private async files(edition: Edition): Promise<EditionFiles> {
    const r = await this.renderOne(edition, this.newsletter);
    if (!r.rendered) return r;
    const own: OutputFiles = new Map();
    addEditionFiles(own, r.rendered);
    const out = new Map<string, FileData>([...own].map(([rel, data]) => [rel, r.deferred?.get(rel) ?? data]));
    const parts = this.site.editionParts(r.rendered);
    if (parts.page) out.set(parts.page.rel, parts.page.text);
    const card = parts.page ? this.site.editionCard(r.rendered) : undefined;
    return { problems: r.problems, files: out, site: parts, ...(card ? { card } : {}) };
  }

  /** An edition rendered last time in the same context: its files are taken from the previous out/, or rendered again if gone. */
  private async reuse(edition: Edition, hit: KeptEdition): Promise<EditionOutcome> {
    let again: Promise<EditionFiles> | undefined;
    for (const [rel, sha256] of hit.files) {
      const load = async () => {
        const made = await (again ??= this.files(edition));
        const card = await made.card;
        const data = card?.rel === rel ? card.data : made.files?.get(rel);
        if (data === undefined) throw new Error(`${edition.file}: the kept edition ${edition.date} no longer renders ${rel}`);
        return isDeferred(data) ? data.load() : data;
      };
      await this.sink(rel, { sha256, load });
    }
    this.site.addSummary(hit.summary, hit.files);
    return { problems: hit.problems, written: true };
  }

  /** Hands files to the sink together; their out/ paths and hashes when the build is cached (an uncached build hashes nothing). */
  private async writeAll(files: ReadonlyMap<string, FileData>): Promise<[string, string][]> {
    const entries = [...files];
    const shas = await Promise.all(entries.map(([rel, data]) => this.sink(rel, data)));
    return this.kept ? entries.map(([rel, data], i) => [rel, shas[i] ?? (isDeferred(data) ? data.sha256 : contentHash(data))]) : [];
  }
}
