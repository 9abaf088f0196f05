// MongoDB implementation of the ProjectionStore port. Every write is idempotent so an activity retry
// (or a replayed workflow) can repeat it safely: shipment writes are guarded by a monotonic seq,
// events and history entries by their keys. applyProjection is what the activity uses: one write with
// the read models kept in step (read-models/projection-writer.ts); the single-purpose methods stay for
// callers that write one piece.
import type { CourierId } from '../domain/events';
import type { TimelineEntry } from '../workflows/shipment/contract';
import type { Collections } from './collections';
import { isDuplicateKey } from './mongo';
import { ProjectionWriter, type ProjectionWriterOptions } from './read-models/projection-writer';
import type { ProjectionWriteInput } from './read-models/state';
import type { OrderDoc, ProjectionStore, ShipmentProjection } from './types';

export class AwbConflictError extends Error {
  override readonly name = 'AwbConflictError';
}

export class MongoProjectionStore implements ProjectionStore {
  private readonly writer: ProjectionWriter;

  constructor(
    private readonly cols: Collections,
    private readonly now: () => number = Date.now,
    writerOptions: ProjectionWriterOptions = {},
  ) {
    this.writer = new ProjectionWriter(cols, { now, ...writerOptions });
  }

  applyProjection(w: ProjectionWriteInput): Promise<void> {
    return this.writer.apply(w);
  }

  async upsertShipment(p: ShipmentProjection): Promise<void> {
    const { at, ...fields } = p;
    if (await this.cols.idOnlyFilters()) {
      // FerretDB: the guard below would scan every shipment. Only this order's workflow writes here, one
      // write at a time, so a read by _id is as good a guard (and FerretDB's guarded update is a read too).
      const stored = await this.cols.shipments.findOne({ _id: p.orderId }, { projection: { seq: 1 } });
      if (stored && typeof stored.seq === 'number' && stored.seq >= p.seq) return;
      await this.cols.shipments.updateOne({ _id: p.orderId }, { $set: { ...fields, updatedAt: at }, $setOnInsert: { createdAt: at } }, { upsert: true });
      return;
    }
    try {
      await this.cols.shipments.updateOne(
        { _id: p.orderId, $or: [{ seq: { $lt: p.seq } }, { seq: { $exists: false } }] },
        { $set: { ...fields, updatedAt: at }, $setOnInsert: { createdAt: at } },
        { upsert: true },
      );
    } catch (e) {
      // The filter missed because a newer (or equal) seq is stored, and the upsert then hit the _id.
      if (!isDuplicateKey(e)) throw e;
    }
  }

  async upsertEvents(orderId: string, courier: CourierId, awb: string, entries: TimelineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.cols.trackingEvents.bulkWrite(
      entries.map((e) => ({
        updateOne: {
          filter: { _id: `${orderId}:${e.key}` },
          // storedAt: when the store first showed this event (sync freshness, and the e2e benchmark's clock).
          update: { $set: { ...e, orderId, courier, awb }, $setOnInsert: { storedAt: new Date(this.now()).toISOString() } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  async setOrderStatus(orderId: string, entry: OrderDoc['statusHistory'][number]): Promise<void> {
    if (await this.cols.idOnlyFilters()) {
      const order = await this.cols.orders.findOne({ _id: orderId }, { projection: { 'statusHistory.key': 1 } });
      if (!order || (order.statusHistory ?? []).some((h) => h.key === entry.key)) return;
      await this.cols.orders.updateOne({ _id: orderId }, { $set: { status: entry.status, updatedAt: entry.at }, $addToSet: { statusHistory: entry } });
      return;
    }
    await this.cols.orders.updateOne(
      { _id: orderId, 'statusHistory.key': { $ne: entry.key } },
      // $addToSet, not $push: FerretDB v1 evaluates the key filter and the update as read-then-write, so
      // two overlapping attempts of one projection write (a local activity retried after its timeout while
      // the first still runs) could both pass the filter. The entry for a key is always the same document.
      { $set: { status: entry.status, updatedAt: entry.at }, $addToSet: { statusHistory: entry } },
    );
  }

  async addOrderNote(orderId: string, note: OrderDoc['notes'][number]): Promise<void> {
    if (await this.cols.idOnlyFilters()) {
      const order = await this.cols.orders.findOne({ _id: orderId }, { projection: { 'notes.key': 1 } });
      if (!order || (order.notes ?? []).some((n) => n.key === note.key)) return;
      await this.cols.orders.updateOne({ _id: orderId }, { $addToSet: { notes: note }, $set: { updatedAt: note.at } });
      return;
    }
    await this.cols.orders.updateOne({ _id: orderId, 'notes.key': { $ne: note.key } }, { $addToSet: { notes: note }, $set: { updatedAt: note.at } });
  }

  async registerAwb(courier: CourierId, awb: string, orderId: string): Promise<void> {
    try {
      await this.cols.awbIndex.insertOne({ _id: `${courier}:${awb}`, courier, awb, orderId, createdAt: new Date().toISOString() });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      const existing = await this.cols.awbIndex.findOne({ _id: `${courier}:${awb}` });
      if (existing && existing.orderId !== orderId) {
        throw new AwbConflictError(`AWB ${awb} of ${courier} already belongs to order ${existing.orderId}`);
      }
    }
  }

  async getOrder(orderId: string): Promise<OrderDoc | null> {
    return this.cols.orders.findOne({ _id: orderId });
  }
}
