/**
 * The pipeline's render stage where nothing is written: each edition's email
 * rendered (several in flight, so the MJML workers stay busy), the editions
 * a reader is looking at first. `briefwire check` checks each email as it
 * comes; the preview keeps each render. The build renders through
 * build.ts's renderContent instead, which streams every file into out/.
 */
import type { Edition, Newsletter } from '../model.js';
import type { Problem } from '../problems.js';
import { renderEdition } from '../render/render-edition.js';
import type { TemplateSet } from '../render/templates.js';
import { RENDER_PARALLELISM } from '../render/mjml-compile.js';
import { mapLimit } from '../util/map-limit.js';

export type RenderFn = typeof renderEdition;
export type RenderResult = Awaited<ReturnType<RenderFn>>;

export interface RenderStepOptions {
  /** The real render by default; the preview's tests count renders. */
  render?: RenderFn;
  /** Dates rendered before all others (the editions open in the preview). */
  first?: ReadonlySet<string>;
  /** Called once those are rendered, while the others still render. */
  onFirst?: () => void;
  /** Each edition as it is rendered; returns further problems of it (check's email client report). */
  each?: (edition: Edition, result: RenderResult, done: number) => Problem[] | void | Promise<Problem[] | void>;
}

/** Renders `editions` in their order (those in `first` before the rest); the problems of each, in the order given. */
export async function renderStep(editions: readonly Edition[], newsletter: Newsletter, templates: TemplateSet, options: RenderStepOptions = {}): Promise<Problem[][]> {
  const render = options.render ?? renderEdition;
  const first = options.first ?? new Set<string>();
  const problems = new Map<Edition, Problem[]>();
  let done = 0;
  const renderOne = async (edition: Edition) => {
    const result = await render(edition, newsletter, templates);
    const more = (await options.each?.(edition, result, ++done)) ?? [];
    problems.set(edition, [...result.problems, ...more]);
  };
  const early = editions.filter((e) => first.has(e.date));
  const late = editions.filter((e) => !first.has(e.date));
  await mapLimit(early, RENDER_PARALLELISM, renderOne);
  if (early.length > 0 && late.length > 0) options.onFirst?.();
  await mapLimit(late, RENDER_PARALLELISM, renderOne);
  return editions.map((e) => problems.get(e)!);
}
