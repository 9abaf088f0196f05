// The read models against the plain queries they replace, on one synthetic store written through the
// production write paths: every list, filter and page, the NDR queue, the stuck list and analytics must
// come out the same. Both write styles run: FerretDB's (batched, seq checked in memory) and MongoDB's
// (guarded shipment write first), and the same data written by the backfill from scratch must give
// the same read models as the incremental writes.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncAnalytics } from '../../src/analytics/sync-analytics';
import type { Collections } from '../../src/storage/collections';
import type { Mongo } from '../../src/storage/mongo';
import { MongoProjectionStore } from '../../src/storage/projection-store';
import { backfillReadModels } from '../../src/storage/read-models/backfill';
import { storedDocuments, syntheticOrders } from '../../src/storage/read-models/synthetic';
import { entriesOf } from '../../src/storage/read-models/packed';
import type { ReadModelDoc } from '../../src/storage/types';
import { freshMongo } from '../support/mongo';
import { expectAnalyticsMatch, expectNdrQueuesMatch, expectOrderListsMatch, expectShipmentListsMatch, expectTimelinesMatch, markReady, seedThroughStore } from '../support/read-models';

// Three weeks of orders, the last days' still in flight at NOW (open NDRs, stuck ones).
const FROM = Date.parse('2025-03-01T00:00:00Z');
const TO = Date.parse('2025-03-21T00:00:00Z');
const NOW = Date.parse('2025-03-21T12:00:00Z');
/** Each test walks every page of many lists twice (read models and plain query) on a shared 2-core machine. */
const SLOW = 300_000;
const RANGES = [
  { from: '2025-02-01', to: '2025-03-31' },
  { from: '2025-03-01', to: '2025-03-25', bucket: 'week' as const },
  { from: '2025-02-10', to: '2025-03-10', courier: 'delhivery' as const },
];

/** Shipment and analytics documents, entries only, empty maps dropped: what two ways of writing must agree on. */
async function snapshot(cols: Collections): Promise<Record<string, unknown>> {
  const docs = (await cols.readModels.find({}).toArray()) as ReadModelDoc[];
  const out: Record<string, unknown> = {};
  for (const d of docs.sort((a, b) => (a._id < b._id ? -1 : 1))) {
    if (!/^(sa|sb|an):/.test(d._id)) continue;
    // Entries whichever way they are stored (packed on FerretDB, fields on MongoDB), in key order.
    const body = { e: Object.fromEntries([...entriesOf(d, 'e')].sort()), o: Object.fromEntries([...entriesOf(d, 'o')].sort()) };
    if (Object.keys(body.e).length || Object.keys(body.o).length) out[d._id] = body;
  }
  return out;
}

describe.each([
  ['FerretDB style (batched, seq checked in memory)', true],
  ['MongoDB style (guarded shipment write first)', false],
])('read models, %s', (_name, idOnly) => {
  let mongo: Mongo;
  let cols: Collections;
  const orders = syntheticOrders({ orders: 120, from: FROM, to: TO, now: NOW, seed: idOnly ? 7 : 3 });

  beforeAll(async () => {
    mongo = await freshMongo(`rm_${idOnly ? 'ferret' : 'mongo'}`);
    cols = { ...mongo.cols, idOnlyFilters: async () => idOnly };
    // The MongoDB style relies on MongoDB's atomic updates: on this FerretDB, concurrent writers of one
    // read-model document could lose changes, so that style is fed one shipment at a time here.
    await seedThroughStore(cols, orders, { parallel: idOnly ? 8 : 1 });
    await markReady(cols);
  });
  afterAll(async () => mongo.close());

  it('lists orders as the plain query does, for every filter and page', async () => {
    expect(await expectOrderListsMatch(cols)).toBeGreaterThan(100);
  }, SLOW);

  it('lists shipments (console) and stuck shipments as the plain queries do', async () => {
    expect(await expectShipmentListsMatch(cols)).toBeGreaterThan(100);
  }, SLOW);

  it('serves the NDR queue as the plain query does, for every filter and page', async () => {
    expect(await expectNdrQueuesMatch(cols, NOW)).toBeGreaterThan(3);
  }, SLOW);

  it('reports the same analytics (JSON) as the plain queries', async () => {
    await expectAnalyticsMatch(cols, NOW, RANGES);
  }, SLOW);

  it('reads each order timeline (tracking page) by _id: the same events as the plain query', async () => {
    expect(await expectTimelinesMatch(cols, orders.slice(0, 40).map((o) => o.id))).toBeGreaterThan(100);
  }, SLOW);

  it('holds exactly what the backfill builds from the stored documents', async () => {
    const incremental = await snapshot(cols);
    expect(Object.keys(incremental).length).toBeGreaterThan(10);
    await cols.readModels.deleteMany({});
    await cols.shipments.updateMany({}, { $unset: { rm: '' } });
    // Written out in several rounds, the later ones merged into documents the earlier ones inserted.
    const report = await backfillReadModels(cols, { maxPendingPaths: 150 });
    expect(report).toMatchObject({ skipped: false, shipments: orders.filter((o) => o.writes.length).length, written: report.shipments });
    expect(await snapshot(cols)).toEqual(incremental);
    // And the lists still match after the rebuild (orders of every writer now come from the backfill).
    await expectOrderListsMatch(cols);
    await expectShipmentListsMatch(cols);
    await expectTimelinesMatch(cols, orders.slice(0, 20).map((o) => o.id));
  }, SLOW);
});

