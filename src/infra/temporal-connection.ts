// Connecting to Temporal: one place for address/namespace handling and the readiness check.
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';

export interface TemporalTarget {
  address: string;
  namespace: string;
  dataConverter?: DataConverter;
}

/** Resolves once the frontend answers and the namespace exists (a fresh dev server needs a moment). */
export async function waitForTemporal(t: TemporalTarget, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    let conn: Connection | undefined;
    try {
      conn = await Connection.connect({ address: t.address, connectTimeout: 2_000 });
      await conn.workflowService.describeNamespace({ namespace: t.namespace });
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await conn?.close().catch(() => {});
    }
  }
  throw new Error(`Temporal at ${t.address} (namespace ${t.namespace}) not ready after ${timeoutMs} ms: ${String(last)}`);
}

export async function connectClient(t: TemporalTarget): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: t.address });
  const client = new Client({ connection, namespace: t.namespace, dataConverter: t.dataConverter });
  return { client, connection };
}
