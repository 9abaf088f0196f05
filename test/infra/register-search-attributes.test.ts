import { Connection } from '@temporalio/client';
import { describe, expect, inject, it } from 'vitest';
import { msToTs } from '@temporalio/common/lib/time';
import { registerSearchAttributes } from '../../src/infra/register-search-attributes';

describe('registerSearchAttributes (the docker-compose setup step)', () => {
  it('registers every custom attribute on a namespace that has none, and is idempotent', async () => {
    const address = inject('temporalAddress');
    const namespace = `sa-probe-${Date.now()}`;
    const conn = await Connection.connect({ address });
    try {
      await conn.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
      const added = await registerSearchAttributes(address, namespace);
      expect(added.sort()).toEqual(['Awb', 'Courier', 'ExpectedDeliveryAt', 'NdrOpen', 'OrderId', 'ShipmentStatus']);
      expect(await registerSearchAttributes(address, namespace)).toEqual([]);
      const listed = await conn.operatorService.listSearchAttributes({ namespace });
      expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(added));
    } finally {
      await conn.close();
    }
  });
});
