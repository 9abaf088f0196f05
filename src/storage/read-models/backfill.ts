// One-off build of the read models from the documents already stored (data written before the read
// models existed, or before a change of RM_VERSION). The worker runs it at start-up, before it takes
// any task, so nothing else writes the worker's read models meanwhile; until it has finished, lists and
// analytics keep running their plain queries (correct, only slow on FerretDB).
//
// Cost: FerretDB spends a transaction on every updated document but one on a whole batch of inserted
// ones, so entries are gathered in memory per document and each document is inserted once, whole
// (updated instead only when it exists already: a run cut short, API entries). Each collection is read
// once as a stream. Memory holds the entries and, per order, what the shipment pass needs; past
// MAX_PENDING_PATHS entries they are written out early (bounded), then merged into the documents by $set.
// Resumable: every write is idempotent; a shipment whose `rm` carries the current version was written by
// the projection writer, whose entries are in. A run cut short is simply run again.
//
// The facts the writer needs to recompute a backfilled shipment's entries (its order's creation time and
// status history, the delivered scan) are kept in `rf:<shard>` documents, not on each shipment: that
// would be an update (a transaction) per shipment. The writer reads them on a cache miss
// (projection-writer.ts) until it writes the shipment itself, with `rm`.
import { MongoBulkWriteError, type AnyBulkWriteOperation } from 'mongodb';
import type { CourierId } from '../../domain/events';
import type { OrderStatus } from '../../domain/status';
import type { Collections } from '../collections';
import type { ReadModelDoc } from '../types';
import { bulkWriteChunked } from './bulk';
import { fieldKey, ids, RM_VERSION, shardOf } from './keys';
import { setRmReadyCache } from './read';
import { docFields, entriesOf, packMap, type MapField } from './packed';
import { compact, eventFactEntries, firstTimes, orderEntries, SHIPMENT_STATE_FIELDS, stateOfDoc, workerEntries, type Entry, type StoredShipment } from './state';

/** Shards of the backfilled shipments' facts: ~200 entries each at 100k shipments, read only on a cache miss. */
export const FACT_SHARDS = 512;
export const factsDocId = (orderId: string) => `rf:${shardOf(orderId, FACT_SHARDS)}`;

/** Entries held in memory before they are written out (~100 bytes each). */
const MAX_PENDING_PATHS = 2_000_000;

export interface BackfillReport {
  skipped: boolean;
  events: number;
  orders: number;
  shipments: number;
  /** Shipments whose entries this run wrote (the others were current already). */
  written: number;
  /** Read-model documents written. */
  documents: number;
  ms: number;
}

export interface BackfillOptions {
  /** Rebuild even when the read models say they are ready. */
  force?: boolean;
  /** Entries held in memory before they are written out (default MAX_PENDING_PATHS; small in tests). */
  maxPendingPaths?: number;
  log?: (message: string, meta?: Record<string, unknown>) => void;
}

/** Entries waiting to be written, grouped per document and map. */
class PendingEntries {
  private docs = new Map<string, Partial<Record<MapField, Map<string, string>>>>();
  paths = 0;
  written = 0;
  constructor(
    private readonly cols: Pick<Collections, 'readModels'>,
    private readonly maxPaths: number,
    private readonly packed: boolean,
  ) {}

  add(e: Entry): void {
    const dot = e[1].indexOf('.');
    const field = e[1].slice(0, dot) as MapField;
    const key = e[1].slice(dot + 1);
    let doc = this.docs.get(e[0]);
    if (!doc) this.docs.set(e[0], (doc = {}));
    const m = (doc[field] ??= new Map());
    if (!m.has(key)) this.paths++;
    m.set(key, String(e[2]));
  }

  /** Inserts each document whole; one that exists already (a run cut short, the API's own) gets its entries merged in. */
  async flush(): Promise<void> {
    const all = [...this.docs];
    this.docs = new Map();
    this.paths = 0;
    for (let i = 0; i < all.length; i += 500) {
      const chunk = all.slice(i, i + 500);
      let failed: number[] = [];
      try {
        await this.cols.readModels.insertMany(
          chunk.map(([_id, maps]) => ({ _id, ...docFields(maps, this.packed) }) as ReadModelDoc),
          { ordered: false },
        );
      } catch (e) {
        const list = e instanceof MongoBulkWriteError ? [e.writeErrors].flat() : [];
        if (list.length === 0 || list.some((w) => w.code !== 11000)) throw e;
        failed = list.map((w) => w.index);
      }
      const merge: AnyBulkWriteOperation<ReadModelDoc>[] = [];
      for (const index of failed) {
        const [_id, maps] = chunk[index]!;
        const set: Record<string, unknown> = {};
        if (this.packed) {
          // The stored strings with these entries added: this process is their only writer now.
          const stored = await this.cols.readModels.findOne({ _id });
          for (const [f, m] of Object.entries(maps) as Array<[MapField, Map<string, string>]>) set[`${f}s`] = packMap(new Map([...entriesOf(stored, f), ...m]));
        } else {
          for (const [f, m] of Object.entries(maps) as Array<[MapField, Map<string, string>]>) for (const [k, v] of m) set[`${f}.${k}`] = v;
        }
        merge.push({ updateOne: { filter: { _id }, update: { $set: set } } });
      }
      if (merge.length) await bulkWriteChunked(this.cols.readModels, merge, { ordered: false });
      this.written += chunk.length;
    }
  }

  async maybeFlush(): Promise<void> {
    if (this.paths >= this.maxPaths) await this.flush();
  }
}

