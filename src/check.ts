/**
 * What `briefwire check` runs: load every brief (drafts too) and audit the
 * numbers. Reads content, writes nothing; the problems are values.
 */
import { loadContent } from './content/load.js';
import { auditContent } from './compute/audit.js';
import { hasErrors, sortProblems, type Problem } from './problems.js';

export interface CheckReport {
  ok: boolean;
  problems: Problem[];
  briefs: number;
}

export async function checkContent(contentDir: string): Promise<CheckReport> {
  const loaded = await loadContent(contentDir, { includeDrafts: true });
  if (!loaded.ok) return { ok: false, problems: loaded.problems, briefs: 0 };
  const problems = sortProblems([...loaded.warnings, ...auditContent(loaded.value)]);
  return { ok: !hasErrors(problems), problems, briefs: loaded.value.briefs.length };
}