describe('idempotence', () => {
  let once: Mongo;
  let twice: Mongo;
  const orders = syntheticOrders({ orders: 60, from: FROM, to: TO, now: NOW, seed: 3 });

  beforeAll(async () => {
    [once, twice] = await Promise.all([freshMongo('rm_once'), freshMongo('rm_twice')]);
    await seedThroughStore(once.cols, orders, { parallel: 4 });
    // Every write retried, and the first write of each shipment replayed after its last.
    await seedThroughStore(twice.cols, orders, { parallel: 4, repeat: true });
    await Promise.all([markReady(once.cols), markReady(twice.cols)]);
  });
  afterAll(async () => Promise.all([once.close(), twice.close()]));

  it('repeated and replayed projection writes leave the read models and the lists unchanged', async () => {
    expect(await snapshot(twice.cols)).toEqual(await snapshot(once.cols));
    await expectOrderListsMatch(twice.cols);
    await expectShipmentListsMatch(twice.cols);
    await expectAnalyticsMatch(twice.cols, NOW, RANGES.slice(0, 1));
  }, SLOW);
});

describe('property: any schedule of retries and replays', () => {
  let mongo: Mongo;
  beforeAll(async () => {
    mongo = await freshMongo('rm_property');
  });
  afterAll(async () => mongo.close());

  it('leaves read models equal to a rebuild from the stored documents, and live counts equal to the plain query', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.boolean(), fc.integer({ min: 1, max: 6 }), async (seed, repeat, parallel) => {
        await Promise.all(['orders', 'shipments', 'tracking_events', 'awb_index', 'read_models'].map((c) => mongo.db.collection(c).deleteMany({})));
        const orders = syntheticOrders({ orders: 14, from: FROM, to: TO, now: NOW, seed });
        await seedThroughStore(mongo.cols, orders, { parallel, repeat });
        await markReady(mongo.cols);
        const incremental = await snapshot(mongo.cols);
        const req = { from: '2025-02-01', to: '2025-03-31', bucket: 'week' as const, syncWindowHours: 27 };
        const fast = await syncAnalytics(mongo.cols, req, { timeZone: 'Asia/Kolkata', now: () => NOW, source: 'read-models' });
        const plain = await syncAnalytics(mongo.cols, req, { timeZone: 'Asia/Kolkata', now: () => NOW, source: 'query' });
        expect(fast).toEqual(plain);
        await mongo.cols.readModels.deleteMany({});
        await mongo.cols.shipments.updateMany({}, { $unset: { rm: '' } });
        await backfillReadModels(mongo.cols);
        expect(await snapshot(mongo.cols)).toEqual(incremental);
      }),
      { numRuns: 6 },
    );
  }, SLOW);
});

