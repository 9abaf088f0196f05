// Reads of the shipments projection (written by the workflow): the open NDR queue ops work through, the
// console's shipment list and stuck list, and a shipment's stored timeline. Each list reads the read
// models (by _id only) once they are ready, else the plain query it must match (a collection scan on
// FerretDB), kept here as `…ByQuery`.
import type { Filter } from 'mongodb';
import type { CourierId } from '../domain/events';
import { TERMINAL_STATUSES, type NdrReason } from '../domain/status';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import type { Collections } from './collections';
import { orderTimeline, rmReady } from './read-models/read';
import { listShipmentsFromReadModels, listStuckFromReadModels, ndrQueueFromReadModels, type ShipmentListQuery } from './read-models/shipment-lists';
import type { ShipmentDoc, TrackingEventDoc } from './types';

export interface NdrQueueQuery {
  courier?: CourierId;
  reason?: NdrReason;
  minAttempts?: number;
  paymentMethod?: 'prepaid' | 'cod';
  /** Only NDRs open at least this long. */
  olderThanHours?: number;
  limit: number;
  cursor?: string;
}

export interface NdrQueuePage {
  items: ShipmentDoc[];
  nextCursor?: string;
}

/** The console's shipment list: its filters, and the cursor as handed out with the previous page. */
export type ShipmentPageQuery = Omit<ShipmentListQuery, 'after'> & { cursor?: string };

export interface ShipmentPage {
  items: ShipmentDoc[];
  nextCursor?: string;
}

export class ShipmentsRepo {
  constructor(
    private readonly cols: Collections,
    private readonly now: () => number = Date.now,
  ) {}

  get(orderId: string): Promise<ShipmentDoc | null> {
    return this.cols.shipments.findOne({ _id: orderId });
  }

  /** A shipment's stored tracking events (at most `max`), by _id once the read models are ready. */
  timeline(orderId: string, max: number): Promise<TrackingEventDoc[]> {
    return orderTimeline(this.cols, orderId, max);
  }

  /**
   * Most recently changed first, cursor-paged by (updatedAt, _id). `q` matches an order id or an AWB
   * exactly (what ops paste from a call).
   */
  async list(q: ShipmentPageQuery): Promise<ShipmentPage> {
    if (!(await rmReady(this.cols))) return this.listByQuery(q);
    const { cursor, ...filters } = q;
    const after = cursor ? decodeCursor(cursor) : undefined;
    return pageOf(await listShipmentsFromReadModels(this.cols, { ...filters, ...(after ? { after } : {}) }), q.limit);
  }

  /** The list as a plain query. */
  async listByQuery(q: ShipmentPageQuery): Promise<ShipmentPage> {
    const and: Filter<ShipmentDoc>[] = [];
    if (q.status) and.push({ status: q.status });
    if (q.courier) and.push({ courier: q.courier });
    if (q.ndrOpen) and.push({ ndrOpen: true });
    if (q.stuck) and.push({ stuck: true });
    if (q.q) and.push({ $or: [{ _id: q.q }, { awb: q.q }] });
    if (q.cursor) {
      const [updatedAt, id] = decodeCursor(q.cursor);
      and.push({ $or: [{ updatedAt: { $lt: updatedAt } }, { updatedAt, _id: { $lt: id } }] });
    }
    const docs = await this.cols.shipments
      .find(and.length ? { $and: and } : {})
      .sort({ updatedAt: -1, _id: -1 })
      .limit(q.limit + 1)
      .toArray();
    return pageOf(docs, q.limit);
  }

  /** Stuck shipments still in flight, longest without a scan first. */
  async stuck(courier: CourierId | undefined, limit = 200): Promise<ShipmentDoc[]> {
    if (await rmReady(this.cols)) return listStuckFromReadModels(this.cols, courier, limit);
    return this.stuckByQuery(courier, limit);
  }

  /** The stuck list as a plain query. */
  stuckByQuery(courier: CourierId | undefined, limit = 200): Promise<ShipmentDoc[]> {
    return this.cols.shipments
      .find({ stuck: true, status: { $nin: [...TERMINAL_STATUSES] }, ...(courier ? { courier } : {}) })
      .sort({ lastEventAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
  }

  /** Oldest open NDR first: the one closest to its default action. The cursor is `openedAt|_id`. */
  async ndrQueue(q: NdrQueueQuery): Promise<NdrQueuePage> {
    if (!(await rmReady(this.cols))) return this.ndrQueueByQuery(q);
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const docs = await ndrQueueFromReadModels(this.cols, {
      limit: q.limit,
      ...(q.courier ? { courier: q.courier } : {}),
      ...(q.reason ? { reason: q.reason } : {}),
      ...(q.paymentMethod ? { paymentMethod: q.paymentMethod } : {}),
      ...(q.minAttempts !== undefined ? { minAttempts: q.minAttempts } : {}),
      ...(q.olderThanHours !== undefined ? { openedBy: new Date(this.now() - q.olderThanHours * 3_600_000).toISOString() } : {}),
      ...(after ? { after } : {}),
    });
    const items = docs.slice(0, q.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > q.limit && last ? encodeCursor(last.ndr?.openedAt ?? '', last._id) : undefined };
  }

  /** The queue as a plain query (a collection scan on FerretDB). */
  async ndrQueueByQuery(q: NdrQueueQuery): Promise<NdrQueuePage> {
    const filter: Filter<ShipmentDoc> = { ndrOpen: true };
    if (q.courier) filter.courier = q.courier;
    if (q.reason) filter.ndrReason = q.reason;
    if (q.paymentMethod) filter.paymentMethod = q.paymentMethod;
    if (q.minAttempts !== undefined) filter['ndr.attempts'] = { $gte: q.minAttempts };
    const and: Filter<ShipmentDoc>[] = [];
    if (q.olderThanHours !== undefined) and.push({ 'ndr.openedAt': { $lte: new Date(this.now() - q.olderThanHours * 3_600_000).toISOString() } });
    if (q.cursor) {
      const [openedAt, id] = decodeCursor(q.cursor);
      and.push({ $or: [{ 'ndr.openedAt': { $gt: openedAt } }, { 'ndr.openedAt': openedAt, _id: { $gt: id } }] });
    }
    if (and.length) filter.$and = and;
    const docs = await this.cols.shipments.find(filter).sort({ 'ndr.openedAt': 1, _id: 1 }).limit(q.limit + 1).toArray();
    const items = docs.slice(0, q.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > q.limit && last ? encodeCursor(last.ndr?.openedAt ?? '', last._id) : undefined };
  }
}

/** `docs` holds up to limit + 1 items: the extra one says there is a next page. */
function pageOf(docs: ShipmentDoc[], limit: number): ShipmentPage {
  const items = docs.slice(0, limit);
  const last = items[items.length - 1];
  return { items, ...(docs.length > limit && last ? { nextCursor: encodeCursor(last.updatedAt, last._id) } : {}) };
}
