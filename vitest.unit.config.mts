// `npm run test:unit`: the tests that need no server (domain rules, courier mappers and parsers against
// in-process simulators, templates, codecs, golden-history replay). No global setup: nothing starts a
// Temporal server, FerretDB or a browser. `npm test` (vitest.config.mts) still runs every test.
//
// A test that needs a server and is not listed below cannot pass here unnoticed: without the global
// setup it gets no server address, and the helpers that start or reach a server (test/support: mongo,
// temporal-namespace, workflow-env's binaries, browser) throw a "needs a server" error in this tier
// (WAYBILL_TEST_TIER=unit), and test/infra/unit-tier.test.ts finds it in the source. It then fails
// loudly: add it to SERVER_TESTS (test/support/server-tests.ts).
import { configDefaults, defineConfig } from 'vitest/config';
import { SERVER_TESTS } from './test/support/server-tests';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...SERVER_TESTS],
    environment: 'node',
    // Replay loads Temporal's native bridge, which misbehaves under worker threads (sdk-typescript#876).
    pool: 'forks',
    testTimeout: 30_000,
    // Files share a process per worker instead of one each: loading the modules once is most of the
    // time saved (81 s → 29 s on the shared 2-core machine). These tests keep no global state between files.
    isolate: false,
    env: { WAYBILL_TEST_TIER: 'unit' },
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest-unit.json' },
  },
});
