// Bulk-preloads N orders with their shipments, tracking events and AWB index entries as a store that has
// run for a year holds them (a real store's outcomes, spread over the past year: src/storage/read-models/
// synthetic.ts, whose documents equal what the API and the projection write), then builds the read models
// with the backfill the worker runs at start-up. The same path as `npm run bench -- ops-queries`.
import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { collections } from '../../src/storage/collections';
import { backfillReadModels } from '../../src/storage/read-models/backfill';
import { storedDocuments, syntheticOrders } from '../../src/storage/read-models/synthetic';
import { say } from './report';

const DAY = 86_400_000;
const CHUNK = 2_000;

export async function preloadShipments(db: Db, o: { count: number; seed?: number }): Promise<{ seconds: number; events: number }> {
  const t0 = Date.now();
  const tag = randomBytes(2).toString('hex');
  let events = 0;
  for (let chunk = 0; chunk * CHUNK < o.count; chunk++) {
    const size = Math.min(CHUNK, o.count - chunk * CHUNK);
    const orders = syntheticOrders({ orders: size, from: t0 - 365 * DAY, to: t0 - 3_600_000, now: t0, seed: (o.seed ?? 1) * 1_000 + chunk, prefix: `A${tag}${chunk}-` });
    const docs = orders.map((x) => storedDocuments(x, (w) => w.shipment.at));
    const ins = async (name: string, list: unknown[]) => {
      for (let i = 0; i < list.length; i += 1_000) if (list.length) await db.collection(name).insertMany(list.slice(i, i + 1_000) as never[], { ordered: false });
    };
    await ins('orders', docs.map((d) => d.order));
    await ins('shipments', docs.flatMap((d) => (d.shipment ? [d.shipment] : [])));
    const evs = docs.flatMap((d) => d.events);
    events += evs.length;
    await ins('tracking_events', evs);
    await ins('awb_index', docs.flatMap((d) => (d.awb ? [d.awb] : [])));
    if ((chunk + 1) % 10 === 0) say(`preloaded ${(chunk + 1) * CHUNK}/${o.count} orders (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  say('building the read models (the worker\'s start-up backfill)');
  await backfillReadModels(collections(db));
  return { seconds: (Date.now() - t0) / 1000, events };
}
