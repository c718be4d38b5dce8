/**
 * Writing one file of a build and reading back what the out/ record keeps of
 * it: the same code whether the build's own thread runs it or the writer
 * thread does (file-writer.ts).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What the out/ record keeps of a written file: its identity, and its hash when asked for. */
export interface WrittenIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
  /** SHA-256 of the bytes, when the job asked for it (`hash`). */
  sha256?: string;
}

export interface WriteJob {
  id: number;
  /** Absolute path; its directory is made if need be. */
  file: string;
  data: string | Uint8Array;
  /** Hash the bytes too (the caller does not know their hash yet). */
  hash: boolean;
}

export type WriteReply = { id: number; written: WrittenIdentity } | { id: number; error: { message: string; code?: string } };

/** The SHA-256 of a file's bytes, as the out/ record holds it. */
export function contentHash(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Writes the job's file; `dirs` remembers the directories already made by this writer. */
export function writeOneFile(job: Omit<WriteJob, 'id'>, dirs: Set<string>): WrittenIdentity {
  const dir = path.dirname(job.file);
  if (!dirs.has(dir)) {
    mkdirSync(dir, { recursive: true });
    dirs.add(dir);
  }
  const fd = openSync(job.file, 'w');
  try {
    writeFileSync(fd, job.data);
    // A rename keeps inode, size and modification time: the record holds after the move into out/.
    const s = fstatSync(fd);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, ...(job.hash ? { sha256: contentHash(job.data) } : {}) };
  } finally {
    closeSync(fd);
  }
}
