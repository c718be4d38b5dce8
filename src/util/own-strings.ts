/**
 * A copy of plain data whose strings hold only their own characters. V8
 * keeps a substring as a view of the string it was cut from, so a parsed
 * brief's title, sources and periods (cut from the YAML and the file text)
 * each kept the whole file alive: about 15 KB per brief where its data is
 * 3 KB, 80 MB for a 5,200-edition archive. Short strings (metric keys,
 * sources, dates, values, which repeat across an archive) are also shared:
 * one copy of each, however many briefs write it.
 */
export function ownStrings<T>(value: T): T {
  if (typeof value === 'string') return ownString(value) as T;
  if (Array.isArray(value)) return value.map(ownStrings) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = ownStrings(v);
  return out as T;
}

const SHARED_UP_TO = 64;
const SHARED_LIMIT = 100_000;
/** Each short string once, keyed by that copy (a key cut from a file would keep the file). Emptied at the limit, like bounded-memo's. */
const shared = new Map<string, string>();

function ownString(s: string): string {
  if (s.length > SHARED_UP_TO) return copy(s);
  let own = shared.get(s);
  if (own === undefined) {
    if (shared.size >= SHARED_LIMIT) shared.clear();
    own = copy(s);
    shared.set(own, own);
  }
  return own;
}

// Concatenating makes V8 flatten into a new string; cutting that again keeps only it (one character more) alive.
const copy = (s: string): string => ` ${s}`.slice(1);
