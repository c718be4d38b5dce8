/**
 * SHA-256 of plain data as JSON, without writing the JSON out as one
 * string. A metric page's context over a long archive is megabytes of
 * JSON; made whole just to be hashed for a cache key, a few of them at once
 * raised a 5,200-edition build's peak memory by 20-30 MB. Here objects are
 * walked member by member and arrays element by element, each element
 * written by JSON.stringify (the elements of a long list are small), and
 * the text goes to the hash in chunks of about 64 KB.
 *
 * The text hashed is JSON.stringify(value)'s (undefined members left out,
 * undefined elements as null), so the digest is that of the JSON.
 * Plain data only: objects with a toJSON, Maps and class instances are
 * written as JSON.stringify writes them, but not walked.
 */
import { createHash } from 'node:crypto';

const CHUNK = 64 * 1024;

export function jsonDigest(value: unknown): string {
  const hash = createHash('sha256');
  let pending = '';
  const write = (text: string) => {
    pending += text;
    if (pending.length >= CHUNK) {
      hash.update(pending);
      pending = '';
    }
  };
  const feed = (v: unknown): void => {
    if (Array.isArray(v)) {
      write('[');
      v.forEach((element, i) => write(`${i > 0 ? ',' : ''}${JSON.stringify(element) ?? 'null'}`));
      write(']');
    } else if (isPlainObject(v)) {
      write('{');
      let first = true;
      for (const [key, member] of Object.entries(v)) {
        if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
        write(`${first ? '' : ','}${JSON.stringify(key)}:`);
        first = false;
        feed(member);
      }
      write('}');
    } else write(JSON.stringify(v) ?? 'null');
  };
  feed(value);
  hash.update(pending);
  return hash.digest('hex');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}
