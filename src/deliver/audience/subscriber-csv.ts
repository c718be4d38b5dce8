/**
 * The subscriber list: a CSV with an `email` column and an optional `name`.
 * Read as a stream (csv-parse) so a 100k-row list never sits in memory; only
 * the lowercased addresses seen so far are kept, because catching duplicates
 * needs them. Bad rows are problems with file:line, not exceptions: one typo
 * must not stop the other readers' copies.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { error, warning, type Problem } from '../../problems.js';
import { IoFailed, SubscriberDuplicate, SubscriberSkipped, SubscribersCsvInvalid, SubscribersEmpty, SubscribersNoEmailColumn, SubscribersNotFound } from '../../problem-catalogue.js';
import { addressKey, addressProblem } from './address.js';

export interface Recipient {
  /** The address as written (trimmed); used on the envelope and in To. */
  address: string;
  /** Lowercased address: the reader's identity in the ledger and suppression list. */
  key: string;
  name?: string;
  /** 1-based line in the CSV, for messages. */
  line: number;
}

export type SubscriberItem = { kind: 'recipient'; recipient: Recipient } | { kind: 'problem'; problem: Problem };

/**
 * Yields each usable recipient once, in file order, and a problem for every
 * row that is skipped (invalid address, duplicate) as warnings. A file that
 * cannot be read or parsed yields an error problem and stops.
 */
export async function* readSubscribers(file: string): AsyncGenerator<SubscriberItem> {
  const seen = new Set<string>();
  let header: string[] | undefined;
  const input = createReadStream(file);
  const parser = input.pipe(
    parse({
      bom: true,
      // Header names are matched case-insensitively so "Email" from a spreadsheet export works.
      columns: (names: string[]) => (header = names.map((n) => String(n).trim().toLowerCase())),
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }),
  );
  // pipe() does not forward errors: without this a missing file would leave the parser waiting forever.
  input.once('error', (e) => parser.destroy(e));
  try {
    let checkedHeader = false;
    for await (const item of parser as AsyncIterable<{ record: Record<string, string | undefined>; info: { lines: number } }>) {
      if (!checkedHeader) {
        checkedHeader = true;
        if (!header?.includes('email')) {
          yield { kind: 'problem', problem: error(file, SubscribersNoEmailColumn, [(header ?? []).join(', ') || 'nothing'], { line: 1 }) };
          return;
        }
      }
      const line = item.info.lines;
      const address = (item.record['email'] ?? '').trim();
      const why = addressProblem(address);
      if (why) {
        yield { kind: 'problem', problem: warning(file, SubscriberSkipped, [why, address], { line }) };
        continue;
      }
      const key = addressKey(address);
      if (seen.has(key)) {
        yield { kind: 'problem', problem: warning(file, SubscriberDuplicate, [address], { line }) };
        continue;
      }
      seen.add(key);
      const name = (item.record['name'] ?? '').trim();
      yield { kind: 'recipient', recipient: name ? { address, key, name, line } : { address, key, line } };
    }
    if (!checkedHeader && header === undefined) {
      yield { kind: 'problem', problem: error(file, SubscribersEmpty) };
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { lines?: number };
    if (err.code === 'ENOENT') {
      yield { kind: 'problem', problem: error(file, SubscribersNotFound) };
    } else if (typeof err.lines === 'number') {
      yield { kind: 'problem', problem: error(file, SubscribersCsvInvalid, [err.message], { line: err.lines }) };
    } else {
      yield { kind: 'problem', problem: error(file, IoFailed, [err.message ?? String(e)]) };
    }
  } finally {
    parser.destroy();
    input.destroy();
  }
}

export interface SubscriberScan {
  /** Usable recipients after dropping invalid rows and duplicates. */
  count: number;
  /** First few recipients, for --dry-run. */
  first: Recipient[];
  problems: Problem[];
}

/** One streaming pass to count and validate before anything is sent. */
export async function scanSubscribers(source: string | AsyncIterable<SubscriberItem>, keepFirst = 5): Promise<SubscriberScan> {
  const scan: SubscriberScan = { count: 0, first: [], problems: [] };
  for await (const item of typeof source === 'string' ? readSubscribers(source) : source) {
    if (item.kind === 'problem') scan.problems.push(item.problem);
    else {
      scan.count++;
      if (scan.first.length < keepFirst) scan.first.push(item.recipient);
    }
  }
  return scan;
}
