import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Browser and SMTP tests start real servers; two cores is all CI has.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
