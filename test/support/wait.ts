/** Polls `check` until it holds; fails after `ms` (generous: the machine may be loaded). */
export async function waitFor(check: () => boolean, ms = 10_000, every = 20): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, every));
  }
}
