/**
 * Runs a command on the state store DATABASE_URL chooses (the state directory's
 * files without it), closing it after; a store that cannot be opened (an
 * unreachable database, an old schema) is printed as its problem and exit 1.
 */
import { openStateStore, type OpenOptions } from '../deliver/store/open-store.js';
import type { StateStore } from '../deliver/store/state-store.js';
import { printProblems } from '../util/print-problems.js';

export async function withState(stateDir: string, work: (store: StateStore) => Promise<number>, opts: OpenOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const store = await openStateStore(stateDir, env, opts);
  if (!store.ok) {
    printProblems(store.problems);
    return 1;
  }
  try {
    return await work(store.value);
  } finally {
    await store.value.close();
  }
}
