import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault-injection suite runs for minutes on its own servers: `npm run test:chaos`.
    exclude: [...configDefaults.exclude, 'test/chaos/**'],
    environment: 'node',
    // Temporal's native bridge misbehaves under worker threads (sdk-typescript#876): use processes.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    // The JSON report feeds .ci/run's closing "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    globalSetup: ['test/support/global-setup.ts'],
  },
});
