/**
 * A memo for pure functions called many times with few distinct inputs
 * (dates, periods, formatted values, brief templates across an archive). It
 * is emptied when it reaches `limit` entries rather than kept in order: the
 * inputs of one build fit well within the limit, and a long preview session
 * must not keep every value it ever saw.
 */
export function boundedMemo<V>(limit: number): (key: string, compute: () => V) => V {
  const entries = new Map<string, V>();
  return (key, compute) => {
    let value = entries.get(key);
    if (value === undefined) {
      if (entries.size >= limit) entries.clear();
      value = compute();
      entries.set(key, value);
    }
    return value;
  };
}

/**
 * How many editions' worth the per-edition memos keep (rendered bodies,
 * compiled brief templates): a ten-year weekly archive fits, so the preview
 * re-renders no unchanged brief of it, and a larger archive's build, which
 * meets each body once, holds no more than this (its memory stays flat in
 * the number of editions).
 */
export const EDITIONS_MEMOIZED = 600;
