import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Mongo } from '../../src/storage/mongo';
import { AwbConflictError, MongoProjectionStore } from '../../src/storage/projection-store';
import { isFerretDb } from '../../src/storage/collections';
import type { OrderDoc, ShipmentProjection } from '../../src/storage/types';
import type { TimelineEntry } from '../../src/workflows/shipment/contract';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
let store: MongoProjectionStore;

const order = (id: string): OrderDoc => ({
  _id: id,
  status: 'processing',
  statusHistory: [],
  notes: [],
  customer: { name: 'A Kumar', email: 'a@example.com', phone: '9876543210' },
  shippingAddress: { address1: '12 Example Street', city: 'Mumbai', state: 'Maharashtra', pincode: '400064', country: 'IN' },
  items: [{ name: 'Tea', sku: 'T1', quantity: 1, unitPrice: 250, weight: '500g' }],
  paymentMethod: 'prepaid',
  codAmount: 0,
  orderValue: 250,
  createdAt: '2026-01-05T04:30:00.000Z',
  updatedAt: '2026-01-05T04:30:00.000Z',
});

const projection = (seq: number, status: ShipmentProjection['status']): ShipmentProjection => ({
  orderId: 'o1',
  workflowId: 'shipment-o1',
  courier: 'delhivery',
  awb: '26805710004130',
  status,
  orderStatus: status === 'delivered' ? 'delivered' : 'shipped',
  ndrOpen: false,
  stuck: false,
  seq,
  at: `2026-01-0${seq}T00:00:00.000Z`,
});

beforeAll(async () => {
  mongo = await freshMongo('projection');
});
afterAll(async () => mongo.close());
beforeEach(async () => {
  await Promise.all(Object.values(mongo.cols).flatMap((c) => (typeof c === 'function' ? [] : [c.deleteMany({})])));
  await mongo.cols.orders.insertOne(order('o1'));
});

// Both write styles run here: read-by-_id (what FerretDB gets) and the guarded filter (what MongoDB gets;
// FerretDB answers it too, only slowly).
describe.each([
  ['read by _id, then write (FerretDB)', true],
  ['guarded filter (MongoDB)', false],
])('MongoProjectionStore, %s', (_style, idOnly) => {
  beforeEach(() => {
    store = new MongoProjectionStore({ ...mongo.cols, idOnlyFilters: async () => idOnly });
  });

  it('keeps the newest shipment write and ignores a stale or repeated one', async () => {
    await store.upsertShipment(projection(2, 'in_transit'));
    await store.upsertShipment(projection(3, 'delivered'));
    await store.upsertShipment(projection(2, 'in_transit')); // a late retry of an older write
    await store.upsertShipment(projection(3, 'delivered')); // a repeat
    const doc = await mongo.cols.shipments.findOne({ _id: 'o1' });
    expect(doc).toMatchObject({ status: 'delivered', seq: 3, createdAt: '2026-01-02T00:00:00.000Z', updatedAt: '2026-01-03T00:00:00.000Z' });
  });

  it('appends an order status history entry once per key', async () => {
    const entry = { key: 'e1', status: 'shipped' as const, at: '2026-01-05T05:00:00.000Z', source: 'booking' as const };
    await store.setOrderStatus('o1', entry);
    await store.setOrderStatus('o1', entry);
    await store.setOrderStatus('o1', { ...entry, key: 'e2', status: 'delivered' });
    const doc = await mongo.cols.orders.findOne({ _id: 'o1' });
    expect(doc?.status).toBe('delivered');
    expect(doc?.statusHistory.map((h) => h.key)).toEqual(['e1', 'e2']);
  });

  it('keeps one history entry per key when overlapping attempts write it at once', async () => {
    const entry = { key: 'race-1', status: 'shipped' as const, at: '2026-01-05T06:00:00.000Z', source: 'webhook' as const };
    for (let round = 0; round < 5; round++) {
      await Promise.all(Array.from({ length: 8 }, () => store.setOrderStatus('o1', entry)));
    }
    const keys = (await mongo.cols.orders.findOne({ _id: 'o1' }))?.statusHistory.map((h) => h.key) ?? [];
    expect(keys.filter((k) => k === 'race-1')).toHaveLength(1);
  });

  it('adds an order note once per key', async () => {
    const note = { key: 'ndr-1', at: '2026-01-06T00:00:00.000Z', text: 'NDR: consignee unavailable', by: 'courier' };
    await store.addOrderNote('o1', note);
    await store.addOrderNote('o1', note);
    expect((await mongo.cols.orders.findOne({ _id: 'o1' }))?.notes).toHaveLength(1);
  });

  it('upserts timeline entries by key', async () => {
    const e: TimelineEntry = {
      key: 'delhivery:1:X-PPOM:2026-01-05T10:00:00',
      status: 'picked_up',
      rawCode: 'X-PPOM',
      rawLabel: 'In Transit',
      description: 'Shipment picked up',
      occurredAt: '2026-01-05T10:00:00.000Z',
      receivedAt: '2026-01-05T10:00:05.000Z',
      source: 'webhook',
      applied: true,
    };
    await store.upsertEvents('o1', 'delhivery', '1', [e]);
    const first = await mongo.cols.trackingEvents.findOne({ orderId: 'o1' });
    await new Promise((r) => setTimeout(r, 5));
    await store.upsertEvents('o1', 'delhivery', '1', [{ ...e, source: 'poll', applied: false }]);
    const docs = await mongo.cols.trackingEvents.find({ orderId: 'o1' }).toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ source: 'poll', applied: false, awb: '1', courier: 'delhivery' });
    // The first write's time survives the rewrite.
    expect(first?.storedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(docs[0]?.storedAt).toBe(first?.storedAt);
  });

  it('registers an AWB once and refuses it for another order', async () => {
    await store.registerAwb('delhivery', '123', 'o1');
    await store.registerAwb('delhivery', '123', 'o1');
    await store.registerAwb('shiprocket', '123', 'o2'); // same number, other courier: fine
    await expect(store.registerAwb('delhivery', '123', 'o2')).rejects.toBeInstanceOf(AwbConflictError);
    expect(await mongo.cols.awbIndex.countDocuments()).toBe(2);
  });
});

describe('server flavour', () => {
  it('recognises FerretDB (the test suite runs on it), so hot-path writes avoid its whole-collection scans', async () => {
    expect(await isFerretDb(mongo.db)).toBe(true);
    expect(await mongo.cols.idOnlyFilters()).toBe(true);
  });
});
