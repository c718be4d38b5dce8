/**
 * Generates a large, realistic content folder for benchmarks: `count` weekly
 * editions (520 = ten years) reusing the sample newsletter's settings,
 * registry and prose, with metrics that random-walk from week to week.
 * Deterministic (seeded), so runs are comparable.
 */
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DateTime } from 'luxon';
import matter from 'gray-matter';
import { parse } from 'yaml';

interface RegistryEntry {
  kind: string;
  decimals: number;
  derived?: string;
}

/** Mulberry32: tiny seeded PRNG, good enough for synthetic data. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Varied sentences for each edition's own paragraph. */
const sentences = [
  'prices moved again at the low end of the model market.',
  'two providers announced new regions for their AI clouds.',
  'chip supply stayed the constraint most buyers mentioned.',
  'enterprise contracts, not consumer apps, drove the quarter.',
  'open-weight releases kept pressure on per-token prices.',
];

export async function generateArchive(contentDir: string, count: number, sampleDir = 'content'): Promise<void> {
  await mkdir(path.join(contentDir, 'editions'), { recursive: true });
  await cp(path.join(sampleDir, 'newsletter.yml'), path.join(contentDir, 'newsletter.yml'));
  await cp(path.join(sampleDir, 'metrics.yml'), path.join(contentDir, 'metrics.yml'));
  const registry = parse(await readFile(path.join(sampleDir, 'metrics.yml'), 'utf8')) as Record<string, RegistryEntry>;
  const samples = await Promise.all(
    (await readdir(path.join(sampleDir, 'editions')))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map(async (f) => matter(await readFile(path.join(sampleDir, 'editions', f), 'utf8'))),
  ).then((all) => all.filter((s) => !/\{\{\s*(projection|reaches)\b/.test(s.content)));
  // Prose that reads a projection ({{projection}}, {{reaches}}) needs the projections its brief wrote, which synthetic
  // day-by-day figures cannot carry, so those briefs' prose is not reused.
  const random = rng(520);
  // No edition reports more figures than the sample's fullest one, so emails stay the sample's size (under Gmail's clipping limit).
  const mostReported = Math.max(...samples.map((s) => Object.keys((s.data['metrics'] as Record<string, unknown> | undefined) ?? {}).length));
  // A derived metric is computed from its inputs, never written in a brief.
  const keys = Object.keys(registry).filter((k) => registry[k]!.derived === undefined);
  // Shares of one group must not add up to more than 100% (the numbers audit fails the build), so each stays under its fair part.
  const shareCap = 100 / Math.max(1, keys.filter((k) => registry[k]!.kind === 'share').length);
  const level = new Map(keys.map((k) => [k, registry[k]!.kind === 'share' ? 2 + random() * (shareCap - 4) : 10 + random() * 90]));
  const start = DateTime.fromISO('2016-01-04', { zone: 'utc' }); // a Monday

  const inputsOf = (key: string): string[] => {
    const formula = registry[key]?.derived;
    return formula === undefined ? [key] : [...formula.matchAll(/[a-z][a-z0-9_]*/g)].map((m) => m[0]).filter((k) => k in registry);
  };
  const writes: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const date = start.plus({ weeks: i }).toISODate()!;
    const sample = samples[i % samples.length]!;
    // The sample's prose quotes some metrics ({{value "key"}}); those must be reported.
    // A quoted derived metric is computed from its inputs, so those are what the brief reports.
    const quoted = new Set([...sample.content.matchAll(/\{\{[^}]*"([a-z0-9_]+)"/g)].flatMap((m) => inputsOf(m[1]!)));
    const metrics: string[] = [];
    for (const key of keys) {
      if ((random() < 0.6 || metrics.length >= mostReported) && !quoted.has(key)) continue; // an edition reports about a third of the registry (sized like the sample's emails)
      const def = registry[key]!;
      let v = level.get(key)! * (1 + (random() - 0.48) * 0.08);
      if (def.kind === 'share') v = Math.min(shareCap - 0.5, Math.max(0.5, v));
      level.set(key, v);
      const text = v.toFixed(def.decimals);
      metrics.push(`  ${key}: { value: ${text}, period: ${date}, source: Synthetic benchmark data }`);
    }
    const front = [
      '---',
      `title: ${JSON.stringify(`Week ${i + 1}: ${String(sample.data['title'])}`)}`,
      `preheader: ${JSON.stringify(String(sample.data['preheader'] ?? ''))}`,
      `summary: ${JSON.stringify(String(sample.data['summary'] ?? ''))}`,
      'metrics:',
      ...(metrics.length > 0 ? metrics : ['  {}']),
      '---',
    ].join('\n');
    const file = path.join(contentDir, 'editions', `${date}-week-${i + 1}.md`);
    // A paragraph of its own makes every body unique, as a real archive's are: no memo keyed on the text can hit across editions.
    const own = `Week ${i + 1} of the archive, dated ${date}: ${sentences[i % sentences.length]}`;
    writes.push(writeFile(file, `${front}\n${own}\n\n${sample.content}`));
  }
  await Promise.all(writes);
}
