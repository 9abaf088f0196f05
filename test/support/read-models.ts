// Seeding a projection through the production write paths (OrdersRepo for what the API writes,
// MongoProjectionStore.applyProjection for what the workflow writes), and comparing the read-model read
// paths with the plain queries they replace.
import { expect } from 'vitest';
import { createProjectionActivities } from '../../src/activities/projection-activities';
import type { ActivityDeps } from '../../src/activities/deps';
import { syncAnalytics } from '../../src/analytics/sync-analytics';
import { courierIds } from '../../src/couriers/registry';
import type { CourierId } from '../../src/domain/events';
import { NDR_REASONS, ORDER_STATUSES, SHIPMENT_STATUSES } from '../../src/domain/status';
import type { Collections } from '../../src/storage/collections';
import { OrdersRepo } from '../../src/storage/orders-repo';
import { MongoProjectionStore } from '../../src/storage/projection-store';
import { ids, RM_VERSION } from '../../src/storage/read-models/keys';
import { orderTimeline, setRmReadyCache } from '../../src/storage/read-models/read';
import { CANCEL_ENTRY, orderInputOf, SHIP_DELAY_MS, type SyntheticOrder } from '../../src/storage/read-models/synthetic';
import { ShipmentsRepo, type NdrQueueQuery, type ShipmentPageQuery } from '../../src/storage/shipments-repo';

export const sampleInput = orderInputOf;

/**
 * Pushes, ships or cancels each order through OrdersRepo, then records its projection writes through the
 * projection activity, `parallel` orders at a time (each order's writes in order, as its workflow sends them).
 */
export async function seedThroughStore(cols: Collections, orders: SyntheticOrder[], o: { parallel?: number; repeat?: boolean; store?: MongoProjectionStore } = {}): Promise<void> {
  let clock = 0;
  const repo = new OrdersRepo(cols, () => clock);
  for (const order of orders) {
    clock = Date.parse(order.createdAt);
    await repo.upsert(sampleInput(order));
    if (order.cancelledUnshipped) {
      clock = Date.parse(order.cancelledUnshipped);
      await repo.cancelUnshipped(order.id, CANCEL_ENTRY(order.id));
    } else if (!order.unshipped) {
      clock += SHIP_DELAY_MS;
      await repo.setShipment(order.id, { courier: order.courier, workflowId: `shipment-${order.id}` });
    }
  }
  const store = o.store ?? new MongoProjectionStore(cols);
  // Through the activity, as the worker runs it (the AWB registered once, then the write).
  const activity = createProjectionActivities({ store, clock: { now: () => Date.now() } } as unknown as ActivityDeps);
  const queue = orders.filter((x) => x.writes.length);
  const lane = async () => {
    for (let x = queue.shift(); x; x = queue.shift()) {
      for (const w of x.writes) {
        await activity.recordProjection(w);
        if (o.repeat) await activity.recordProjection(w); // a retried activity
      }
      // A replayed old write after the newest: must change nothing.
      if (o.repeat && x.writes.length > 1) await activity.recordProjection(x.writes[0]!);
    }
  };
  await Promise.all(Array.from({ length: o.parallel ?? 8 }, lane));
}

export async function markReady(cols: Collections): Promise<void> {
  await cols.readModels.updateOne({ _id: ids.meta }, { $set: { v: RM_VERSION, state: 'ready' } }, { upsert: true });
  setRmReadyCache(cols, true);
}

/** Every page of a list, following its cursors. */
async function walk<T>(first: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string | undefined }>): Promise<{ pages: T[][]; cursors: Array<string | undefined> }> {
  const pages: T[][] = [];
  const cursors: Array<string | undefined> = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const p = await first(cursor);
    pages.push(p.items);
    cursors.push(p.nextCursor);
    if (!p.nextCursor) break;
    cursor = p.nextCursor;
  }
  return { pages, cursors };
}

const idsOf = <T extends { _id: string }>(w: { pages: T[][]; cursors: Array<string | undefined> }) => ({ pages: w.pages.map((p) => p.map((d) => d._id)), cursors: w.cursors });

