// The unit tier (`npm run test:unit`) must hold only tests that need no server. Two guards: helpers
// that start or reach a server refuse in that tier (test/support/tier.ts), and every test file whose
// source reaches for a server is listed in test/support/server-tests.json, which the unit config leaves out.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import servers from '../support/server-tests.json';
import { freshMongo } from '../support/mongo';
import { isolatedNamespace } from '../support/temporal-namespace';
import { toolPath } from '../support/workflow-env';

const ROOT = resolve(__dirname, '../..');
const SERVER_TESTS: readonly string[] = servers.serverTests;

/** What a test file's source shows when it starts or reaches a server. */
const SERVER_MARKERS = [
  /\binject\(/,
  /\bfreshMongo\b/,
  /\bisolatedNamespace\b/,
  /\blaunchChromium\b/,
  /\bcreateTimeSkippingEnv\b/,
  /\bTestWorkflowEnvironment\b/,
  /support\/workflow-harness'/,
  /support\/full-stack'/,
  /\bstartTemporalDev\b/,
  /\bstartFerretDb\b/,
  /from '@temporalio\/client'/,
];

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return testFiles(p);
    return name.endsWith('.test.ts') ? [relative(ROOT, p)] : [];
  });
}

function listed(file: string): boolean {
  return SERVER_TESTS.some((entry) => (entry.endsWith('/**') ? file.startsWith(entry.slice(0, -2)) : file === entry));
}

describe('the unit tier', () => {
  let tier: string | undefined;
  beforeEach(() => {
    tier = process.env.WAYBILL_TEST_TIER;
    process.env.WAYBILL_TEST_TIER = 'unit';
  });
  afterEach(() => {
    if (tier === undefined) delete process.env.WAYBILL_TEST_TIER;
    else process.env.WAYBILL_TEST_TIER = tier;
  });

  it('refuses every helper that starts or reaches a server', async () => {
    expect(() => toolPath('temporal-test-server')).toThrow(/needs a server/);
    expect(() => isolatedNamespace('x')).toThrow(/needs a server/);
    await expect(freshMongo('x')).rejects.toThrow(/needs a server/);
    await expect(launchChromium()).rejects.toThrow(/needs a server/);
  });

  it('leaves out every test file that reaches for a server', () => {
    const files = testFiles(join(ROOT, 'test')).filter((f) => f !== relative(ROOT, __filename));
    expect(files.length).toBeGreaterThan(50);
    const serverBacked = files.filter((f) => SERVER_MARKERS.some((m) => m.test(readFileSync(join(ROOT, f), 'utf8'))));
    expect(serverBacked.length).toBeGreaterThan(10);
    expect(serverBacked.filter((f) => !listed(f))).toEqual([]);
  });

  it('lists only files that exist, as a path or a folder/**', () => {
    for (const entry of SERVER_TESTS) {
      const path = join(ROOT, entry.endsWith('/**') ? entry.slice(0, -3) : entry);
      expect(statSync(path, { throwIfNoEntry: false }), entry).toBeDefined();
      expect(entry.includes('*') ? entry.indexOf('*') === entry.length - 2 : entry.endsWith('.test.ts'), entry).toBe(true);
    }
  });
});
