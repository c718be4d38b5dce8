/**
 * The build's persistent, content-addressed cache in `.briefwire/cache/`
 * beside the output directory: results of pure steps stored under a SHA-256
 * of everything the step reads, so a build after a one-brief change redoes
 * only what that change reaches.
 *
 * It is an optimisation only. Every entry carries a checksum of its payload:
 * an entry that is missing, truncated, edited or unparseable is a miss, and a
 * cache that cannot be read or written is no cache. Every key includes the
 * code key (briefwire's own compiled modules, the libraries that shape the
 * output, Node and its ICU), so an upgrade starts afresh rather than trusting
 * entries an older version wrote.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOutRecord, type OutRecord } from './write-out.js';

export type CacheKind = 'email' | 'audit' | 'brief' | 'edition' | 'page' | 'card' | 'search';

export function sha256(...parts: readonly (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/**
 * An entry is its checksum (SHA-256 of its label and body, 64 hex digits),
 * a newline, then the body. The label is what the entry is stored under, so
 * an entry copied to another name does not pass either.
 */
export async function readChecked(file: string, label: string): Promise<string | undefined> {
  try {
    const bytes = await readFile(file);
    const body = bytes.subarray(65);
    if (bytes[64] !== 0x0a || bytes.toString('latin1', 0, 64) !== sha256(label, body)) return undefined;
    return body.toString('utf8');
  } catch {
    return undefined;
  }
}

