/**
 * What the content files say together, once each has been parsed on its own.
 * `loadContent` runs this on a fresh read and the preview on its cached
 * parses, so the two report the same problems for the same files.
 */
import type { Brief } from '../model.js';
import { error, type Problem } from '../problems.js';
import { BriefDateDuplicate, EditionsEmpty } from '../problem-catalogue.js';

export interface ParsedContent {
  /** The content's editions/ folder (where a missing brief is reported). */
  editionsDir: string;
  /** How many brief files editions/ holds, whether or not they parsed. */
  briefFiles: number;
  /** The briefs that parsed, drafts included, in any order. */
  briefs: readonly Brief[];
  /** Problems of the files on their own (and of listing editions/). */
  fileProblems: readonly Problem[];
}

/**
 * The briefs sorted oldest first, and the problems that span files: one brief
 * per date (drafts count, so a draft cannot shadow an edition), and at least
 * one brief when nothing else is wrong.
 */
export function checkAcrossFiles(parsed: ParsedContent): { briefs: Brief[]; problems: Problem[] } {
  const briefs = [...parsed.briefs].sort((a, b) => a.date.localeCompare(b.date) || a.file.localeCompare(b.file));
  const problems: Problem[] = [];
  for (let i = 1; i < briefs.length; i++) {
    const prev = briefs[i - 1]!;
    const cur = briefs[i]!;
    if (prev.date === cur.date) problems.push(error(cur.file, BriefDateDuplicate, [cur.date, prev.file, cur.file]));
  }
  if (parsed.briefFiles === 0 && parsed.fileProblems.length === 0) problems.push(error(parsed.editionsDir, EditionsEmpty));
  return { briefs, problems };
}
