// The API's entries in the order list (OrderIndexWriter through OrdersRepo): an order the store pushes is
// listed at once, under its courier once shipped, under cancelled once cancelled; after the workflow's
// first projection write takes over, the API's stale entry is dropped by the list that meets it and by
// the sweep, never shown.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Mongo } from '../../src/storage/mongo';
import { OrdersRepo } from '../../src/storage/orders-repo';
import { MongoProjectionStore } from '../../src/storage/projection-store';
import { ids, ORDER_ACTIVE_SHARDS, shardOf } from '../../src/storage/read-models/keys';
import { OrderIndexWriter } from '../../src/storage/read-models/order-index-writer';
import { entriesOf } from '../../src/storage/read-models/packed';
import { parseActiveOrder } from '../../src/storage/read-models/state';
import { syntheticOrders } from '../../src/storage/read-models/synthetic';
import { freshMongo } from '../support/mongo';
import { markReady, sampleInput } from '../support/read-models';

let mongo: Mongo;
let clock = Date.parse('2025-03-01T10:00:00Z');
let repo: OrdersRepo;

const apiEntry = async (id: string) => {
  const v = entriesOf(await mongo.cols.readModels.findOne({ _id: ids.orderActive(shardOf(id, ORDER_ACTIVE_SHARDS), 'a') }), 'e').get(id);
  return v === undefined ? undefined : parseActiveOrder(v);
};
const listIds = async (q: Parameters<OrdersRepo['list']>[0]) => (await repo.list(q)).items.map((o) => o._id);
const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
  expect(await check()).toBe(true);
};

beforeAll(async () => {
  mongo = await freshMongo('order_index');
  await markReady(mongo.cols);
});
afterAll(async () => mongo.close());
beforeEach(async () => {
  await Promise.all(['orders', 'shipments', 'tracking_events', 'read_models'].map((c) => mongo.db.collection(c).deleteMany({})));
  await markReady(mongo.cols);
  repo = new OrdersRepo(mongo.cols, () => clock);
});

describe('order list entries written by the API', () => {
  it('lists a pushed order at once, then under its courier, then under cancelled', async () => {
    await repo.upsert(sampleInput({ id: 'A1', paymentMethod: 'prepaid' }));
    clock += 60_000;
    await repo.upsert(sampleInput({ id: 'A2', paymentMethod: 'cod' }));
    expect(await listIds({ limit: 10 })).toEqual(['A2', 'A1']);
    expect(await listIds({ status: 'processing', limit: 10 })).toEqual(['A2', 'A1']);

    await repo.setShipment('A1', { courier: 'icarry', workflowId: 'shipment-A1' });
    expect(await listIds({ courier: 'icarry', limit: 10 })).toEqual(['A1']);
    expect(await apiEntry('A1')).toMatchObject({ s: 'processing', k: 'icarry' });

    expect(await repo.cancelUnshipped('A2', { by: 'admin', reason: 'asked', key: 'manual:cancel:A2' })).toBe(true);
    expect(await listIds({ status: 'cancelled', limit: 10 })).toEqual(['A2']);
    expect(await listIds({ status: 'processing', limit: 10 })).toEqual(['A1']);
    expect(await apiEntry('A2')).toBeUndefined();
    expect(await listIds({ limit: 10 })).toEqual(['A2', 'A1']);
  });

  it('drops its entry once the workflow lists the order: when a list meets it, and by the sweep', async () => {
    const [o] = syntheticOrders({ orders: 40, from: clock, to: clock + 1, seed: 9 }).filter((x) => x.writes.length >= 3);
    const order = { ...o!, id: 'B1', writes: o!.writes.map((w) => ({ ...w, shipment: { ...w.shipment, orderId: 'B1', workflowId: 'shipment-B1' } })) };
    await repo.upsert(sampleInput(order));
    await repo.setShipment('B1', { courier: order.courier, workflowId: 'shipment-B1' });
    const store = new MongoProjectionStore(mongo.cols);
    for (const w of order.writes.slice(0, 3)) await store.applyProjection(w);
    const status = (await repo.get('B1'))!.status;
    expect(status).not.toBe('processing');
    expect(await apiEntry('B1')).toMatchObject({ s: 'processing' }); // stale, still stored
    expect(await listIds({ status: 'processing', limit: 10 })).toEqual([]); // never shown
    expect(await listIds({ status, limit: 10 })).toEqual(['B1']);
    await until(async () => (await apiEntry('B1')) === undefined); // repaired by that list

    // The sweep finds the same kind of entry without a list.
    await repo.upsert(sampleInput({ id: 'B2', paymentMethod: 'prepaid' }));
    await repo.setShipment('B2', { courier: 'delhivery', workflowId: 'shipment-B2' });
    await mongo.cols.orders.updateOne({ _id: 'B2' }, { $set: { status: 'shipped' } });
    const sweeper = new OrderIndexWriter(mongo.cols);
    expect(await sweeper.sweepShard(shardOf('B2', ORDER_ACTIVE_SHARDS))).toBe(1);
    expect(await apiEntry('B2')).toBeUndefined();
    // An order still processing keeps its entry.
    await repo.upsert(sampleInput({ id: 'B3', paymentMethod: 'prepaid' }));
    await repo.setShipment('B3', { courier: 'delhivery', workflowId: 'shipment-B3' });
    await sweeper.sweepShard(shardOf('B3', ORDER_ACTIVE_SHARDS));
    expect(await apiEntry('B3')).toMatchObject({ s: 'processing', k: 'delhivery' });
  });

  it('a repeated push or ship changes nothing', async () => {
    await repo.upsert(sampleInput({ id: 'C1', paymentMethod: 'prepaid' }));
    const first = await mongo.cols.readModels.find({}).toArray();
    await repo.upsert(sampleInput({ id: 'C1', paymentMethod: 'prepaid' }));
    expect(await mongo.cols.readModels.find({}).toArray()).toEqual(first);
    await repo.setShipment('C1', { courier: 'shiprocket', workflowId: 'shipment-C1' });
    const shipped = (await repo.get('C1'))!.shipment!.shippedAt;
    clock += 3_600_000;
    await repo.setShipment('C1', { courier: 'shiprocket', workflowId: 'shipment-C1', awb: 'SR1' });
    // The first ship time stays ($min), the AWB is added.
    expect((await repo.get('C1'))!.shipment).toMatchObject({ shippedAt: shipped, awb: 'SR1' });
  });
});
