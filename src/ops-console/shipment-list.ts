// The shipments list's filters and query: most recently changed first, cursor-paged by (updatedAt, _id).
// Search matches an order id or an AWB exactly (what ops paste from a call). Read from the read models
// (by _id only) once they are ready; the plain queries below are what they must match.
import type { Filter } from 'mongodb';
import { z } from 'zod';
import { courierIdSchema } from '../couriers/registry';
import { SHIPMENT_STATUSES, TERMINAL_STATUSES } from '../domain/status';
import type { Collections } from '../storage/collections';
import { rmReady } from '../storage/read-models/read';
import { listShipmentsFromReadModels, listStuckFromReadModels } from '../storage/read-models/shipment-lists';
import type { ShipmentDoc } from '../storage/types';

const blank = (v: unknown) => (v === '' ? undefined : v);

export const shipmentFiltersSchema = z.object({
  status: z.preprocess(blank, z.enum(SHIPMENT_STATUSES).optional()),
  courier: z.preprocess(blank, courierIdSchema.optional()),
  ndr: z.preprocess(blank, z.literal('open').optional()),
  stuck: z.preprocess(blank, z.literal('1').optional()),
  q: z.preprocess(blank, z.string().trim().max(100).optional()),
  cursor: z.preprocess(blank, z.string().max(300).optional()),
});
export type ShipmentFilters = z.infer<typeof shipmentFiltersSchema>;

export class BadCursor extends Error {}

export interface ShipmentPage {
  items: ShipmentDoc[];
  nextCursor?: string;
}

export async function listShipments(cols: Collections, f: ShipmentFilters, limit = 50): Promise<ShipmentPage> {
  if (!(await rmReady(cols))) return listShipmentsByQuery(cols, f, limit);
  const after = f.cursor ? decodeCursor(f.cursor) : undefined;
  const docs = await listShipmentsFromReadModels(cols, {
    limit,
    ...(f.status ? { status: f.status } : {}),
    ...(f.courier ? { courier: f.courier } : {}),
    ...(f.ndr ? { ndrOpen: true } : {}),
    ...(f.stuck ? { stuck: true } : {}),
    ...(f.q ? { q: f.q } : {}),
    ...(after ? { after } : {}),
  });
  return pageOf(docs, limit);
}

function pageOf(docs: ShipmentDoc[], limit: number): ShipmentPage {
  const items = docs.slice(0, limit);
  const last = items[items.length - 1];
  return { items, ...(docs.length > limit && last ? { nextCursor: encodeCursor(last.updatedAt, last._id) } : {}) };
}

/** The list as a plain query (a collection scan on FerretDB). */
export async function listShipmentsByQuery(cols: Collections, f: ShipmentFilters, limit = 50): Promise<ShipmentPage> {
  const and: Filter<ShipmentDoc>[] = [];
  if (f.status) and.push({ status: f.status });
  if (f.courier) and.push({ courier: f.courier });
  if (f.ndr) and.push({ ndrOpen: true });
  if (f.stuck) and.push({ stuck: true });
  if (f.q) and.push({ $or: [{ _id: f.q }, { awb: f.q }] });
  if (f.cursor) {
    const [updatedAt, id] = decodeCursor(f.cursor);
    and.push({ $or: [{ updatedAt: { $lt: updatedAt } }, { updatedAt, _id: { $lt: id } }] });
  }
  const docs = await cols.shipments
    .find(and.length ? { $and: and } : {})
    .sort({ updatedAt: -1, _id: -1 })
    .limit(limit + 1)
    .toArray();
  return pageOf(docs, limit);
}

/** Stuck shipments still in flight, longest without a scan first. */
export async function listStuck(cols: Collections, courier: ShipmentDoc['courier'] | undefined, limit = 200): Promise<ShipmentDoc[]> {
  if (await rmReady(cols)) return listStuckFromReadModels(cols, courier, limit);
  return listStuckByQuery(cols, courier, limit);
}

export async function listStuckByQuery(cols: Collections, courier: ShipmentDoc['courier'] | undefined, limit = 200): Promise<ShipmentDoc[]> {
  return cols.shipments
    .find({ stuck: true, status: { $nin: [...TERMINAL_STATUSES] }, ...(courier ? { courier } : {}) })
    .sort({ lastEventAt: 1, _id: 1 })
    .limit(limit)
    .toArray();
}

function encodeCursor(updatedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([updatedAt, id])).toString('base64url');
}

function decodeCursor(c: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw new BadCursor('invalid cursor');
}
