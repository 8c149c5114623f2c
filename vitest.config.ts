import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    // Each file gets its own database and app; two cores are plenty for two at a time.
    pool: 'forks',
    maxWorkers: 2,
    // A worker keeps its modules from one file to the next instead of importing Bolt, the
    // chart stack and the rest again for each of 60-odd files (a third of the run). Module
    // state carries over with them (the metrics registry, per-app queues are keyed by app),
    // so a file stops what it starts; files still run one at a time per worker.
    isolate: false,
    // Files and tests in a random order each run, so no test leans on another having run
    // first; vitest prints the seed first ("Running tests with seed …"), and
    // `--sequence.seed=<seed>` replays that order.
    sequence: { shuffle: true },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test output is read by people: show each test's name.
    reporters: ['default'],
  },
});
