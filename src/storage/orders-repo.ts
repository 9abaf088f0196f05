// Orders as the store pushes them. Upserts are allowed while the order is still processing; once it has
// shipped, its data belongs to the shipment workflow.
import type { Filter } from 'mongodb';
import type { CourierId } from '../domain/events';
import type { OrderStatus } from '../domain/status';
import type { Collections } from './collections';
import type { OrderDoc } from './types';

export interface NewOrder {
  id: string;
  customer: OrderDoc['customer'];
  shippingAddress: OrderDoc['shippingAddress'];
  items: OrderDoc['items'];
  paymentMethod: OrderDoc['paymentMethod'];
  codAmount?: number;
}

export type UpsertOutcome = { kind: 'created' | 'updated'; order: OrderDoc } | { kind: 'locked'; order: OrderDoc };

export interface OrderPage {
  items: OrderDoc[];
  nextCursor?: string;
}

export class OrdersRepo {
  constructor(
    private readonly cols: Collections,
    private readonly now: () => number = Date.now,
  ) {}

  async upsert(input: NewOrder): Promise<UpsertOutcome> {
    const at = new Date(this.now()).toISOString();
    const data = {
      customer: input.customer,
      shippingAddress: input.shippingAddress,
      items: input.items,
      paymentMethod: input.paymentMethod,
      codAmount: input.paymentMethod === 'cod' ? (input.codAmount ?? 0) : 0,
      orderValue: input.items.reduce((s, i) => s + i.unitPrice * i.quantity, 0),
    };
    const existing = await this.cols.orders.findOne({ _id: input.id });
    if (existing && (existing.status !== 'processing' || existing.shipment)) return { kind: 'locked', order: existing };
    if (existing) {
      const order = await this.cols.orders.findOneAndUpdate(
        { _id: input.id, status: 'processing', shipment: { $exists: false } },
        { $set: { ...data, updatedAt: at } },
        { returnDocument: 'after' },
      );
      // Lost a race with the ship endpoint: the order is now locked.
      return order ? { kind: 'updated', order } : { kind: 'locked', order: (await this.get(input.id))! };
    }
    const doc: OrderDoc = {
      _id: input.id,
      status: 'processing',
      statusHistory: [{ key: 'store:created', status: 'processing', at, source: 'store' }],
      notes: [],
      ...data,
      createdAt: at,
      updatedAt: at,
    };
    try {
      await this.cols.orders.insertOne(doc);
      return { kind: 'created', order: doc };
    } catch {
      // A concurrent push created it first: treat this one as an update of the same data.
      return this.upsert(input);
    }
  }

  get(id: string): Promise<OrderDoc | null> {
    return this.cols.orders.findOne({ _id: id });
  }

  /** Records which courier/workflow owns the order; idempotent. */
  async setShipment(id: string, shipment: { courier: CourierId; workflowId: string; awb?: string; trackingUrl?: string }): Promise<void> {
    const at = new Date(this.now()).toISOString();
    await this.cols.orders.updateOne(
      { _id: id },
      { $set: { 'shipment.courier': shipment.courier, 'shipment.workflowId': shipment.workflowId, ...(shipment.awb ? { 'shipment.awb': shipment.awb } : {}), ...(shipment.trackingUrl ? { 'shipment.trackingUrl': shipment.trackingUrl } : {}), updatedAt: at } },
    );
    await this.cols.orders.updateOne({ _id: id, 'shipment.shippedAt': { $exists: false } }, { $set: { 'shipment.shippedAt': at } });
  }

  /** Cancels an order that never shipped; false when it has shipped (or is not processing) meanwhile. */
  async cancelUnshipped(id: string, entry: { by: string; reason: string; key: string }): Promise<boolean> {
    const at = new Date(this.now()).toISOString();
    const r = await this.cols.orders.updateOne(
      { _id: id, status: 'processing', shipment: { $exists: false } },
      {
        $set: { status: 'cancelled', updatedAt: at },
        $push: { statusHistory: { key: entry.key, status: 'cancelled', at, source: 'manual', by: entry.by, reason: entry.reason } },
      },
    );
    return r.modifiedCount === 1;
  }

  /** Newest first; the cursor is the last item's `createdAt|_id`. */
  async list(q: { status?: OrderStatus; courier?: CourierId; limit: number; cursor?: string }): Promise<OrderPage> {
    const filter: Filter<OrderDoc> = {};
    if (q.status) filter.status = q.status;
    if (q.courier) filter['shipment.courier'] = q.courier;
    if (q.cursor) {
      const [createdAt, id] = decodeCursor(q.cursor);
      filter.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }];
    }
    const items = await this.cols.orders.find(filter).sort({ createdAt: -1, _id: -1 }).limit(q.limit + 1).toArray();
    const page = items.slice(0, q.limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > q.limit && last ? encodeCursor(last.createdAt, last._id) : undefined };
  }
}

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export class BadCursorError extends Error {}

export function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw new BadCursorError('invalid cursor');
}
