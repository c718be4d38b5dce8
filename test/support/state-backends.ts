/**
 * The store's backends for parameterized tests: each `fresh()` gives an empty
 * state (a temp directory, or a new migrated database on this file's
 * throwaway cluster). Contract tests run the same cases once per backend.
 */
import { openDatabase, openStateStore } from '../../src/deliver/store/open-store.js';
import { migrate } from '../../src/state/migrate.js';
import type { StateStore } from '../../src/deliver/store/state-store.js';
import { startCluster, type TestCluster } from './postgres.js';
import { tempDir } from './temp-dir.js';

export interface Backend {
  name: 'files' | 'postgres';
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** An empty state: its directory (also used by the files backend) and the env that selects the backend. */
  fresh(): Promise<{ stateDir: string; env: NodeJS.ProcessEnv; open(): Promise<StateStore> }>;
}

// State directories are temporary directories (temp-dir.ts), removed after the test file.

async function opened(stateDir: string, env: NodeJS.ProcessEnv): Promise<StateStore> {
  const store = await openStateStore(stateDir, env);
  if (!store.ok) throw new Error(store.problems.map((p) => p.message).join('; '));
  return store.value;
}

export function filesBackend(): Backend {
  return {
    name: 'files',
    setup: async () => undefined,
    teardown: async () => undefined,
    fresh: async () => {
      const stateDir = await tempDir('bw-state-');
      const env = {};
      return { stateDir, env, open: () => opened(stateDir, env) };
    },
  };
}

/** One cluster for the file; one database per `fresh()`, migrated as `state migrate` does. */
export function postgresBackend(): Backend & { cluster(): TestCluster } {
  let cluster: TestCluster | undefined;
  let n = 0;
  return {
    name: 'postgres',
    cluster: () => cluster!,
    setup: async () => {
      cluster = await startCluster();
    },
    teardown: async () => {
      cluster?.stop();
    },
    fresh: async () => {
      const name = `bw_${process.pid}_${++n}`;
      cluster!.createDatabase(name);
      const env = { DATABASE_URL: cluster!.url(name) };
      const db = await openDatabase(env.DATABASE_URL, { connections: 1 });
      if (!db.ok) throw new Error(db.problems.map((p) => p.message).join('; '));
      try {
        await migrate(db.value);
      } finally {
        await db.value.close();
      }
      const stateDir = await tempDir('bw-state-');
      return { stateDir, env, open: () => opened(stateDir, env) };
    },
  };
}
