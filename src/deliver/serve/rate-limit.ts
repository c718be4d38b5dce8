/**
 * A fixed-window request counter per key (a client IP). Kept in memory: a
 * restart forgets it, which only resets a limit meant to slow form abuse
 * down, and the map is pruned so a flood of distinct IPs cannot grow it
 * without bound.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts a request; returns 0 when allowed, else the seconds until the key may try again. */
  take(key: string, now = Date.now()): number {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (!w && this.windows.size >= this.maxKeys) this.prune(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return w.count <= this.limit ? 0 : Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
    // Still full of live windows: drop the oldest rather than refuse everyone.
    if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
  }
}
