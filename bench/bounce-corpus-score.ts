/**
 * Scores the bounce classifier against sisimai's public corpus and its
 * expectations (test/fixtures/bounces/): used by the corpus test, which
 * asserts the figures, and by `npm run bench bounces`, which prints them
 * with every file decided differently.
 *
 * Each expectation row is one recipient; row i is compared with the i-th
 * recipient we find. Figures:
 *   hard       rows sisimai calls a hard bounce that we decide "hard"
 *   complaints feedback rows that are complaints (not DMARC/auth-failure
 *              reports) that we decide "complaint"
 *   soft       failure rows sisimai does not call hard that we keep out of "hard"
 *   recipients rows for which we find a recipient, an address written in the message
 *   crashes    messages on which the classifier threw
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { classifyBounce, type BounceClassification } from '../src/deliver/audience/bounce-classify/classify-bounce.js';

export interface ExpectedRow {
  index: number;
  status: string;
  replyCode: string;
  reason: string;
  hardBounce: boolean;
  feedbackType: string;
}

export interface Expectations {
  files: Record<string, ExpectedRow[]>;
}

export interface Figure {
  total: number;
  met: number;
}

export interface Miss {
  file: string;
  index: number;
  figure: 'hard' | 'complaints' | 'soft' | 'recipients';
  expected: string;
  got: string;
}

export interface CorpusScore {
  files: number;
  hard: Figure;
  complaints: Figure;
  soft: Figure;
  recipients: Figure;
  crashes: string[];
  misses: Miss[];
  /** Agreement on the reason itself, for information (the verdict is what acts). */
  sameReason: Figure;
}

// From the repository's root, where tests and benchmarks run (the benchmark runs compiled, from dist-bench/).
export const CORPUS_DIR = path.resolve('test/fixtures/bounces/sisimai');
export const EXPECTATIONS_FILE = path.resolve('test/fixtures/bounces/sisimai-expectations.json');

const NOT_A_FAILURE = new Set(['feedback', 'delivered', 'vacation']);
const NOT_A_COMPLAINT = new Set(['auth-failure', 'dmarc', 'not-spam']);

export function percent(f: Figure): number {
  return f.total === 0 ? 100 : (100 * f.met) / f.total;
}

function scoreRow(file: string, row: ExpectedRow, got: BounceClassification, raw: string, s: CorpusScore): void {
  const ours = got.recipients[row.index - 1];
  // A report that names nobody (a complaint that does not say who complained) still has the message's verdict.
  const verdict = ours?.verdict ?? (got.recipients.length === 0 ? got.verdict : undefined);
  const tally = (figure: Miss['figure'], f: Figure, met: boolean, expected: string): void => {
    f.total++;
    if (met) f.met++;
    else s.misses.push({ file, index: row.index, figure, expected, got: ours ? `${ours.verdict}/${ours.reason} ${ours.address}` : `no recipient (${got.verdict}/${got.reason}: ${got.diagnostic})` });
  };
  tally('recipients', s.recipients, ours !== undefined && raw.includes(ours.address), `a recipient #${row.index}`);
  if (ours) {
    s.sameReason.total++;
    if (ours.reason === row.reason || (ours.reason === 'delayed' && row.reason === 'expired')) s.sameReason.met++;
  }
  if (row.hardBounce) tally('hard', s.hard, verdict === 'hard', `hard (${row.reason} ${row.status})`);
  else if (row.reason === 'feedback' && !NOT_A_COMPLAINT.has(row.feedbackType)) tally('complaints', s.complaints, verdict === 'complaint', `complaint (${row.feedbackType})`);
  else if (!NOT_A_FAILURE.has(row.reason)) tally('soft', s.soft, verdict !== 'hard', `not hard (${row.reason} ${row.status})`);
}

export async function scoreCorpus(dir = CORPUS_DIR, expectationsFile = EXPECTATIONS_FILE): Promise<CorpusScore> {
  const expectations = JSON.parse(await readFile(expectationsFile, 'utf8')) as Expectations;
  const figure = (): Figure => ({ total: 0, met: 0 });
  const s: CorpusScore = { files: 0, hard: figure(), complaints: figure(), soft: figure(), recipients: figure(), sameReason: figure(), crashes: [], misses: [] };
  for (const [file, rows] of Object.entries(expectations.files).sort(([a], [b]) => a.localeCompare(b))) {
    const raw = await readFile(path.join(dir, file));
    s.files++;
    let got: BounceClassification;
    try {
      got = await classifyBounce(raw);
    } catch (e) {
      s.crashes.push(`${file}: ${(e as Error).message}`);
      continue;
    }
    const text = raw.toString('latin1').toLowerCase();
    for (const row of rows) scoreRow(file, row, got, text, s);
  }
  return s;
}