/** Orders list: every filter the API offers, every page, read models vs the plain query. */
export async function expectOrderListsMatch(cols: Collections, limit = 7): Promise<number> {
  const repo = new OrdersRepo(cols);
  const filters = [{}, ...ORDER_STATUSES.map((status) => ({ status })), ...courierIds().map((courier) => ({ courier })), { status: 'delivered' as const, courier: 'delhivery' as const }, { status: 'shipped' as const, courier: 'icarry' as const }, { status: 'processing' as const, courier: 'shiprocket' as const }];
  let items = 0;
  for (const f of filters) {
    const fast = idsOf(await walk((cursor) => repo.list({ ...f, limit, ...(cursor ? { cursor } : {}) })));
    const plain = idsOf(await walk((cursor) => repo.listByQuery({ ...f, limit, ...(cursor ? { cursor } : {}) })));
    expect(fast, JSON.stringify(f)).toEqual(plain);
    items += plain.pages.flat().length;
  }
  return items;
}

export async function expectShipmentListsMatch(cols: Collections, limit = 7): Promise<number> {
  const repo = new ShipmentsRepo(cols);
  const filters: Array<Omit<ShipmentPageQuery, 'limit'>> = [
    {},
    ...SHIPMENT_STATUSES.map((status) => ({ status })),
    ...courierIds().map((courier) => ({ courier })),
    { status: 'delivered', courier: 'icarry' },
    { status: 'in_transit', courier: 'delhivery' },
    { ndrOpen: true },
    { ndrOpen: true, courier: 'shiprocket' },
    { stuck: true },
  ];
  let items = 0;
  for (const f of filters) {
    const fast = idsOf(await walk((cursor) => repo.list({ ...f, limit, ...(cursor ? { cursor } : {}) })));
    const plain = idsOf(await walk((cursor) => repo.listByQuery({ ...f, limit, ...(cursor ? { cursor } : {}) })));
    expect(fast, JSON.stringify(f)).toEqual(plain);
    items += plain.pages.flat().length;
  }
  for (const courier of [undefined, ...courierIds()]) {
    expect((await repo.stuck(courier)).map((s) => s._id)).toEqual((await repo.stuckByQuery(courier)).map((s) => s._id));
  }
  return items;
}

export async function expectNdrQueuesMatch(cols: Collections, now: number, limit = 3): Promise<number> {
  const repo = new ShipmentsRepo(cols, () => now);
  const queries: Array<Omit<NdrQueueQuery, 'limit' | 'cursor'>> = [
    {},
    ...courierIds().map((courier) => ({ courier })),
    { reason: NDR_REASONS[0] },
    { minAttempts: 2 },
    { paymentMethod: 'cod' },
    { olderThanHours: 24 * 20 },
    { courier: 'delhivery', paymentMethod: 'prepaid', minAttempts: 1 },
  ];
  let items = 0;
  for (const q of queries) {
    const fast = idsOf(await walk((cursor) => repo.ndrQueue({ ...q, limit, ...(cursor ? { cursor } : {}) })));
    const plain = idsOf(await walk((cursor) => repo.ndrQueueByQuery({ ...q, limit, ...(cursor ? { cursor } : {}) })));
    expect(fast, JSON.stringify(q)).toEqual(plain);
    items += plain.pages.flat().length;
  }
  return items;
}

export async function expectAnalyticsMatch(cols: Collections, now: number, ranges: Array<{ from: string; to: string; bucket?: 'day' | 'week'; courier?: CourierId }>, timeZone = 'Asia/Kolkata'): Promise<void> {
  for (const r of ranges) {
    const req = { from: r.from, to: r.to, bucket: r.bucket ?? 'day', syncWindowHours: 27, ...(r.courier ? { courier: r.courier } : {}) } as const;
    const fast = await syncAnalytics(cols, req, { timeZone, now: () => now, source: 'read-models' });
    const plain = await syncAnalytics(cols, req, { timeZone, now: () => now, source: 'query' });
    expect(fast, JSON.stringify(r)).toEqual(plain);
  }
}

/** Every order's timeline (tracking page, console shipment page): read models vs the plain query, same events. */
export async function expectTimelinesMatch(cols: Collections, orderIds: string[]): Promise<number> {
  const byTime = (a: { occurredAt: string; _id: string }, b: { occurredAt: string; _id: string }) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a._id < b._id ? -1 : 1);
  let n = 0;
  for (const id of orderIds) {
    const fast = (await orderTimeline(cols, id, 300)).sort(byTime);
    const plain = (await cols.trackingEvents.find({ orderId: id }).toArray()).sort(byTime);
    expect(fast, id).toEqual(plain);
    n += plain.length;
  }
  return n;
}
