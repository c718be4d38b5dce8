/**
 * The journal of an in-place commit into out/ (write-out.ts): what the
 * commit is about to move in and remove, written down before it starts, so
 * a build killed halfway is finished by whoever reads out/ next.
 *
 * Carrying a journal out removes files and a whole staging directory, so a
 * journal is parsed through a schema before anything is done: its paths must
 * lie inside out/, and its staging directory must be one a build makes
 * beside out/ (staging-dirs.ts). A journal that is not one is a problem
 * (BW_BUILD_JOURNAL_DAMAGED) and nothing is removed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { error, type Problem } from '../problems.js';
import { BuildJournalDamaged } from '../problem-catalogue.js';
import { parseOwner } from '../util/process-owner.js';
import { parseJsonWith } from '../util/parse-json.js';
import { besideOutDir } from './staging-dirs.js';

/** A path relative to out/ that stays inside it. */
const insideOut = z
  .string()
  .min(1)
  .refine((rel) => !path.isAbsolute(rel) && !rel.split(/[\\/]/).includes('..'), 'not a path inside the output directory');

const journalSchema = z.object({
  /** The staging directory the new files wait in. */
  tmp: z.string().min(1),
  /** Files to move from tmp into out/, by path. */
  moves: z.array(insideOut),
  /** Files of the previous build this one no longer makes. */
  deletes: z.array(insideOut),
  /** The build carrying it out: while it runs, nobody else may (absent in journals of earlier versions; one not written as an owner is none). */
  owner: z.unknown().optional().transform(parseOwner),
});

export type Journal = z.output<typeof journalSchema>;

/** Where an unfinished in-place commit of outDir is written down: beside it, like the staging directories. */
export function journalFile(outDir: string): string {
  return besideOutDir(outDir, 'journal.json').file;
}

/** Whether `tmp` is a staging directory of outDir: in out/'s parent, named as stagingDirs names them. */
function isStagingDir(outDir: string, tmp: string): boolean {
  const { parent, name } = besideOutDir(outDir, 'tmp-');
  const resolved = path.resolve(tmp);
  return path.dirname(resolved) === parent && path.basename(resolved).startsWith(name);
}

/** Why `text` is not a journal of outDir, or the journal. */
export function parseJournal(outDir: string, text: string): Journal | { damaged: string } {
  const parsed = parseJsonWith(journalSchema, text, 'the journal');
  if ('damaged' in parsed) return parsed;
  if (!isStagingDir(outDir, parsed.tmp)) return { damaged: `tmp: ${parsed.tmp} is not a staging directory of ${outDir}` };
  return parsed;
}

/**
 * The journal beside outDir, undefined when there is none; when there is one
 * that cannot be read or is not a journal, throws what `raise` makes of the
 * problem (the caller's error class, which its callers report).
 */
export function readJournal(outDir: string, raise: (problem: Problem) => Error): Journal | undefined {
  const file = journalFile(outDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw raise(error(file, BuildJournalDamaged, [`unreadable: ${(e as Error).message}`, path.basename(outDir)]));
  }
  const journal = parseJournal(outDir, text);
  if ('damaged' in journal) throw raise(error(file, BuildJournalDamaged, [journal.damaged, path.basename(outDir)]));
  return journal;
}
