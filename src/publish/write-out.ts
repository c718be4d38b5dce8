/**
 * Writes a build's files so that a failed build leaves the previous `out/`
 * exactly as it was: every new file goes first to a sibling staging
 * directory, and out/ changes only at commit, once the whole build
 * succeeded.
 *
 * Files can be written as they are produced (the build streams each edition
 * to disk as soon as it is rendered, so memory does not grow with the
 * archive).
 *
 * Given a record of what the previous build wrote (OutRecord), a file whose
 * bytes are the same as last time is not written again, provided it is
 * still the file that build wrote (same inode, size and modification time:
 * edited or replaced since, it is written afresh). Two ways to commit:
 *  - whole (no record, or out/ is not the tree the record describes): the
 *    staging directory holds the complete new tree, unchanged files
 *    hard-linked from out/, and replaces out/ by rename;
 *  - in place (out/ is the recorded tree): only changed files are staged;
 *    commit writes a journal of the moves and removals, then carries it out.
 *    A build killed mid-commit is finished from the journal by the next
 *    build or send (settleOutDir) before either reads out/.
 * A build killed before it commits leaves only its staging directories,
 * which the next build removes (staging-dirs.ts).
 */
import { linkSync, lstatSync, mkdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isThisProcess, judgeOwner, thisProcess } from '../util/process-owner.js';
import { error, type Problem } from '../problems.js';
import { OutDirBusy, OutDirReplaced } from '../problem-catalogue.js';
import { contentHash, type WrittenIdentity } from './file-write.js';
import { openFileWriter, type FileWriter } from './file-writer.js';
import { removeLeftStagingDirs, stagingDirs } from './staging-dirs.js';
import { journalFile, readJournal, type Journal } from './journal.js';

interface WrittenFile {
  sha256: string;
  ino: number;
  size: number;
  mtimeMs: number;
}

/**
 * A file whose bytes are known by hash before they are read: when the
 * previous out/ holds those bytes the file is linked and `load` never runs.
 */
export interface DeferredFile {
  sha256: string;
  load: () => Promise<string | Uint8Array>;
  /** The bytes `load` gives are known to hash to sha256 (they were hashed in this build): not hashed again. */
  verified?: boolean;
}

export function isDeferred(data: string | Uint8Array | DeferredFile): data is DeferredFile {
  return typeof data === 'object' && 'load' in data;
}

/** Each file of a built out/, by path: its content hash and the identity it had when written. */
export type OutRecord = Record<string, WrittenFile>;

const isWritten = (w: unknown): w is WrittenFile => {
  const f = w as WrittenFile | undefined;
  return typeof f?.sha256 === 'string' && typeof f.ino === 'number' && typeof f.size === 'number' && typeof f.mtimeMs === 'number';
};

/** A record read back from storage, checked field by field (anything odd: no reuse). */
export function parseOutRecord(text: string | undefined): OutRecord {
  try {
    const value = JSON.parse(text ?? 'null') as unknown;
    return value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).filter(([, w]) => isWritten(w))) : {};
  } catch {
    return {};
  }
}

/** Whether `file` is still the file a build wrote: same inode, size and modification time. */
function sameFile(file: string, w: WrittenFile): boolean {
  try {
    const s = lstatSync(file);
    return s.isFile() && s.ino === w.ino && s.size === w.size && s.mtimeMs === w.mtimeMs;
  } catch {
    return false;
  }
}

