/**
 * Append-only JSON-lines files (the send ledger, the suppression list, the
 * subscriber store, the bounce and complaint log).
 * Shared rules: a line is a record only once its newline is on disk, so a
 * last line without one (the process died mid-write) is ignored, never
 * half-trusted; a line that does not parse elsewhere is reported and skipped.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { warning, type Problem } from '../problems.js';
import { JsonLineSkipped } from '../problem-catalogue.js';

/**
 * Reads complete lines from byte `from` on. Streams, so a big file is not held
 * in memory. Returns the offset just after the last complete line (where a torn
 * tail, if any, begins).
 */
export async function readJsonLines(
  file: string,
  onRecord: (value: unknown, line: number) => void,
  problems: Problem[],
  from = 0,
  firstLine = 1,
): Promise<{ end: number; lines: number; tornTail: boolean }> {
  let end = from;
  let line = firstLine - 1;
  let rest = '';
  let tornTail = false;
  const stream = createReadStream(file, { start: from, encoding: 'utf8' });
  for await (const chunk of stream as AsyncIterable<string>) {
    rest += chunk;
    let nl: number;
    while ((nl = rest.indexOf('\n')) !== -1) {
      const text = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      end += Buffer.byteLength(text, 'utf8') + 1;
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        // A torn line followed by later appends (a writer that did not repair it) lands here.
        problems.push(warning(file, JsonLineSkipped, [], { line }));
        continue;
      }
      onRecord(value, line);
    }
  }
  if (rest.length > 0) tornTail = true;
  return { end, lines: line, tornTail };
}

/** fsync a directory so a file just created in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Some platforms/filesystems cannot fsync a directory; the file data itself is still synced.
  } finally {
    await fh?.close();
  }
}

/**
 * mkdir -p that also makes the new directories' entries durable: a file synced
 * into a directory that was created just before is lost with it on power loss
 * unless the directory's parent is synced too. Syncs the parent of every
 * directory it created, nothing when they all existed.
 */
export async function mkdirDurable(dir: string, sync: (dir: string) => Promise<void> = syncDir): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  const top = path.resolve(first);
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    await sync(path.dirname(d));
    if (d === top || path.dirname(d) === d) break;
  }
}

/**
 * Writes all of `data` at the handle's position (the end, for a file opened to append).
 * A write may take fewer bytes than offered without an error (a nearly full disk, a
 * signal): the rest is written by further calls. A call that takes nothing fails, since
 * a caller that went on would trust a record that is not on disk.
 */
export async function writeAll(fh: FileHandle, data: string): Promise<void> {
  const buffer = Buffer.from(data, 'utf8');
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await fh.write(buffer, offset, buffer.length - offset);
    if (bytesWritten <= 0) throw new Error(`wrote ${offset} of ${buffer.length} bytes; the disk may be full`);
    offset += bytesWritten;
  }
}

// Appends from one process are serialised per file so two lines never interleave.
const appendChains = new Map<string, Promise<unknown>>();

/**
 * Appends records to `<dir>/<name>` durably: written and fsync'd before the
 * promise resolves, the directory made durable first, and a new file's entry
 * synced too (a crash must not lose the whole file). A torn last line left by
 * a writer that died is closed off first so the new record stays readable.
 */
export function appendJsonLines(file: string, records: readonly unknown[]): Promise<void> {
  const previous = appendChains.get(file) ?? Promise.resolve();
  const run = previous.then(() => appendNow(file, records));
  const settled = run.catch(() => undefined);
  appendChains.set(file, settled);
  void settled.then(() => {
    if (appendChains.get(file) === settled) appendChains.delete(file);
  });
  return run;
}

async function appendNow(file: string, records: readonly unknown[]): Promise<void> {
  if (records.length === 0) return;
  const dir = path.dirname(file);
  await mkdirDurable(dir);
  const fh = await open(file, 'a+');
  let created = false;
  try {
    const { size } = await fh.stat();
    created = size === 0;
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await writeAll(fh, prefix + records.map((r) => JSON.stringify(r) + '\n').join(''));
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (created) await syncDir(dir);
}
