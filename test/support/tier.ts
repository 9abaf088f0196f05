// The unit tier (`npm run test:unit`, vitest.unit.config.mts) starts no server. Helpers that start or
// reach one call this first, so a server-backed test that lands in that tier fails at once and says
// why, instead of waiting on a connection or passing by accident.
export function needsServer(what: string): void {
  if (process.env.WAYBILL_TEST_TIER !== 'unit') return;
  throw new Error(`${what}: this test needs a server and the unit tier starts none; list it in test/support/server-tests.json`);
}
