/** The numbers audit, and the loader's problems, of a small content folder, as `briefwire check` prints them. */
import path from 'node:path';
import { auditContent } from '../../src/compute/audit.js';
import { loadContent } from '../../src/content/load.js';
import { formatProblem } from '../../src/problems.js';
import { makeContent } from './fixtures.js';

/** `file:line:col: severity[code]: message` for each finding, paths relative to the content folder; `briefs` maps file name to text. */
export async function auditFindings(briefs: Record<string, string>, metrics: string): Promise<string[]> {
  const dir = await makeContent(briefs, { metrics });
  const loaded = await loadContent(dir, { includeDrafts: true });
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  return auditContent(loaded.value).map((p) => `${path.relative(dir, p.file)}:${p.line}:${p.column}: ${p.severity}[${p.code}]: ${p.message}`);
}

/** What loading a small content folder rejects, as `file:line:col severity[code] message (hint)`; none when it loads. */
export async function loadingProblems(briefs: Record<string, string>, metrics: string): Promise<string[]> {
  const dir = await makeContent(briefs, { metrics });
  const loaded = await loadContent(dir);
  if (loaded.ok) return [];
  return loaded.problems.map((p) => `${path.relative(dir, p.file)}:${p.line}:${p.column} ${p.severity}[${p.code}] ${p.message}${p.hint ? ` (${p.hint})` : ''}`);
}
