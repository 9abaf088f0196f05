// A Temporal namespace of its own for a test file, with Waybill's search attributes registered, so files
// sharing the run's dev server never pick up each other's workflows on the fixed `shipments` queue.
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { inject } from 'vitest';
import { registerSearchAttributes } from '../../src/infra/register-search-attributes';

export async function isolatedNamespace(label: string): Promise<string> {
  const address = inject('temporalAddress');
  const namespace = `t-${label.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}-${Date.now().toString(36)}`;
  const conn = await Connection.connect({ address });
  try {
    await conn.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  } finally {
    await conn.close();
  }
  await registerSearchAttributes(address, namespace);
  return namespace;
}
