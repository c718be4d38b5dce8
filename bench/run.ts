/**
 * `npm run bench [bounces|build|build-extras|preview|send]`: every benchmark, each printing its
 * figures side by side with its baseline measured in the same run.
 */
import { runBouncesBench } from './bounces-bench.js';
import { runBuildBench, runBuildExtrasBench } from './build-bench.js';
import { runPreviewBench } from './preview-bench.js';
import { runSendBench } from './send-bench.js';
import { runSesBench } from './ses-bench.js';

const only = process.argv[2];
const benches: Record<string, () => Promise<void>> = {
  bounces: runBouncesBench,
  build: runBuildBench,
  // Only what search and share cards cost (part of build), for a quick look on a busy machine.
  'build-extras': runBuildExtrasBench,
  preview: runPreviewBench,
  // The SES figure is printed next to the SMTP one.
  send: async () => {
    await runSendBench();
    await runSesBench();
  },
};

if (only && !(only in benches)) {
  console.error(`unknown benchmark "${only}"; choose from ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  await run();
}
// Benchmarks start servers and worker threads; leave nothing running.
process.exit(0);
