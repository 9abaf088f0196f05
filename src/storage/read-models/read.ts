// Reading the read models: whether they are ready (the worker's backfill has run), the active sets, the
// day directories, and documents fetched by _id. Lists never trust an entry alone: each candidate is
// checked against its document before it is shown (paginate.ts), so a stale entry costs a read, never a
// wrong row.
import type { Collection } from 'mongodb';
import type { Collections } from '../collections';
import type { ReadModelDoc, TrackingEventDoc } from '../types';
import { idOfFieldKey, ids, ORDER_ACTIVE_SHARDS, RM_VERSION, ROLES, SHIPMENT_ACTIVE_SHARDS, type Role } from './keys';
import { entriesOf } from './packed';
import { parseActiveOrder, parseActiveShipment, type ActiveOrderEntry, type ActiveShipmentEntry } from './state';
import { mapLimit } from '../../lib/map-limit';


/** Reads by _id at once per request: well under the driver's pool (20) that other requests share. */
export const READ_CONCURRENCY = 12;

const readiness = new Map<string, { ready: boolean; checkedAt: number }>();
const RECHECK_MS = 5_000;

function nsOf(c: Collection<ReadModelDoc>): string {
  return `${c.dbName}.${c.collectionName}`;
}

/**
 * Whether the read models hold everything (the worker's backfill finished for this version). Until then
 * lists and analytics run their plain queries: correct, only slow on FerretDB.
 */
export async function rmReady(cols: Pick<Collections, 'readModels'>): Promise<boolean> {
  const ns = nsOf(cols.readModels);
  const known = readiness.get(ns);
  if (known?.ready) return true;
  if (known && Date.now() - known.checkedAt < RECHECK_MS) return false;
  const meta = await cols.readModels.findOne({ _id: ids.meta });
  const ready = meta?.v === RM_VERSION && meta.state === 'ready';
  readiness.set(ns, { ready, checkedAt: Date.now() });
  return ready;
}

/** Marks the read models ready (or not) in this process at once, without waiting for the next check. */
export function setRmReadyCache(cols: Pick<Collections, 'readModels'>, ready: boolean): void {
  readiness.set(nsOf(cols.readModels), { ready, checkedAt: Date.now() });
}

export async function readDocs(cols: Pick<Collections, 'readModels'>, docIds: readonly string[]): Promise<Array<ReadModelDoc | null>> {
  return mapLimit(docIds, READ_CONCURRENCY, (id) => cols.readModels.findOne({ _id: id }));
}

function entries(doc: ReadModelDoc | null): Array<[string, string]> {
  return [...entriesOf(doc, 'e')].map(([k, v]) => [idOfFieldKey(k), v]);
}

export async function activeShipments(cols: Pick<Collections, 'readModels'>): Promise<Array<{ id: string; e: ActiveShipmentEntry }>> {
  const docs = await readDocs(cols, Array.from({ length: SHIPMENT_ACTIVE_SHARDS }, (_, i) => ids.shipmentActive(i)));
  return docs.flatMap((d) => entries(d).map(([id, v]) => ({ id, e: parseActiveShipment(v) })));
}

export async function activeOrders(cols: Pick<Collections, 'readModels'>): Promise<Array<{ id: string; e: ActiveOrderEntry; role: Role }>> {
  const want = ROLES.flatMap((role) => Array.from({ length: ORDER_ACTIVE_SHARDS }, (_, i) => ({ role, id: ids.orderActive(i, role) })));
  const docs = await readDocs(cols, want.map((w) => w.id));
  return docs.flatMap((d, i) => entries(d).map(([id, v]) => ({ id, e: parseActiveOrder(v), role: want[i]!.role })));
}

/** Days with entries, newest first, from the directory documents named. */
export async function directoryDays(cols: Pick<Collections, 'readModels'>, dirIds: readonly string[]): Promise<string[]> {
  const days = new Set<string>();
  for (const d of await readDocs(cols, dirIds)) for (const day of entriesOf(d, 'd').keys()) days.add(day);
  return [...days].sort().reverse();
}

/** Entries (id → sort key) of the day documents named. */
export async function dayEntries(cols: Pick<Collections, 'readModels'>, docIds: readonly string[]): Promise<Array<{ id: string; key: string; doc: string }>> {
  const docs = await readDocs(cols, docIds);
  return docs.flatMap((d, i) => entries(d).map(([id, key]) => ({ id, key, doc: docIds[i]! })));
}

/** Documents by _id (FerretDB uses its index only for an exact _id filter), `concurrency` at a time. */
export async function fetchByIds<D extends { _id: string }>(coll: Collection<D>, idList: readonly string[], concurrency = READ_CONCURRENCY): Promise<Map<string, D>> {
  const unique = [...new Set(idList)];
  const docs = await mapLimit(unique, concurrency, (id) => coll.findOne({ _id: id } as never) as Promise<D | null>);
  const out = new Map<string, D>();
  docs.forEach((d, i) => {
    if (d) out.set(unique[i]!, d as D);
  });
  return out;
}

/**
 * One order's tracking events, ordered by courier time (oldest first), at most `limit` of the newest:
 * its timeline document names them, each read by _id. Until the read models are ready, the plain query.
 */
export async function orderTimeline(cols: Pick<Collections, 'readModels' | 'trackingEvents'>, orderId: string, limit: number): Promise<TrackingEventDoc[]> {
  if (!(await rmReady(cols))) return (await cols.trackingEvents.find({ orderId }).sort({ occurredAt: -1 }).limit(limit).toArray()).reverse();
  const keys = (await cols.readModels.findOne({ _id: ids.timeline(orderId) }))?.k ?? [];
  const events = await fetchByIds(cols.trackingEvents, keys.map((k) => `${orderId}:${k}`));
  // As the query sorted them: by occurredAt (ties in no particular order there either).
  return [...events.values()].sort((a, b) => (a.occurredAt < b.occurredAt ? 1 : a.occurredAt > b.occurredAt ? -1 : 0)).slice(0, limit).reverse();
}