describe('bulk load (bench/ops-queries.ts)', () => {
  let viaStore: Mongo;
  let viaBulk: Mongo;
  const orders = syntheticOrders({ orders: 50, from: FROM, to: TO, now: NOW, seed: 21 });

  beforeAll(async () => {
    [viaStore, viaBulk] = await Promise.all([freshMongo('rm_via_store'), freshMongo('rm_via_bulk')]);
    await seedThroughStore(viaStore.cols, orders, { parallel: 4 });
    const docs = orders.map((o) => storedDocuments(o, () => '2025-01-01T00:00:00.000Z'));
    await viaBulk.cols.orders.insertMany(docs.map((d) => d.order));
    await viaBulk.cols.shipments.insertMany(docs.flatMap((d) => (d.shipment ? [d.shipment] : [])));
    await viaBulk.cols.trackingEvents.insertMany(docs.flatMap((d) => d.events));
    await viaBulk.cols.awbIndex.insertMany(docs.flatMap((d) => (d.awb ? [d.awb] : [])));
    await backfillReadModels(viaBulk.cols);
  });
  afterAll(async () => Promise.all([viaStore.close(), viaBulk.close()]));

  it('stores the documents the store path stores, and the same read models', async () => {
    const strip = <T extends object>(docs: T[], ...keys: string[]) =>
      docs.map((d) => Object.fromEntries(Object.entries(d).filter(([k]) => !keys.includes(k)))).sort((a, b) => (String(a._id) < String(b._id) ? -1 : 1));
    for (const [name, skip] of [['orders', []], ['shipments', ['rm']], ['tracking_events', ['storedAt']], ['awb_index', ['createdAt']]] as const) {
      const a = strip(await viaStore.db.collection(name).find({}).toArray(), ...skip);
      const b = strip(await viaBulk.db.collection(name).find({}).toArray(), ...skip);
      expect(b, name).toEqual(a);
    }
    expect(await snapshot(viaBulk.cols)).toEqual(await snapshot(viaStore.cols));
    await expectOrderListsMatch(viaBulk.cols, 20);
  }, SLOW);
});

describe('writes after a backfill', () => {
  let mongo: Mongo;
  let fresh: Mongo;
  const orders = syntheticOrders({ orders: 60, from: FROM, to: TO, now: NOW, seed: 33 });
  const half = (o: (typeof orders)[number], first: boolean) => ({ ...o, writes: first ? o.writes.slice(0, Math.ceil(o.writes.length / 2)) : o.writes.slice(Math.ceil(o.writes.length / 2)) });

  beforeAll(async () => {
    [mongo, fresh] = await Promise.all([freshMongo('rm_after_backfill'), freshMongo('rm_after_backfill_ref')]);
  });
  afterAll(async () => Promise.all([mongo.close(), fresh.close()]));

  it('a worker started after the backfill keeps the backfilled shipments exact (facts read on a cache miss)', async () => {
    // Half of each life written before the read models existed (no read models, no rm on shipments).
    await seedThroughStore(mongo.cols, orders.map((o) => half(o, true)), { parallel: 4 });
    await mongo.cols.readModels.deleteMany({});
    await mongo.cols.shipments.updateMany({}, { $unset: { rm: '' } });
    await backfillReadModels(mongo.cols);
    // The rest by a new worker (empty cache): it reads the backfill's facts for each shipment first.
    const store = new MongoProjectionStore(mongo.cols);
    for (const o of orders) for (const w of half(o, false).writes) await store.applyProjection(w);
    await markReady(mongo.cols);
    const incremental = await snapshot(mongo.cols);
    await expectShipmentListsMatch(mongo.cols);
    await expectAnalyticsMatch(mongo.cols, NOW, RANGES.slice(0, 1));
    await expectTimelinesMatch(mongo.cols, orders.map((o) => o.id));
    // The same as building everything from the final documents.
    await mongo.cols.readModels.deleteMany({});
    await mongo.cols.shipments.updateMany({}, { $unset: { rm: '' } });
    await backfillReadModels(mongo.cols);
    expect(await snapshot(mongo.cols)).toEqual(incremental);
  }, SLOW);
});
