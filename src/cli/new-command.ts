import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CAC } from 'cac';
import type { Content, MetricDef, Newsletter } from '../model.js';
import { loadContent, EDITIONS_DIR, METRICS_FILE, NEWSLETTER_FILE } from '../content/load.js';
import { describeIoError } from '../util/io-error.js';
import { parseNewsletter } from '../content/newsletter-config.js';
import { parseMetricRegistry } from '../content/metric-registry.js';
import { BRIEF_FILE_NAME } from '../content/brief.js';
import { nextEditionDate, scaffoldBrief } from '../content/scaffold.js';
import { offSlotWarnings } from '../content/slot-day.js';
import { nowFromEnv } from '../deliver/schedule/clock.js';
import { UsageError } from './usage-error.js';
import { DIR_DEFAULTS, parseDateOption, textOption } from './options.js';
import { reportProblems, type CommandIo } from './command-io.js';

export interface NewCommandOptions {
  contentDir: string;
  /** The edition date; by default the next send slot (see scaffold.ts). */
  date?: string;
}

const NEW_DESCRIPTION = "Scaffold the next brief as a draft: each metric's latest observation as a comment to copy, nothing reported until you uncomment a line";

export function registerNew(cli: CAC, io: CommandIo): void {
  cli
    .command('new', NEW_DESCRIPTION)
    // cac's help for one command shows no description: the usage line carries it.
    .usage(`new\n\n  ${NEW_DESCRIPTION}`)
    .option('--date <YYYY-MM-DD>', 'Edition date (default: the next send slot from today, or the slot after the latest brief if that is later)')
    .option('--content <dir>', 'Content directory', { default: DIR_DEFAULTS.content })
    .example('briefwire new')
    .example('briefwire new --date 2026-02-09 --content content')
    .action((opts: Record<string, unknown>) =>
      runNew({ contentDir: textOption(opts['content']), ...(opts['date'] === undefined ? {} : { date: parseDateOption(opts['date']) }) }, io),
    );
}

/** `briefwire new`: scaffolds the next brief, never over an existing one. */
export async function runNew(options: NewCommandOptions, io: CommandIo): Promise<number> {
  const contentDir = options.contentDir;
  const content = await loadForScaffold(contentDir, io);
  if (!content) return 1;

  const clock = nowFromEnv(io.env);
  if (!clock.ok) throw new UsageError(clock.message);
  const target = options.date ?? nextEditionDate(content, clock.now);
  const editionsDir = path.join(contentDir, EDITIONS_DIR);
  const file = path.join(editionsDir, `${target}.md`);
  const sameDate = await briefsDated(editionsDir, target);
  const other = sameDate.find((f) => path.basename(f) !== `${target}.md`);
  if (other) {
    io.stderr.write(`briefwire: ${other} already is the brief for ${target}; an edition has one brief. Edit that file, or pass another --date.\n`);
    return 1;
  }
  try {
    await mkdir(editionsDir, { recursive: true });
    // "wx": never overwrite, even if the file appeared since we looked.
    await writeFile(file, scaffoldBrief(content, target), { encoding: 'utf8', flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.stderr.write(
      code === 'EEXIST'
        ? `briefwire: ${file} already exists; refusing to overwrite it. Edit it, or pass another --date.\n`
        : `briefwire: cannot write ${file}: ${describeIoError(e)}\n`,
    );
    return 1;
  }
  reportProblems(io, offSlotWarnings(content.newsletter.schedule, [{ file, date: target }]));
  io.stdout.write(`${file}\n`);
  return 0;
}

/**
 * The content, via loadContent. A newsletter without any brief yet (empty or
 * missing editions/) is fine for `new`: that is how the first brief is made.
 * Any other problem is printed and the command fails.
 */
async function loadForScaffold(dir: string, io: CommandIo): Promise<Content | undefined> {
  const loaded = await loadContent(dir);
  if (loaded.ok) {
    reportProblems(io, loaded.warnings);
    return loaded.value;
  }
  const editionsDir = path.join(dir, EDITIONS_DIR);
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (errors.every((p) => p.file === editionsDir)) {
    // Only the editions directory itself is at fault (no briefs, not found):
    // newsletter.yml and metrics.yml parsed cleanly, so parse them again here.
    const newsletterFile = path.join(dir, NEWSLETTER_FILE);
    const metricsFile = path.join(dir, METRICS_FILE);
    const newsletter = parseNewsletter(newsletterFile, await readFile(newsletterFile, 'utf8')).newsletter;
    const metrics = parseMetricRegistry(metricsFile, await readFile(metricsFile, 'utf8')).metrics;
    if (newsletter) return emptyContent(dir, newsletter, metrics);
  }
  reportProblems(io, loaded.problems);
  io.stderr.write(`briefwire: fix the problems above in ${dir}/ before scaffolding a new brief.\n`);
  return undefined;
}

function emptyContent(dir: string, newsletter: Newsletter, metrics: MetricDef[]): Content {
  return { dir, newsletter, metrics, briefs: [] };
}

/** Brief files in `editionsDir` whose name carries `date` (with or without a slug). */
async function briefsDated(editionsDir: string, date: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(editionsDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => BRIEF_FILE_NAME.exec(n)?.[1] === date)
    .sort()
    .map((n) => path.join(editionsDir, n));
}
