// `npm run test:chaos`: the fault-injection suite (test/chaos). It starts its own Temporal dev server,
// FerretDB and worker process, and runs for minutes, so it is kept out of the default `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 1_500_000,
    hookTimeout: 300_000,
    teardownTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest-chaos.json' },
  },
});
