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
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentHash, parseOutRecord, type OutRecord } from './write-out.js';

export type CacheKind = 'email' | 'audit' | 'brief' | 'out' | 'blob';

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

export class BuildCache {
  private readonly used = new Map<CacheKind, Set<string>>();
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

  private file(kind: CacheKind, key: string): string {
    return path.join(this.dir, kind, `${key}.json`);
  }

  /** Marks an entry as used by this build (kept by prune) without reading it. */
  use(kind: CacheKind, key: string): void {
    let set = this.used.get(kind);
    if (!set) this.used.set(kind, (set = new Set()));
    set.add(key);
  }

  /** The payload stored under `key`, or undefined when absent or damaged in any way. */
  async get<T>(kind: CacheKind, key: string): Promise<T | undefined> {
    this.use(kind, key);
    try {
      const body = await readChecked(this.file(kind, key), `${kind} ${key}`);
      if (body === undefined) throw new Error('absent or damaged');
      const value = JSON.parse(body) as T;
      this.hits++;
      return value;
    } catch {
      this.misses++;
      return undefined;
    }
  }

  async set(kind: CacheKind, key: string, value: unknown): Promise<void> {
    this.use(kind, key);
    await writeChecked(this.file(kind, key), `${kind} ${key}`, JSON.stringify(value));
  }

  /** Bytes stored by their SHA-256 (blob/), or undefined when absent or damaged. Not counted as a hit or miss. */
  async blob(sha: string): Promise<string | undefined> {
    this.use('blob', sha);
    const body = await readChecked(this.file('blob', sha), `blob ${sha}`);
    return body !== undefined && contentHash(body) === sha ? body : undefined;
  }

  /** Stores text as a blob; returns its SHA-256. */
  async setBlob(text: string): Promise<string> {
    const sha = contentHash(text);
    this.use('blob', sha);
    await writeChecked(this.file('blob', sha), `blob ${sha}`, text);
    return sha;
  }

  /** What the last cached build wrote into outDir (write-out.ts), so its unchanged files can be reused; {} when unknown. */
  async outRecord(outDir: string): Promise<OutRecord> {
    const key = this.key('out', path.resolve(outDir));
    this.use('out', key);
    return parseOutRecord(await readChecked(this.file('out', key), `out ${key}`));
  }

  async setOutRecord(outDir: string, record: OutRecord): Promise<void> {
    const key = this.key('out', path.resolve(outDir));
    await writeChecked(this.file('out', key), `out ${key}`, JSON.stringify(record));
  }

  /** Drops the entries of each kind this build used that it did not use, so the cache holds about one build. */
  async prune(): Promise<void> {
    for (const [kind, keep] of this.used) {
      try {
        const names = await readdir(path.join(this.dir, kind));
        const stale = names.filter((n) => !keep.has(n.replace(/\.json$/, '')));
        await Promise.all(stale.map((n) => rm(path.join(this.dir, kind, n), { force: true })));
      } catch {
        // Nothing to prune, or not allowed to: the cache only grows.
      }
    }
  }
}

/** Libraries whose output ends up in out/: a new version may render differently. */
const OUTPUT_LIBRARIES = ['handlebars', 'mjml', 'markdown-it', 'html-to-text', 'luxon', 'big.js', 'yaml', 'gray-matter', 'zod', 'feed'];

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.(js|ts|json)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
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
    for (const file of await filesUnder(root)) h.update(path.relative(root, file)).update('\0').update(await readFile(file)).update('\0');
    const require = createRequire(import.meta.url);
    for (const lib of OUTPUT_LIBRARIES) {
      let version = 'unknown';
      try {
        version = (require(`${lib}/package.json`) as { version: string }).version;
      } catch {
        // A package that hides its package.json: its version cannot be read, and the code hash still holds.
      }
      h.update(`${lib}@${version}\0`);
    }
    h.update(`node ${process.version} icu ${process.versions.icu ?? '-'} tz ${process.versions.tz ?? '-'}`);
    return h.digest('hex');
  })());
}

export async function openBuildCache(dir: string): Promise<BuildCache> {
  return new BuildCache(dir, await codeKey());
}
