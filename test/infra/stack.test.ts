import { Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { describe, expect, inject, it } from 'vitest';

describe('the test stack from global setup', () => {
  it('serves a Temporal namespace with Waybill search attributes registered', async () => {
    const conn = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const res = await conn.operatorService.listSearchAttributes({ namespace: inject('temporalNamespace') });
      const custom = Object.keys(res.customAttributes ?? {});
      expect(custom).toEqual(expect.arrayContaining(['OrderId', 'Awb', 'Courier', 'ShipmentStatus', 'NdrOpen', 'ExpectedDeliveryAt']));
    } finally {
      await conn.close();
    }
  });

  it('serves a MongoDB-compatible database (FerretDB) that enforces unique keys', async () => {
    const client = await MongoClient.connect(inject('mongoUri'));
    try {
      const col = client.db('stack_test').collection<{ _id: string; n: number }>('probe');
      await col.deleteMany({});
      await col.insertOne({ _id: 'a', n: 1 });
      await expect(col.insertOne({ _id: 'a', n: 2 })).rejects.toThrow(/duplicate key|E11000/);
      expect(await col.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
    } finally {
      await client.close();
    }
  });
});
