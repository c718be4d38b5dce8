/** `npm run bench`: every benchmark, each printing its own figures side by side with its baseline. */
import { runBuildBench } from './build-bench.js';

const only = process.argv[2];
const benches: Record<string, () => Promise<void>> = {
  build: runBuildBench,
};

for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  await run();
}
