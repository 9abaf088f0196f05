// Reads of the shipments projection (written by the workflow): the open NDR queue ops work through, from
// the read models (by _id only) once they are ready, else by the plain query they must match.
import type { Filter } from 'mongodb';
import type { CourierId } from '../domain/events';
import type { NdrReason } from '../domain/status';
import type { Collections } from './collections';
import { BadCursorError } from './orders-repo';
import { rmReady } from './read-models/read';
import { ndrQueueFromReadModels } from './read-models/shipment-lists';
import type { ShipmentDoc } from './types';

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

export class ShipmentsRepo {
  constructor(
    private readonly cols: Collections,
    private readonly now: () => number = Date.now,
  ) {}

  get(orderId: string): Promise<ShipmentDoc | null> {
    return this.cols.shipments.findOne({ _id: orderId });
  }

  /** Oldest open NDR first: the one closest to its default action. The cursor is `openedAt|_id`. */
  async ndrQueue(q: NdrQueueQuery): Promise<NdrQueuePage> {
    if (!(await rmReady(this.cols))) return this.ndrQueueByQuery(q);
    const after = q.cursor ? decodeNdrCursor(q.cursor) : undefined;
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
    return { items, nextCursor: docs.length > q.limit && last ? encodeNdrCursor(last.ndr?.openedAt ?? '', last._id) : undefined };
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
      const [openedAt, id] = decodeNdrCursor(q.cursor);
      and.push({ $or: [{ 'ndr.openedAt': { $gt: openedAt } }, { 'ndr.openedAt': openedAt, _id: { $gt: id } }] });
    }
    if (and.length) filter.$and = and;
    const docs = await this.cols.shipments.find(filter).sort({ 'ndr.openedAt': 1, _id: 1 }).limit(q.limit + 1).toArray();
    const items = docs.slice(0, q.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > q.limit && last ? encodeNdrCursor(last.ndr?.openedAt ?? '', last._id) : undefined };
  }
}

function encodeNdrCursor(openedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([openedAt, id])).toString('base64url');
}

function decodeNdrCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw new BadCursorError('invalid cursor');
}
