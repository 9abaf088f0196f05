// One-off build of the read models from the documents already stored (data written before the read
// models existed, or before a change of RM_VERSION). The worker runs it at start-up, before it takes
// any task, so nothing else writes the worker's read models meanwhile; until it has finished, lists and
// analytics keep running their plain queries (correct, only slow on FerretDB).
//
// Bounded: each collection is read once as a stream, writes go in batches, and memory holds per order
// only what the shipment pass needs (creation time, status, first time of each status). Resumable: every
// write is idempotent, and a shipment whose `rm` carries the current version was finished (its entries
// are written before its `rm`), so a run cut short skips those when it starts again.
import type { AnyBulkWriteOperation } from 'mongodb';
import type { CourierId } from '../../domain/events';
import type { OrderStatus } from '../../domain/status';
import type { Collections } from '../collections';
import type { ReadModelDoc, ShipmentDoc } from '../types';
import { bulkWriteChunked } from './bulk';
import { ids, RM_VERSION } from './keys';
import { setRmReadyCache } from './read';
import { compact, eventFactEntries, firstTimes, orderEntries, SHIPMENT_STATE_FIELDS, stateOfDoc, workerEntries, type Entry, type StoredShipment } from './state';

export interface BackfillReport {
  skipped: boolean;
  events: number;
  orders: number;
  shipments: number;
  /** Shipments whose entries this run wrote (the others were current already). */
  written: number;
  ms: number;
}

export interface BackfillOptions {
  /** Shipments per batch (default 1,000). */
  batch?: number;
  /** Rebuild even when the read models say they are ready. */
  force?: boolean;
  log?: (message: string, meta?: Record<string, unknown>) => void;
}

/** Entries waiting to be written, merged per document. */
class PendingEntries {
  private docs = new Map<string, Record<string, unknown>>();
  paths = 0;
  constructor(private readonly cols: Pick<Collections, 'readModels'>) {}

  add(e: Entry): void {
    let m = this.docs.get(e[0]);
    if (!m) this.docs.set(e[0], (m = {}));
    if (!(e[1] in m)) this.paths++;
    m[e[1]] = e[2];
  }

  async flush(): Promise<void> {
    const all = [...this.docs];
    this.docs = new Map();
    this.paths = 0;
    const ops: AnyBulkWriteOperation<ReadModelDoc>[] = all.map(([doc, set]) => ({ updateOne: { filter: { _id: doc }, update: { $set: set }, upsert: true } }));
    await bulkWriteChunked(this.cols.readModels, ops, { ordered: false });
  }
}

/** What the shipment pass needs of each order. */
interface OrderFacts {
  createdAt: string;
  status: OrderStatus;
  courier?: CourierId;
  first: Partial<Record<OrderStatus, string>>;
}

export async function backfillReadModels(cols: Collections, o: BackfillOptions = {}): Promise<BackfillReport> {
  const t0 = Date.now();
  const log = o.log ?? (() => undefined);
  const batch = o.batch ?? 1_000;
  const meta = await cols.readModels.findOne({ _id: ids.meta });
  if (!o.force && meta?.v === RM_VERSION && meta.state === 'ready') {
    setRmReadyCache(cols, true);
    return { skipped: true, events: 0, orders: 0, shipments: 0, written: 0, ms: Date.now() - t0 };
  }
  if (meta && meta.v !== RM_VERSION) {
    log('read models: version changed, rebuilding from scratch', { from: meta.v, to: RM_VERSION });
    await cols.readModels.deleteMany({});
  }
  setRmReadyCache(cols, false);
  await cols.readModels.updateOne({ _id: ids.meta }, { $set: { v: RM_VERSION, state: 'building', startedAt: new Date().toISOString() } }, { upsert: true });
  const pending = new PendingEntries(cols);
  const maxPaths = 20 * batch;

  // 1. Courier events: analytics facts, and each order's earliest applied delivered scan.
  const deliveredScan = new Map<string, string>();
  let events = 0;
  const ev = cols.trackingEvents.find({}, { projection: { orderId: 1, courier: 1, key: 1, source: 1, applied: 1, receivedAt: 1, occurredAt: 1, status: 1 } });
  for await (const e of ev) {
    events++;
    for (const entry of eventFactEntries(e.orderId, e.courier, [e])) pending.add(entry);
    if (e.status === 'delivered' && e.applied === true) {
      const t = Date.parse(e.occurredAt);
      const prev = deliveredScan.get(e.orderId);
      if (!Number.isNaN(t) && (prev === undefined || t < Date.parse(prev))) deliveredScan.set(e.orderId, e.occurredAt);
    }
    if (pending.paths >= maxPaths) await pending.flush();
  }
  await pending.flush();
  log('read models: events done', { events });

  // 2. Orders: what the shipment pass needs, kept in memory.
  const orders = new Map<string, OrderFacts>();
  const oc = cols.orders.find({}, { projection: { createdAt: 1, status: 1, 'shipment.courier': 1, 'statusHistory.status': 1, 'statusHistory.at': 1 } });
  for await (const d of oc) {
    orders.set(d._id, compact({ createdAt: d.createdAt, status: d.status, courier: d.shipment?.courier, first: firstTimes(d.statusHistory) }));
  }
  log('read models: orders read', { orders: orders.size });

  // 3. Shipments: their entries, their order's entries, their outcome; then `rm` on the shipment.
  const withShipment = new Set<string>();
  let shipments = 0;
  let written = 0;
  let rms: AnyBulkWriteOperation<ShipmentDoc>[] = [];
  const flushShipments = async () => {
    await pending.flush();
    if (rms.length) await bulkWriteChunked(cols.shipments, rms, { ordered: false });
    rms = [];
  };
  const sc = cols.shipments.find({}, { projection: SHIPMENT_STATE_FIELDS });
  for await (const raw of sc) {
    const d = raw as unknown as StoredShipment;
    shipments++;
    withShipment.add(d._id);
    // Written by the projection writer (or by an earlier run of this one): its entries are in.
    if (d.rm?.v === RM_VERSION) continue;
    const order = orders.get(d._id);
    const rm = compact({ v: RM_VERSION, oc: order?.createdAt, os: order?.status ?? d.orderStatus, first: order?.first ?? {}, ds: deliveredScan.get(d._id) });
    for (const entry of workerEntries(stateOfDoc(d, rm))) pending.add(entry);
    rms.push({ updateOne: { filter: { _id: d._id }, update: { $set: { rm } } } });
    written++;
    if (rms.length >= batch) {
      await flushShipments();
      log('read models: shipments', { done: shipments });
    }
  }
  await flushShipments();
  log('read models: shipments done', { shipments, written });

  // 4. Orders that never shipped.
  for (const [id, f] of orders) {
    if (withShipment.has(id)) continue;
    for (const entry of orderEntries({ id, createdAt: f.createdAt, status: f.status, ...(f.courier ? { courier: f.courier } : {}) }, 'w')) pending.add(entry);
    if (pending.paths >= maxPaths) await pending.flush();
  }
  await pending.flush();

  const ms = Date.now() - t0;
  await cols.readModels.updateOne({ _id: ids.meta }, { $set: { v: RM_VERSION, state: 'ready', readyAt: new Date().toISOString(), events, orders: orders.size, shipments, ms } });
  setRmReadyCache(cols, true);
  log('read models: ready', { events, orders: orders.size, shipments, written, ms });
  return { skipped: false, events, orders: orders.size, shipments, written, ms };
}