/** One document per order with its events' keys, inserted in bulk; merged by $addToSet where one exists. */
async function writeTimelines(cols: Pick<Collections, 'readModels'>, timelines: Map<string, string[]>): Promise<void> {
  const all = [...timelines];
  for (let i = 0; i < all.length; i += 1_000) {
    const chunk = all.slice(i, i + 1_000);
    let failed: number[] = [];
    try {
      await cols.readModels.insertMany(
        chunk.map(([orderId, k]) => ({ _id: ids.timeline(orderId), k: [...new Set(k)] }) as ReadModelDoc),
        { ordered: false },
      );
    } catch (e) {
      const list = e instanceof MongoBulkWriteError ? [e.writeErrors].flat() : [];
      if (list.length === 0 || list.some((w) => w.code !== 11000)) throw e;
      failed = list.map((w) => w.index);
    }
    const merge = failed.map((index) => {
      const [orderId, k] = chunk[index]!;
      return { updateOne: { filter: { _id: ids.timeline(orderId) }, update: { $addToSet: { k: { $each: k } } } } } as unknown as AnyBulkWriteOperation<ReadModelDoc>;
    });
    if (merge.length) await bulkWriteChunked(cols.readModels, merge, { ordered: false });
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
  const meta = await cols.readModels.findOne({ _id: ids.meta });
  if (!o.force && meta?.v === RM_VERSION && meta.state === 'ready') {
    setRmReadyCache(cols, true);
    return { skipped: true, events: 0, orders: 0, shipments: 0, written: 0, documents: 0, ms: Date.now() - t0 };
  }
  if (meta && meta.v !== RM_VERSION) {
    log('read models: version changed, rebuilding from scratch', { from: meta.v, to: RM_VERSION });
    await cols.readModels.deleteMany({});
  }
  setRmReadyCache(cols, false);
  await cols.readModels.updateOne({ _id: ids.meta }, { $set: { v: RM_VERSION, state: 'building', startedAt: new Date().toISOString() } }, { upsert: true });
  const pending = new PendingEntries(cols, o.maxPendingPaths ?? MAX_PENDING_PATHS, await cols.idOnlyFilters());

  // 1. Courier events: analytics facts, each order's timeline, and its earliest applied delivered scan.
  const deliveredScan = new Map<string, string>();
  const timelines = new Map<string, string[]>();
  let events = 0;
  const ev = cols.trackingEvents.find({}, { projection: { orderId: 1, courier: 1, key: 1, source: 1, applied: 1, receivedAt: 1, occurredAt: 1, status: 1 } });
  for await (const e of ev) {
    events++;
    for (const entry of eventFactEntries(e.orderId, e.courier, [e])) pending.add(entry);
    const keys = timelines.get(e.orderId);
    if (keys) keys.push(e.key);
    else timelines.set(e.orderId, [e.key]);
    if (e.status === 'delivered' && e.applied === true) {
      const t = Date.parse(e.occurredAt);
      const prev = deliveredScan.get(e.orderId);
      if (!Number.isNaN(t) && (prev === undefined || t < Date.parse(prev))) deliveredScan.set(e.orderId, e.occurredAt);
    }
    await pending.maybeFlush();
  }
  log('read models: events read', { events, ms: Date.now() - t0 });
  await writeTimelines(cols, timelines);
  timelines.clear();
  log('read models: timelines written', { ms: Date.now() - t0 });

  // 2. Orders: what the shipment pass needs, kept in memory.
  const orders = new Map<string, OrderFacts>();
  const oc = cols.orders.find({}, { projection: { createdAt: 1, status: 1, 'shipment.courier': 1, 'statusHistory.status': 1, 'statusHistory.at': 1 } });
  for await (const d of oc) {
    orders.set(d._id, compact({ createdAt: d.createdAt, status: d.status, courier: d.shipment?.courier, first: firstTimes(d.statusHistory) }));
  }
  log('read models: orders read', { orders: orders.size, ms: Date.now() - t0 });

  // 3. Shipments: their entries, their order's entries, their outcome, and the facts behind them.
  const withShipment = new Set<string>();
  let shipments = 0;
  let written = 0;
  const sc = cols.shipments.find({}, { projection: SHIPMENT_STATE_FIELDS });
  for await (const raw of sc) {
    const d = raw as unknown as StoredShipment;
    shipments++;
    withShipment.add(d._id);
    // Written by the projection writer: its entries are in.
    if (d.rm?.v === RM_VERSION) continue;
    const order = orders.get(d._id);
    const rm = compact({ v: RM_VERSION, oc: order?.createdAt, os: order?.status ?? d.orderStatus, first: order?.first ?? {}, ds: deliveredScan.get(d._id) });
    for (const entry of workerEntries(stateOfDoc(d, rm))) pending.add(entry);
    pending.add([factsDocId(d._id), `e.${fieldKey(d._id)}`, JSON.stringify(rm)]);
    written++;
    await pending.maybeFlush();
  }
  log('read models: shipments read', { shipments, written, ms: Date.now() - t0 });

  // 4. Orders that never shipped.
  for (const [id, f] of orders) {
    if (withShipment.has(id)) continue;
    for (const entry of orderEntries({ id, createdAt: f.createdAt, status: f.status, ...(f.courier ? { courier: f.courier } : {}) }, 'w')) pending.add(entry);
  }
  await pending.flush();

  const ms = Date.now() - t0;
  await cols.readModels.updateOne({ _id: ids.meta }, { $set: { v: RM_VERSION, state: 'ready', readyAt: new Date().toISOString(), events, orders: orders.size, shipments, ms } });
  setRmReadyCache(cols, true);
  log('read models: ready', { events, orders: orders.size, shipments, written, documents: pending.written, ms });
  return { skipped: false, events, orders: orders.size, shipments, written, documents: pending.written, ms };
}