/** Written whole then renamed: a reader (or a build killed mid-write) never sees half an entry under the name. */
export async function writeChecked(file: string, label: string, body: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${sha256(label, body)}\n${body}`);
    await rename(tmp, file);
  } catch {
    // A cache that cannot be written costs the next build time, nothing else.
  }
}

/**
 * One kind's entries as the last build left them: a file of lines, each
 * `key checksum json`, indexed on first use and parsed entry by entry on
 * lookup. One file per kind rather than one per entry: a 520-edition build
 * used to spend a tenth of its time creating, renaming and reading a
 * thousand small files.
 */
class Pack {
  private constructor(
    private readonly bytes: Buffer,
    private readonly lines: Map<string, { start: number; end: number }>,
  ) {}

  static empty(): Pack {
    return new Pack(Buffer.alloc(0), new Map());
  }

  static async read(file: string): Promise<Pack> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      return Pack.empty();
    }
    const lines = new Map<string, { start: number; end: number }>();
    for (let start = 0; start < bytes.length; ) {
      const nl = bytes.indexOf(0x0a, start);
      const end = nl < 0 ? bytes.length : nl;
      const space = bytes.indexOf(0x20, start);
      if (space > start && space < end) lines.set(bytes.toString('latin1', start, space), { start: space + 1, end });
      start = end + 1;
    }
    return new Pack(bytes, lines);
  }

  /** The entry (its JSON, and its checksum to carry over) when the checksum holds (label: `kind key`), else undefined. */
  take(label: string, key: string): { json: string; checksum: string } | undefined {
    const at = this.lines.get(key);
    if (!at || at.end - at.start < 66 || this.bytes[at.start + 64] !== 0x20) return undefined;
    const body = this.bytes.subarray(at.start + 65, at.end);
    const checksum = this.bytes.toString('latin1', at.start, at.start + 64);
    return checksum === sha256(label, body) ? { json: body.toString('utf8'), checksum } : undefined;
  }
}

/** Where versions before the packs kept one file per entry. */
const PER_ENTRY_DIRS = ['brief', 'audit', 'email', 'blob'];

/** `kind key`: what an entry's checksum covers besides its body, so an entry moved to another key or kind fails. */
const entryLabel = (kind: CacheKind, key: string) => `${kind} ${key}`;

/**
 * The next pack of one kind, written line by line as the build uses entries
 * (so a large archive's entries are not all held in memory) to a temporary
 * file that replaces the pack only when the build succeeds. Lines are
 * gathered into blocks and written synchronously: a write stream queued
 * them in memory while the build kept the thread busy (30 MB in flight at
 * 5,200 editions).
 */
class PackWriter {
  private static readonly BLOCK = 256 * 1024;
  private readonly tmp: string;
  private fd: number | undefined;
  private readonly seen = new Set<string>();
  private block: string[] = [];
  private blockLength = 0;
  private failed = false;

  constructor(readonly file: string) {
    this.tmp = `${file}.${process.pid}.tmp`;
  }

  add(key: string, checksum: string, json: string): void {
    if (this.seen.has(key) || this.failed) return;
    this.seen.add(key);
    const line = `${key} ${checksum} ${json}\n`;
    this.block.push(line);
    this.blockLength += line.length;
    if (this.blockLength >= PackWriter.BLOCK) this.flush();
  }

  private flush(): void {
    if (this.block.length === 0 || this.failed) return;
    try {
      this.fd ??= openSync(this.tmp, 'w');
      writeSync(this.fd, this.block.join(''));
    } catch {
      // A cache that cannot be written costs the next build time, nothing else.
      this.failed = true;
    }
    this.block = [];
    this.blockLength = 0;
  }

  async finish(commit: boolean): Promise<void> {
    if (commit) this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    await (commit && !this.failed && this.fd !== undefined ? rename(this.tmp, this.file) : rm(this.tmp, { force: true })).catch(() => undefined);
  }
}

export class BuildCache {
  private readonly packs = new Map<CacheKind, Promise<Pack>>();
  private readonly writers = new Map<CacheKind, PackWriter>();
  private dirReady: boolean | undefined;
  hits = 0;
  misses = 0;

  constructor(
    readonly dir: string,
    /** Folded into every key (see codeKey). */
    readonly codeKey: string,
  ) {}

  key(...parts: readonly string[]): string {
    return sha256(this.codeKey, ...parts);
  }

  private packFile(kind: CacheKind): string {
    return path.join(this.dir, `${kind}.pack`);
  }

  private outRecordFile(key: string): string {
    return path.join(this.dir, 'out', `${key}.json`);
  }

  /** Passes the entry on to the next pack (see PackWriter). */
  private keep(kind: CacheKind, key: string, json: string, checksum = sha256(entryLabel(kind, key), json)): void {
    if (this.dirReady === undefined) {
      try {
        mkdirSync(this.dir, { recursive: true });
        this.dirReady = true;
      } catch {
        this.dirReady = false;
      }
    }
    if (!this.dirReady) return;
    let writer = this.writers.get(kind);
    if (!writer) this.writers.set(kind, (writer = new PackWriter(this.packFile(kind))));
    writer.add(key, checksum, json);
  }

  /** The payload stored under `key`, or undefined when absent or damaged in any way. */
  async get<T>(kind: CacheKind, key: string): Promise<T | undefined> {
    let pack = this.packs.get(kind);
    if (!pack) this.packs.set(kind, (pack = Pack.read(this.packFile(kind))));
    const entry = (await pack).take(entryLabel(kind, key), key);
    try {
      if (entry === undefined) throw new Error('absent or damaged');
      const value = JSON.parse(entry.json) as T;
      this.keep(kind, key, entry.json, entry.checksum);
      this.hits++;
      return value;
    } catch {
      this.misses++;
      return undefined;
    }
  }

  set(kind: CacheKind, key: string, value: unknown): void {
    this.keep(kind, key, JSON.stringify(value));
  }

  /**
   * Ends the build's use of the cache: with `commit`, each kind's pack is
   * replaced by the entries this build used, and only those (so the cache
   * holds about one build); without, the packs stay as they were.
   */
  async close(commit: boolean): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.finish(commit)));
    this.writers.clear();
    // Earlier versions kept a file per entry in these; their code key never matches again, so they would only take space.
    if (commit) await Promise.all(PER_ENTRY_DIRS.map((d) => rm(path.join(this.dir, d), { recursive: true, force: true }).catch(() => undefined)));
  }

  /** What the last cached build wrote into outDir (write-out.ts), so its unchanged files can be reused; {} when unknown. */
  async outRecord(outDir: string): Promise<OutRecord> {
    const key = this.key('out', path.resolve(outDir));
    return parseOutRecord(await readChecked(this.outRecordFile(key), `out ${key}`));
  }

  async setOutRecord(outDir: string, record: OutRecord): Promise<void> {
    const key = this.key('out', path.resolve(outDir));
    await writeChecked(this.outRecordFile(key), `out ${key}`, JSON.stringify(record));
  }
}

/** Libraries whose output ends up in out/: a new version may render differently. */
const OUTPUT_LIBRARIES = ['handlebars', 'mjml', 'markdown-it', 'html-to-text', 'luxon', 'big.js', 'yaml', 'gray-matter', 'zod', 'feed', 'satori', '@resvg/resvg-js', '@fontsource/inter', 'pagefind'];

function filesUnder(dir: string): string[] {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.(js|ts|json)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** A library's version: from its package.json, found beside its entry point when its exports hide it (pagefind); 'unknown' if neither. */
function packageVersion(require: NodeJS.Require, lib: string): string {
  try {
    return (require(`${lib}/package.json`) as { version: string }).version;
  } catch {
    // Exports that hide package.json: walk up from the entry point to the package's own.
  }
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve(lib));
  } catch {
    // Not resolvable from here: the code hash still holds.
    return 'unknown';
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === lib) return pkg.version ?? 'unknown';
    } catch {
      // No package.json at this level: one up.
    }
  }
  return 'unknown';
}

let codeKeyMemo: Promise<string> | undefined;

/**
 * A hash of the code that turns inputs into output: every module of
 * briefwire as it runs (the compiled dist/, or src/ under the tests), the
 * versions of the libraries in OUTPUT_LIBRARIES, Node's version and its ICU
 * (dates and numbers are formatted through Intl).
 */
export function codeKey(): Promise<string> {
  return (codeKeyMemo ??= (async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const h = createHash('sha256');
    // Read synchronously: a few hundred small files, which one at a time through the thread pool took longer than hashing them.
    for (const file of filesUnder(root)) h.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
    const require = createRequire(import.meta.url);
    for (const lib of OUTPUT_LIBRARIES) {
      const version = packageVersion(require, lib);
      h.update(`${lib}@${version}\0`);
    }
    h.update(`node ${process.version} icu ${process.versions.icu ?? '-'} tz ${process.versions.tz ?? '-'}`);
    return h.digest('hex');
  })());
}

export async function openBuildCache(dir: string): Promise<BuildCache> {
  return new BuildCache(dir, await codeKey());
}