/** out/ cannot be read or updated now: another build is updating it, or replaced it while this one ran. */
export class OutDirConflict extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.file}: ${problem.message}`);
  }
}

/** How long a build or send waits for another build's commit into out/ (a whole archive's files moved: seconds). */
const SETTLE_WAIT_MS = 60_000;

export class StagedOutDir {
  private readonly dirs = new Set<string>();
  private count = 0;
  /** Files hard-linked from the previous out/ (or, in place, left there) rather than written. */
  reused = 0;
  /** What this build wrote, when asked to keep a record (see begin). */
  readonly record: OutRecord = {};
  /** In place: the files written to the staging directory, to be moved into out/ at commit. */
  private readonly moves: string[] = [];
  /**
   * Staged whole, a build writes every file: on a thread of their own
   * (file-writer.ts). In place, the few changed ones inline. Opened at the
   * first write, so a build that fails before it writes starts no thread.
   */
  private writer: FileWriter | undefined;

  private constructor(
    readonly outDir: string,
    readonly tmp: string,
    private readonly old: string,
    private readonly previous: OutRecord | undefined,
    /** In place: the file of out/ that showed it was the recorded tree, as recorded; checked again at commit. */
    private readonly witness: { file: string; recorded: WrittenFile } | undefined,
  ) {}

  /** Update out/ file by file (see begin) rather than swap in a whole new tree. */
  get inPlace(): boolean {
    return this.witness !== undefined;
  }

  /**
   * `previous`: the record of the out/ being replaced, or undefined to
   * neither reuse files nor keep a record. When out/ is still the tree that
   * record describes (its `witness`, a file every build writes, is the one
   * recorded), the build updates it in place: only files whose bytes changed
   * are staged, and commit moves them in, so a rebuild after a one-brief edit
   * does not re-create a thousand directories and link two thousand files.
   * Otherwise (no record, or out/ rebuilt or replaced since) everything is
   * staged and the new tree replaces out/ whole.
   */
  static async begin(outDir: string, previous?: OutRecord, witness?: string): Promise<StagedOutDir> {
    await settleOutDir(outDir);
    // Settled first: a staging directory a journal still names is carried out, not removed.
    await removeLeftStagingDirs(outDir);
    const recorded = witness === undefined ? undefined : previous?.[witness];
    const file = witness === undefined ? '' : path.join(outDir, witness);
    const inPlace = recorded !== undefined && sameFile(file, recorded) ? { file, recorded } : undefined;
    const dirs = stagingDirs(outDir);
    const staged = new StagedOutDir(outDir, dirs.tmp, dirs.old, previous, inPlace);
    await mkdir(staged.tmp, { recursive: true });
    return staged;
  }

  /** Files written so far. */
  get files(): number {
    return this.count;
  }

  /**
   * Resolves to the SHA-256 of the file's bytes when keeping a record (see
   * begin), once the file is written. Hashed where it is written, unless
   * the hash is known already.
   */
  async write(rel: string, data: string | Uint8Array | DeferredFile): Promise<string | undefined> {
    this.count++;
    const file = path.join(this.tmp, rel);
    if (!this.previous) {
      await this.writeFile(file, isDeferred(data) ? await data.load() : data, false);
      return undefined;
    }
    const before = this.previous[rel];
    // Only a file the previous build also wrote may be kept; for it, the hash decides.
    const expected = before === undefined ? undefined : isDeferred(data) ? data.sha256 : contentHash(data);
    if (before !== undefined && before.sha256 === expected && this.keepUnchanged(rel, before)) {
      this.record[rel] = before;
      this.reused++;
      return expected;
    }
    const bytes = isDeferred(data) ? await data.load() : data;
    // The record holds the hash of what was written, whatever was expected.
    const known = isDeferred(data) ? (data.verified ? data.sha256 : undefined) : expected;
    const written = await this.writeFile(file, bytes, known === undefined);
    const sha256 = known ?? written.sha256!;
    this.record[rel] = { sha256, ino: written.ino, size: written.size, mtimeMs: written.mtimeMs };
    if (this.inPlace) this.moves.push(rel);
    return sha256;
  }

  /**
   * A file this build has written (its write resolved) or kept, by its path
   * in out/: from the staging directory, or from out/ itself for a file an
   * in-place build left there unchanged.
   */
  async read(rel: string): Promise<string> {
    try {
      return await readFile(path.join(this.tmp, rel), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !this.inPlace || !(rel in this.record)) throw e;
      return readFile(path.join(this.outDir, rel), 'utf8');
    }
  }

  private writeFile(file: string, data: string | Uint8Array, hash: boolean): Promise<WrittenIdentity> {
    return (this.writer ??= openFileWriter(!this.inPlace)).write(file, data, hash);
  }

  /** The file's path in the staging directory, its directory made (for a link; the writer makes its own). */
  private stagedPath(rel: string): string {
    const file = path.join(this.tmp, rel);
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    return file;
  }

  /**
   * Whether the previous build's file is still the one that build wrote
   * (same inode, size and modification time: edited or replaced since, it is
   * written afresh); staged whole, it is linked into the new tree.
   */
  private keepUnchanged(rel: string, before: WrittenFile): boolean {
    const source = path.join(this.outDir, rel);
    if (!sameFile(source, before)) return false;
    if (this.inPlace) return true;
    try {
      linkSync(source, this.stagedPath(rel));
      return true;
    } catch {
      return false;
    }
  }

  async abort(): Promise<void> {
    // Stopped first: no write may land in the staging directory once it is removed.
    await this.writer?.abort();
    await rm(this.tmp, { recursive: true, force: true });
  }

  /**
   * Staged whole: swaps the new tree in for out/. In place: writes down
   * what it is about to do (the journal), then moves the new files in and
   * removes those the build no longer makes. A build killed before the
   * journal leaves out/ as it was; one killed after it is finished by the
   * next build or send before either reads out/ (settleOutDir).
   */
  async commit(): Promise<void> {
    await this.writer?.close();
    if (!this.witness) return this.swap();
    // Another build at once: its commit finishes first, and if it replaced out/, this build's changes no longer apply.
    try {
      await settleOutDir(this.outDir);
      if (!sameFile(this.witness.file, this.witness.recorded)) throw new OutDirConflict(error(this.outDir, OutDirReplaced));
    } catch (e) {
      await this.abort();
      throw e;
    }
    const deletes = Object.keys(this.previous!).filter((rel) => !(rel in this.record));
    const journal: Journal = { tmp: this.tmp, moves: this.moves, deletes, owner: thisProcess() };
    const file = journalFile(this.outDir);
    writeFileSync(`${file}.tmp`, JSON.stringify(journal));
    renameSync(`${file}.tmp`, file);
    applyJournal(this.outDir, journal);
    await rm(this.tmp, { recursive: true, force: true });
    rmSync(file, { force: true });
  }

  private async swap(): Promise<void> {
    let hadOld = true;
    try {
      await rename(this.outDir, this.old);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        await this.abort();
        throw e;
      }
      hadOld = false;
    }
    try {
      await rename(this.tmp, this.outDir);
    } catch (e) {
      // Put the previous build back rather than leave no out/ at all.
      if (hadOld) await rename(this.old, this.outDir);
      await this.abort();
      throw e;
    }
    if (hadOld) await rm(this.old, { recursive: true, force: true });
  }
}

/**
 * Carries out a journal; a step done already (by a commit that was killed)
 * is skipped, so it can run again. Removals first, so a path that was a
 * file and is now a directory (or the reverse) is free when the move comes.
 */
function applyJournal(outDir: string, journal: Journal): void {
  for (const rel of journal.deletes) {
    rmSync(path.join(outDir, rel), { force: true });
    // Directories the build no longer writes into go with their last file.
    for (let dir = path.dirname(rel); dir !== '.'; dir = path.dirname(dir)) {
      try {
        rmdirSync(path.join(outDir, dir));
      } catch {
        break;
      }
    }
  }
  const made = new Set<string>();
  for (const rel of journal.moves) {
    const target = path.join(outDir, rel);
    const dir = path.dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    try {
      renameSync(path.join(journal.tmp, rel), target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/**
 * Finishes an in-place commit a killed build left half done, so that out/ is
 * the build the journal describes; nothing to do when there is no journal.
 * The build runs it before it begins and `send` before it reads out/. A
 * journal whose build is still running is that build's to carry out: this
 * waits for it (up to `waitMs`) rather than move its files from under it.
 */
export async function settleOutDir(outDir: string, waitMs = SETTLE_WAIT_MS): Promise<void> {
  const file = journalFile(outDir);
  const started = Date.now();
  for (;;) {
    // A damaged journal is reported (BW_BUILD_JOURNAL_DAMAGED) and nothing is removed.
    const journal = readJournal(outDir, (problem) => new OutDirConflict(problem));
    if (!journal) return;
    const owner = journal.owner;
    if (!owner || isThisProcess(owner) || judgeOwner(owner).kind === 'gone') {
      applyJournal(outDir, journal);
      await rm(journal.tmp, { recursive: true, force: true });
      rmSync(file, { force: true });
      return;
    }
    if (Date.now() - started >= waitMs) {
      throw new OutDirConflict(error(outDir, OutDirBusy, [`the build of process ${owner.pid} on ${owner.host}`, Math.round(waitMs / 1000)]));
    }
    await delay(25);
  }
}
