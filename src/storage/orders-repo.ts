// Orders as the store pushes them. Upserts are allowed while the order is still processing; once it has
// shipped, its data belongs to the shipment workflow. Every write here also keeps the API's entries in
// the order list's read models (read-models/order-index-writer.ts); the list reads those (by _id only)
// once the worker's backfill has made them complete.
import type { Filter } from 'mongodb';
import type { CourierId } from '../domain/events';
import type { OrderStatus } from '../domain/status';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import type { Collections } from './collections';
import { OrderIndexWriter } from './read-models/order-index-writer';
import { listOrdersFromReadModels } from './read-models/order-list';
import { rmReady } from './read-models/read';
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
  private readonly index: OrderIndexWriter;

  constructor(
    private readonly cols: Collections,
    private readonly now: () => number = Date.now,
  ) {
    this.index = new OrderIndexWriter(cols, now);
  }

  async upsert(input: NewOrder): Promise<UpsertOutcome> {
    const at = new Date(this.now()).toISOString();
    const data = orderFields(input);
    const existing = await this.cols.orders.findOne({ _id: input.id });
    if (existing && (existing.status !== 'processing' || existing.shipment)) return { kind: 'locked', order: existing };
    if (existing) {
      // FerretDB would scan every order for the guarded filter, and evaluates it as read-then-write
      // anyway: there the check above is the guard.
      const filter: Filter<OrderDoc> = (await this.cols.idOnlyFilters()) ? { _id: input.id } : { _id: input.id, status: 'processing', shipment: { $exists: false } };
      const order = await this.cols.orders.findOneAndUpdate(filter, { $set: { ...data, updatedAt: at } }, { returnDocument: 'after' });
      // Lost a race with the ship endpoint: the order is now locked.
      if (!order) return { kind: 'locked', order: (await this.get(input.id))! };
      // Idempotent: repairs the list entry should an earlier push have failed after the insert.
      await this.index.processing({ id: order._id, createdAt: order.createdAt });
      return { kind: 'updated', order };
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
    } catch {
      // A concurrent push created it first: treat this one as an update of the same data.
      return this.upsert(input);
    }
    await this.index.processing({ id: doc._id, createdAt: doc.createdAt });
    return { kind: 'created', order: doc };
  }

  get(id: string): Promise<OrderDoc | null> {
    return this.cols.orders.findOne({ _id: id });
  }

  /** Records which courier/workflow owns the order; idempotent. */
  async setShipment(id: string, shipment: { courier: CourierId; workflowId: string; awb?: string; trackingUrl?: string }): Promise<void> {
    const at = new Date(this.now()).toISOString();
    const order = await this.cols.orders.findOneAndUpdate(
      { _id: id },
      {
        $set: { 'shipment.courier': shipment.courier, 'shipment.workflowId': shipment.workflowId, ...(shipment.awb ? { 'shipment.awb': shipment.awb } : {}), ...(shipment.trackingUrl ? { 'shipment.trackingUrl': shipment.trackingUrl } : {}), updatedAt: at },
        // The first ship time stays: $min sets a missing field and keeps an earlier one (no guarded filter).
        $min: { 'shipment.shippedAt': at },
      },
      // No projection: FerretDB v1's findAndModify does not implement one.
      { returnDocument: 'after' },
    );
    // Still processing: the API lists it (with its courier) until the workflow's first projection write.
    if (order?.status === 'processing') await this.index.processing({ id, createdAt: order.createdAt, courier: shipment.courier });
  }

  /** Cancels an order that never shipped; false when it has shipped (or is not processing) meanwhile. */
  async cancelUnshipped(id: string, entry: { by: string; reason: string; key: string }): Promise<boolean> {
    const at = new Date(this.now()).toISOString();
    const update = {
      $set: { status: 'cancelled' as const, updatedAt: at },
      $push: { statusHistory: { key: entry.key, status: 'cancelled' as const, at, source: 'manual' as const, by: entry.by, reason: entry.reason } },
    };
    let createdAt: string | undefined;
    if (await this.cols.idOnlyFilters()) {
      // FerretDB: the guarded filter would scan every order (and is read-then-write there anyway).
      const order = await this.cols.orders.findOne({ _id: id }, { projection: { status: 1, shipment: 1, createdAt: 1 } });
      if (!order || order.status !== 'processing' || order.shipment) return false;
      const r = await this.cols.orders.updateOne({ _id: id }, update);
      if (r.modifiedCount !== 1) return false;
      createdAt = order.createdAt;
    } else {
      const before = await this.cols.orders.findOneAndUpdate({ _id: id, status: 'processing', shipment: { $exists: false } }, update);
      if (!before) return false;
      createdAt = before.createdAt;
    }
    await this.index.cancelledUnshipped({ id, createdAt });
    return true;
  }

  /** Newest first; the cursor is the last item's `createdAt|_id`. */
  async list(q: { status?: OrderStatus; courier?: CourierId; limit: number; cursor?: string }): Promise<OrderPage> {
    if (!(await rmReady(this.cols))) return this.listByQuery(q);
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const items = await listOrdersFromReadModels(
      this.cols,
      { limit: q.limit, ...(q.status ? { status: q.status } : {}), ...(q.courier ? { courier: q.courier } : {}), ...(after ? { after } : {}) },
      (stale) => void this.index.repair(stale).catch(() => undefined),
    );
    const page = items.slice(0, q.limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > q.limit && last ? encodeCursor(last.createdAt, last._id) : undefined };
  }

  /** The same list as a plain query: what the read models must match (and what runs until they are ready). */
  async listByQuery(q: { status?: OrderStatus; courier?: CourierId; limit: number; cursor?: string }): Promise<OrderPage> {
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

/** The stored fields of an order the store pushed (the API's path and the benchmarks' bulk loads share it). */
export function orderFields(input: NewOrder) {
  return {
    customer: input.customer,
    shippingAddress: input.shippingAddress,
    items: input.items,
    paymentMethod: input.paymentMethod,
    codAmount: input.paymentMethod === 'cod' ? (input.codAmount ?? 0) : 0,
    orderValue: input.items.reduce((s, i) => s + i.unitPrice * i.quantity, 0),
  };
}
