/**
 * The load stage: content directory in, validated `Content` out. The only
 * place that reads content files; everything after it is pure. All problems
 * of all files are collected, so one build reports everything at once.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Brief, Content, MetricDef, Newsletter } from '../model.js';
import { error, resultFrom, sortProblems, type Problem, type Result } from '../problems.js';
import { IoFailed } from '../problem-catalogue.js';
import { parseNewsletter } from './newsletter-config.js';
import { parseMetricRegistry } from './metric-registry.js';
import { parseBrief, type BriefOptions } from './brief.js';
import { checkAcrossFiles } from './content-checks.js';
import { describeIoError } from '../util/io-error.js';
import { readFromDisk, type ReadText } from '../util/read-text.js';

export const NEWSLETTER_FILE = 'newsletter.yml';
export const METRICS_FILE = 'metrics.yml';
export const EDITIONS_DIR = 'editions';

export interface LoadOptions {
  /** Keep briefs marked `draft: true` (the preview shows them; build and send leave them out). */
  includeDrafts?: boolean;
  read?: ReadText;
}

export async function loadContent(dir: string, options: LoadOptions = {}): Promise<Result<Content>> {
  const problems: Problem[] = [];
  const newsletterFile = path.join(dir, NEWSLETTER_FILE);
  const metricsFile = path.join(dir, METRICS_FILE);
  const editionsDir = path.join(dir, EDITIONS_DIR);

  const read = options.read ?? readFromDisk;
  const [newsletterText, metricsText, briefFiles] = await Promise.all([
    readText(newsletterFile, problems, read),
    readText(metricsFile, problems, read),
    listBriefs(editionsDir, problems),
  ]);

  let newsletter: Newsletter | undefined;
  if (newsletterText !== undefined) {
    const r = parseNewsletter(newsletterFile, newsletterText);
    newsletter = r.newsletter;
    problems.push(...r.problems);
  }
  let metrics: MetricDef[] = [];
  if (metricsText !== undefined) {
    const r = parseMetricRegistry(metricsFile, metricsText);
    metrics = r.metrics;
    problems.push(...r.problems);
  }

  const texts = await Promise.all(briefFiles.map((f) => readText(f, problems, read)));
  const parsed = parseBriefs(briefFiles, texts, metrics, problems, { fiscalYearEnd: newsletter?.fiscalYearEnd });
  const across = checkAcrossFiles({ editionsDir, briefFiles: briefFiles.length, briefs: parsed, fileProblems: problems });
  problems.push(...across.problems);
  const briefs = options.includeDrafts ? across.briefs : across.briefs.filter((b) => !b.draft);
  return resultFrom({ dir, newsletter: newsletter as Newsletter, metrics, briefs }, sortProblems(problems));
}

/**
 * Only newsletter.yml. The sender, scheduler and server need the settings,
 * not the briefs: a half-written brief for next week must not stop this
 * week's unattended send.
 */
export async function loadNewsletter(dir: string, read: ReadText = readFromDisk): Promise<Result<Newsletter>> {
  const problems: Problem[] = [];
  const file = path.join(dir, NEWSLETTER_FILE);
  const text = await readText(file, problems, read);
  const parsed = text === undefined ? undefined : parseNewsletter(file, text);
  problems.push(...(parsed?.problems ?? []));
  return resultFrom(parsed?.newsletter as Newsletter, problems);
}

/** Parses brief texts (already read), each on its own; `checkAcrossFiles` then checks what spans them. */
function parseBriefs(
  files: readonly string[],
  texts: readonly (string | undefined)[],
  registry: readonly MetricDef[],
  problems: Problem[],
  options: BriefOptions = {},
): Brief[] {
  const briefs: Brief[] = [];
  files.forEach((file, i) => {
    const text = texts[i];
    if (text === undefined) return;
    const r = parseBrief(file, path.basename(file), text, registry, options);
    problems.push(...r.problems);
    if (r.brief) briefs.push(r.brief);
  });
  return briefs;
}

/** Editor backups and parked files (.name, _name) are not briefs. */
export function isBriefName(name: string): boolean {
  return name.endsWith('.md') && !name.startsWith('.') && !name.startsWith('_');
}

export async function listBriefs(editionsDir: string, problems: Problem[]): Promise<string[]> {
  try {
    const names = await readdir(editionsDir);
    return names
      .filter(isBriefName)
      .sort()
      .map((n) => path.join(editionsDir, n));
  } catch (e) {
    problems.push(error(editionsDir, IoFailed, [describeIoError(e)]));
    return [];
  }
}

async function readText(file: string, problems: Problem[], read: ReadText): Promise<string | undefined> {
  try {
    return await read(file);
  } catch (e) {
    problems.push(error(file, IoFailed, [describeIoError(e)]));
    return undefined;
  }
}
