// Database round trips per projection write, counted with the driver's command monitoring: the old
// write sequence (the AWB registered on every flush, a guard read before each order and shipment
// update) against the activity as it is now (AWB once per process, one bulk write per collection).
// The numbers are printed for docs/data-model.md; the assertions hold the gains.
import type { CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createProjectionActivities } from '../../src/activities/projection-activities';
import type { ActivityDeps } from '../../src/activities/deps';
import type { ProjectionWrite } from '../../src/activities/types';
import { connectMongo, type Mongo } from '../../src/storage/mongo';
import { MongoProjectionStore } from '../../src/storage/projection-store';
import { syntheticOrders } from '../../src/storage/read-models/synthetic';
import { sampleInput } from '../support/read-models';
import { OrdersRepo } from '../../src/storage/orders-repo';

let mongo: Mongo;
const seen: CommandStartedEvent[] = [];
const WRITES = new Set(['insert', 'update', 'delete', 'find', 'findAndModify', 'getMore', 'aggregate']);

beforeAll(async () => {
  const name = `t_round_trips_${Math.random().toString(36).slice(2, 8)}`;
  mongo = await connectMongo(`${inject('mongoUri')}?monitorCommands=true`, name);
  mongo.client.on('commandStarted', (e) => {
    if (WRITES.has(e.commandName)) seen.push(e);
  });
});
afterAll(async () => {
  await mongo.db.dropDatabase().catch(() => undefined);
  await mongo.close();
});

type Kind = 'first' | 'middle' | 'last';
const kindOf = (i: number, n: number): Kind => (i === 0 ? 'first' : i === n - 1 ? 'last' : 'middle');

/** The write sequence recordProjection ran before the read models: every call its own round trips. */
async function oldSequence(store: MongoProjectionStore, w: ProjectionWrite): Promise<void> {
  if (w.awb) await store.registerAwb(w.awb.courier, w.awb.awb, w.shipment.orderId);
  if (w.events.length > 0 && w.shipment.awb) await store.upsertEvents(w.shipment.orderId, w.shipment.courier, w.shipment.awb, w.events);
  for (const entry of w.orderStatus) await store.setOrderStatus(w.shipment.orderId, entry);
  for (const note of w.notes) await store.addOrderNote(w.shipment.orderId, note);
  await store.upsertShipment(w.shipment);
}

async function count(label: string, idOnly: boolean, write: (store: MongoProjectionStore, w: ProjectionWrite) => Promise<void>, parallel = 1, warm = false) {
  await Promise.all(['orders', 'shipments', 'tracking_events', 'awb_index', 'read_models'].map((c) => mongo.db.collection(c).deleteMany({})));
  const cols = { ...mongo.cols, idOnlyFilters: async () => idOnly };
  const span = { from: Date.parse('2025-03-01T00:00:00Z'), to: Date.parse('2025-03-05T00:00:00Z'), now: Date.parse('2025-04-01T00:00:00Z') };
  const orders = syntheticOrders({ orders: 24, ...span, seed: 5 }).filter((o) => o.writes.length > 2);
  const repo = new OrdersRepo(cols);
  for (const o of orders) await repo.upsert(sampleInput(o));
  const store = new MongoProjectionStore(cols);
  if (warm) {
    // A worker that has been running: shipments of the same days written before (not counted).
    const before = syntheticOrders({ orders: 48, ...span, seed: 6, prefix: 'W' });
    for (const o of before) await repo.upsert(sampleInput(o));
    for (const o of before) for (const w of o.writes) await write(store, w);
  }
  const per: Record<Kind, number[]> = { first: [], middle: [], last: [] };
  if (parallel > 1) {
    // Shipments written at once, as a busy worker runs them: commands shared per write.
    seen.length = 0;
    const queue = [...orders];
    const lane = async () => {
      for (let o = queue.shift(); o; o = queue.shift()) for (const w of o.writes) await write(store, w);
    };
    await Promise.all(Array.from({ length: parallel }, lane));
    const n = orders.reduce((s, o) => s + o.writes.length, 0);
    const row = { label, writes: n, mean: Math.round((seen.length / n) * 100) / 100 };
    console.log(JSON.stringify(row));
    return { ...row, first: NaN, middle: NaN, last: NaN, max: NaN };
  }
  const reads: number[] = [];
  const writesOnly: number[] = [];
  for (const o of orders) {
    for (let i = 0; i < o.writes.length; i++) {
      seen.length = 0;
      await write(store, o.writes[i]!);
      per[kindOf(i, o.writes.length)].push(seen.length);
      const r = seen.filter((e) => e.commandName === 'find' || e.commandName === 'getMore').length;
      reads.push(r);
      writesOnly.push(seen.length - r);
    }
  }
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
  const all = [...per.first, ...per.middle, ...per.last];
  const row = { label, writes: all.length, first: mean(per.first), middle: mean(per.middle), last: mean(per.last), mean: mean(all), max: Math.max(...all), reads: mean(reads), writeCommands: mean(writesOnly) };
  console.log(JSON.stringify(row));
  return row;
}

describe.each([
  ['FerretDB', true],
  ['MongoDB', false],
])('round trips per projection write on the %s path', (server, idOnly) => {
  it('fewer than before for a shipment in flight, read models included', async () => {
    const before = await count(`${server}: before (AWB each flush, guard reads; no read models)`, idOnly, oldSequence);
    const after = await count(`${server}: now, cold worker (AWB once, bulk per collection)`, idOnly, (store, w) => createProjectionActivitiesFor(store)(w));
    const warm = await count(`${server}: now, warm worker`, idOnly, (store, w) => createProjectionActivitiesFor(store)(w), 1, true);
    expect(after.middle).toBeLessThan(before.middle);
    expect(warm.middle).toBeLessThan(before.middle);
    expect(warm.mean).toBeLessThan(before.mean);
    // Read models, events, order (when its status changes), shipment: one command each once warm.
    expect(warm.middle).toBeLessThanOrEqual(4.5);
  });

  if (idOnly) {
    it('shares commands between shipments written at once (one batch in flight per process)', async () => {
      const alone = await count(`${server}: now, one shipment at a time`, idOnly, (store, w) => createProjectionActivitiesFor(store)(w));
      const together = await count(`${server}: now, 8 shipments at once`, idOnly, (store, w) => createProjectionActivitiesFor(store)(w), 8);
      expect(together.mean).toBeLessThan(alone.mean);
    });
  }
});

/** One activity factory (one worker process) for all writes, over the given store. */
const factories = new WeakMap<MongoProjectionStore, (w: ProjectionWrite) => Promise<void>>();
function createProjectionActivitiesFor(store: MongoProjectionStore): (w: ProjectionWrite) => Promise<void> {
  let f = factories.get(store);
  if (!f) {
    const acts = createProjectionActivities({ store, clock: { now: () => Date.now() } } as unknown as ActivityDeps);
    f = async (w) => {
      await acts.recordProjection(w);
    };
    factories.set(store, f);
  }
  return f;
}
