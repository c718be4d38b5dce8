/**
 * A memo for pure functions called many times with few distinct inputs
 * (dates, periods, formatted values, brief templates across an archive). It
 * is emptied when it reaches `limit` entries rather than kept in order: the
 * inputs of one build fit well within the limit, and a long preview session
 * must not keep every value it ever saw.
 */
export function boundedMemo<V>(limit: number | (() => number)): (key: string, compute: () => V) => V {
  const entries = new Map<string, V>();
  const bound = typeof limit === 'number' ? () => limit : limit;
  return (key, compute) => {
    let value = entries.get(key);
    if (value === undefined) {
      if (entries.size >= bound()) entries.clear();
      value = compute();
      entries.set(key, value);
    }
    return value;
  };
}

let editions = 600;

/**
 * How many editions' worth the per-edition memos keep (rendered bodies,
 * compiled brief templates). The preview re-renders every edition on each
 * save, so by default a ten-year weekly archive fits and no unchanged brief
 * is rendered again. A one-shot build meets each body once (its email and
 * its page, one after the other) and sets a few (memoizeEditions): 600
 * editions' bodies and templates were 20 MB it never read again.
 */
export function editionsMemoized(): number {
  return editions;
}

export function memoizeEditions(n: number): void {
  editions = n;
}
