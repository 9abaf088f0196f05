// One real Temporal dev server and one FerretDB per test run, shared by every server-backed suite
// (starting them per file races on 2-core machines). Suites read the addresses with inject().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startFerretDb } from '../../src/infra/ferretdb';
import { freePort, type ManagedProcess } from '../../src/infra/processes';
import { startTemporalDev } from '../../src/infra/temporal-dev';
import { waitForTemporal } from '../../src/infra/temporal-connection';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    mongoUri: string;
  }
}

const TOOLS = resolve(__dirname, '../../.tools');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'waybill-test-'));
  const [temporalPort, mongoPort] = [await freePort(), await freePort()];
  const namespace = 'default';
  const started: ManagedProcess[] = [];
  try {
    const [temporal, ferret] = await Promise.all([
      startTemporalDev({
        toolsDir: TOOLS,
        port: temporalPort,
        namespace,
        output: 'ignore',
        // Visibility reads in tests must see search-attribute upserts at once.
        dynamicConfig: { 'system.forceSearchAttributesCacheRefreshOnRead': true },
      }),
      startFerretDb({ toolsDir: TOOLS, dataDir: join(dataDir, 'ferretdb'), port: mongoPort, output: 'ignore' }),
    ]);
    started.push(temporal, ferret);
    const address = `127.0.0.1:${temporalPort}`;
    await waitForTemporal({ address, namespace });
    project.provide('temporalAddress', address);
    project.provide('temporalNamespace', namespace);
    project.provide('mongoUri', `mongodb://127.0.0.1:${mongoPort}/`);
  } catch (e) {
    await Promise.all(started.map((p) => p.stop('SIGKILL')));
    throw e;
  }
  return async () => {
    await Promise.all(started.map((p) => p.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
}
