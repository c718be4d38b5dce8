/**
 * The whole pipeline behind `briefwire build`: load -> compute -> render ->
 * publish. I/O happens at the two ends (reading content and templates,
 * writing out/); the middle is pure and is what the preview server and the
 * benchmark reuse.
 */
import type { Content, Edition } from './model.js';
import { hasErrors, sortProblems, type Problem } from './problems.js';
import { loadContent } from './content/load.js';
import { computeEditions } from './compute/editions.js';
import { auditContent } from './compute/audit.js';
import { readTemplateSources, compileTemplates, type TemplateSet } from './render/templates.js';
import { renderEdition, type RenderedEdition } from './render/render-edition.js';
import { addEditionFiles, type OutputFiles } from './publish/edition-output.js';
import { addSiteFiles } from './site/site-files.js';
import { writeOutDir } from './publish/write-out.js';
import { offSlotWarnings } from './content/slot-day.js';
import { BUILD_INPUTS_FILE, fingerprintInputs, serializeBuildInputs } from './publish/build-inputs.js';
import { mapLimit } from './util/map-limit.js';
import { mergeTemplateProblems } from './render/merge-problems.js';
import { MJML_PARALLELISM } from './render/mjml-pool.js';

export interface BuildOptions {
  contentDir: string;
  templatesDir: string;
  outDir: string;
}

export interface BuildReport {
  ok: boolean;
  /** Errors and warnings, sorted by file and line. */
  problems: Problem[];
  editions: number;
  files: number;
  outDir: string;
}


export interface RenderedSite {
  content: Content;
  editions: Edition[];
  rendered: RenderedEdition[];
  files: OutputFiles;
  problems: Problem[];
}

/** Loads and renders everything in memory; writes nothing. */
export async function renderAll(opts: Pick<BuildOptions, 'contentDir' | 'templatesDir'>): Promise<RenderedSite | { problems: Problem[] }> {
  const [loaded, templateRead] = await Promise.all([loadContent(opts.contentDir), readTemplateSources(opts.templatesDir)]);
  const compiled = compileTemplates(opts.templatesDir, templateRead.sources, loaded.ok ? loaded.value.newsletter : undefined);
  const problems = [
    ...(loaded.ok ? loaded.warnings : loaded.problems),
    // The numbers audit's errors fail the build like any content error; its warnings are printed.
    ...(loaded.ok ? auditContent(loaded.value) : []),
    ...templateRead.problems,
    ...(compiled.ok ? compiled.warnings : compiled.problems),
  ];
  if (!loaded.ok || !compiled.ok || hasErrors(problems)) return { problems: sortProblems(problems) };
  return renderContent(loaded.value, compiled.value, problems);
}

export async function renderContent(content: Content, templates: TemplateSet, problems: Problem[] = []): Promise<RenderedSite> {
  const editions = computeEditions(content);
  const rendered: RenderedEdition[] = [];
  const files: OutputFiles = new Map();
  // Two compiles per worker keep every MJML worker busy while the main thread runs Handlebars.
  const outcomes = await mapLimit(editions, MJML_PARALLELISM * 2, (edition) => renderEdition(edition, content.newsletter, templates));
  problems.push(...mergeTemplateProblems(editions, outcomes.map((r) => r.problems)));
  for (const r of outcomes) {
    if (r.rendered) {
      rendered.push(r.rendered);
      addEditionFiles(files, r.rendered);
    }
  }
  if (!hasErrors(problems)) problems.push(...addSiteFiles(files, { content, rendered, templates }));
  return { content, editions, rendered, files, problems: sortProblems(problems) };
}

export async function build(opts: BuildOptions): Promise<BuildReport> {
  // Before reading: a file saved mid-build then counts as changed since the build (see build-inputs.ts).
  const inputs = await fingerprintInputs(opts.contentDir, opts.templatesDir);
  const result = await renderAll(opts);
  const fail = (problems: Problem[]): BuildReport => ({ ok: false, problems, editions: 0, files: 0, outDir: opts.outDir });
  if (!('files' in result) || hasErrors(result.problems)) return fail(result.problems);
  result.files.set(BUILD_INPUTS_FILE, serializeBuildInputs(inputs));
  await writeOutDir(opts.outDir, result.files);
  const problems = sortProblems([...result.problems, ...offSlotWarnings(result.content.newsletter.schedule, result.content.briefs)]);
  return { ok: true, problems, editions: result.rendered.length, files: result.files.size, outDir: opts.outDir };
}

