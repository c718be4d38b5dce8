/**
 * The front of the one pipeline: load -> audit -> compute. Reads the content
 * and the templates (through the build cache when given one), audits the
 * numbers and computes the editions (compute-step.ts). `briefwire build`,
 * `briefwire check` and the in-memory render of the tests run it with their
 * options; the preview, which keeps every source's text and parse in memory,
 * loads incrementally and runs the same audit and compute step.
 *
 * The audit's errors are returned with the other problems, not acted on: the
 * build stops on them, check reports them beside the rendered emails'.
 */
import type { Content } from '../model.js';
import { sortProblems, type Problem } from '../problems.js';
import { loadContent } from '../content/load.js';
import { compileTemplates, readTemplateSources, type TemplateSet } from '../render/templates.js';
import type { ReadText } from '../util/read-text.js';
import type { BuildCache } from '../publish/build-cache.js';
import { cachedAudit } from '../publish/cached-steps.js';
import { loadContentCached } from '../publish/cached-load.js';
import { computeStep, type AuditFn, type ComputeRun } from './compute-step.js';

export interface PrepareOptions {
  contentDir: string;
  templatesDir: string;
  /** Drafts loaded, audited and computed too (check); the build leaves them out. */
  drafts?: boolean;
  /** The build cache in front of loading briefs and the audit (publish/build-cache.ts); only without drafts. */
  cache?: BuildCache;
  /** Where file text comes from: the bytes the build fingerprinted (publish/build-inputs.ts); the disk by default. */
  read?: ReadText;
}

export interface Prepared {
  content: Content;
  templates: TemplateSet;
  /** The audit and compute of this content. */
  computed: ComputeRun;
  /** Load warnings, the audit's problems (errors too), template warnings; sorted. */
  problems: Problem[];
}

/** Content and templates loaded, audited and computed; or every problem that stopped them loading. */
export async function prepare(opts: PrepareOptions): Promise<Prepared | { problems: Problem[] }> {
  const { cache, read } = opts;
  const [loaded, templateRead] = await Promise.all([
    cache && !opts.drafts ? loadContentCached(opts.contentDir, cache, read) : loadContent(opts.contentDir, { ...(read ? { read } : {}), includeDrafts: opts.drafts ?? false }),
    readTemplateSources(opts.templatesDir, read),
  ]);
  const compiled = compileTemplates(opts.templatesDir, templateRead.sources, loaded.ok ? loaded.value.newsletter : undefined);
  const templateProblems = [...templateRead.problems, ...(compiled.ok ? compiled.warnings : compiled.problems)];
  if (!loaded.ok) return { problems: sortProblems([...loaded.problems, ...templateProblems]) };
  const audit: AuditFn | undefined = cache ? (content, metrics) => cachedAudit(cache, content, metrics) : undefined;
  // Audited even when the templates fail, so that every problem is reported at once.
  const computed = await computeStep(loaded.value, undefined, audit);
  const problems = sortProblems([...loaded.warnings, ...computed.audit, ...templateProblems]);
  if (!compiled.ok) return { problems };
  return { content: loaded.value, templates: compiled.value, computed, problems };
}
