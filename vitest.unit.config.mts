// `npm run test:unit`: the tests that need no server (domain rules, courier mappers and parsers against
// in-process simulators, templates, codecs, golden-history replay). No global setup: nothing starts a
// Temporal server, FerretDB or a browser. `npm test` (vitest.config.mts) still runs every test.
//
// The tests that do need one are listed in test/support/server-tests.json and left out here. One that
// is not listed cannot pass here unnoticed: without the global setup it gets no server address, the
// helpers that start or reach a server (test/support: mongo, temporal-namespace, workflow-env's
// binaries, browser) throw a "needs a server" error in this tier (WAYBILL_TEST_TIER=unit), and
// test/infra/unit-tier.test.ts finds it in the source.
import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import servers from './test/support/server-tests.json' with { type: 'json' };

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...servers.serverTests],
    environment: 'node',
    // Replay loads Temporal's native bridge, which misbehaves under worker threads (sdk-typescript#876).
    pool: 'forks',
    testTimeout: 30_000,
    // The replay test bundles the workflow code in its beforeAll: seconds, more on a busy machine.
    hookTimeout: 120_000,
    // Files share a process per worker instead of one each: loading the modules once is most of the
    // time saved (81 s → 29 s on the shared 2-core machine, load 5). These tests keep no global state between files.
    isolate: false,
    // Vitest's default leaves a core to its main process, which here mostly waits: one worker on 2 cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    env: { WAYBILL_TEST_TIER: 'unit' },
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest-unit.json' },
  },
});
