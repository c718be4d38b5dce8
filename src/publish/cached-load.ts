/**
 * The load stage with parsed briefs from the build cache: a brief whose
 * text, path, registry and fiscal-year setting are unchanged is not parsed
 * again (YAML with positions, schema checks and Markdown splitting were a
 * fifth of a build).
 *
 * Only a clean load takes this path. Anything wrong (an unreadable file, a
 * settings or registry problem, a brief with an error, two briefs for one
 * date) falls back to loadContent itself, so every error a build reports
 * comes from the one loader everything else uses.
 */
import path from 'node:path';
import type { Brief, Content, MetricDef } from '../model.js';
import { hasErrors, resultFrom, sortProblems, type Problem, type Result } from '../problems.js';
import { EDITIONS_DIR, listBriefs, loadContent, loadNewsletter, METRICS_FILE } from '../content/load.js';
import { readFromDisk, type ReadText } from '../util/read-text.js';
import { checkAcrossFiles } from '../content/content-checks.js';
import { parseMetricRegistry } from '../content/metric-registry.js';
import { parseBrief, type BriefOptions } from '../content/brief.js';
import { mapLimit } from '../util/map-limit.js';
import type { BuildCache } from './build-cache.js';

type Parsed = { brief?: Brief; problems: Problem[] };

async function parseCached(cache: BuildCache, file: string, registry: readonly MetricDef[], options: BriefOptions, registryKey: string, read: ReadText): Promise<Parsed | undefined> {
  let text: string;
  try {
    text = await read(file);
  } catch {
    return undefined;
  }
  const key = cache.key('brief', file, registryKey, text);
  const hit = await cache.get<Parsed>('brief', key);
  if (hit && Array.isArray(hit.problems) && typeof hit.brief?.body === 'string') return hit;
  const parsed = parseBrief(file, path.basename(file), text, registry, options);
  if (parsed.brief && !hasErrors(parsed.problems)) cache.set('brief', key, parsed);
  return parsed;
}

export async function loadContentCached(dir: string, cache: BuildCache, read: ReadText = readFromDisk): Promise<Result<Content>> {
  const fallback = () => loadContent(dir, { read });
  const newsletter = await loadNewsletter(dir, read);
  const metricsFile = path.join(dir, METRICS_FILE);
  const metricsText = await read(metricsFile).catch(() => undefined);
  if (!newsletter.ok || metricsText === undefined) return fallback();
  const registry = parseMetricRegistry(metricsFile, metricsText);
  const listed: Problem[] = [];
  const editionsDir = path.join(dir, EDITIONS_DIR);
  const files = await listBriefs(editionsDir, listed);
  if (hasErrors(registry.problems) || listed.length > 0 || files.length === 0) return fallback();

  const options: BriefOptions = { fiscalYearEnd: newsletter.value.fiscalYearEnd };
  const registryKey = JSON.stringify([registry.metrics, options]);
  const parsed = await mapLimit(files, 32, (file) => parseCached(cache, file, registry.metrics, options, registryKey, read));
  if (parsed.some((p) => !p?.brief || hasErrors(p.problems))) return fallback();
  const fileProblems = [...newsletter.warnings, ...registry.problems, ...parsed.flatMap((p) => p!.problems)];
  const { briefs, problems: across } = checkAcrossFiles({ editionsDir, briefFiles: files.length, briefs: parsed.map((p) => p!.brief!), fileProblems });
  const problems = [...fileProblems, ...across];
  if (hasErrors(problems)) return fallback();
  // As loadContent: drafts counted for the one-brief-per-date check, then left out of the build.
  return resultFrom({ dir, newsletter: newsletter.value, metrics: registry.metrics, briefs: briefs.filter((b) => !b.draft) }, sortProblems(problems));
}
