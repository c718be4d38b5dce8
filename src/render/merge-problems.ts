import type { Edition } from '../model.js';
import type { Problem } from '../problems.js';

/**
 * A mistake in a template breaks every edition the same way: report it once,
 * saying which editions, instead of 520 identical lines. Problems in a brief
 * (its own file) are already specific and pass through unchanged.
 */
export function mergeTemplateProblems(editions: readonly Pick<Edition, 'file' | 'date'>[], perEdition: readonly Problem[][]): Problem[] {
  const merged = new Map<string, { problem: Problem; dates: string[] }>();
  const out: Problem[] = [];
  perEdition.forEach((problems, i) => {
    const edition = editions[i]!;
    for (const p of problems) {
      if (p.file === edition.file) {
        out.push(p);
        continue;
      }
      const key = JSON.stringify([p.code, p.file, p.line, p.column, p.severity, p.message]);
      const seen = merged.get(key);
      if (seen) seen.dates.push(edition.date);
      else merged.set(key, { problem: p, dates: [edition.date] });
    }
  });
  for (const { problem, dates } of merged.values()) {
    const where = dates.length === 1 ? `edition ${dates[0]}` : `${dates.length} editions: ${dates.slice(0, 3).join(', ')}${dates.length > 3 ? ', …' : ''}`;
    out.push({ ...problem, message: `${problem.message} (${where})` });
  }
  return out;
}
