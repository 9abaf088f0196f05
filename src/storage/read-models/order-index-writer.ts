// The API's own entries in the order lists: orders the store pushes (processing), the courier an admin
// ships one with, and orders cancelled before they shipped. Once an order ships, its workflow's
// projection writes (the worker's entries) take over; the API's entry for it goes stale and is removed
// by a repair when a list meets it, and by a slow sweep of one shard at a time.
//
// Written only by this process role ('a') and one batch at a time (SerialBatches): on FerretDB two
// writers of one document could lose each other's change (docs/data-model.md).
import type { CourierId } from '../../domain/events';
import type { Collections } from '../collections';
import type { OrderDoc } from '../types';
import { bulkWriteChunked } from './bulk';
import { fieldKey, idOfFieldKey, ids, ORDER_ACTIVE_SHARDS, shardOf } from './keys';
import { fetchByIds, readDocs } from './read';
import { SerialBatches } from './serial-batches';
import { entriesOf, PackedDocs } from './packed';
import { activeOrderValue, addUnset, diffEntries, emptyOps, mergeOps, orderEntries, parseActiveOrder, rmWrites, type ActiveOrderEntry, type RmOps } from './state';

/** A sweep looks at one shard of the API's entries at most this often. */
const SWEEP_EVERY_MS = 60_000;

export class OrderIndexWriter {
  private readonly batches: SerialBatches<RmOps>;
  private readonly packed: PackedDocs;
  private lastSweep = 0;
  private nextShard = 0;

  constructor(
    private readonly cols: Pick<Collections, 'readModels' | 'orders' | 'idOnlyFilters'>,
    private readonly now: () => number = Date.now,
  ) {
    this.packed = new PackedDocs(cols.readModels, 1_000);
    this.batches = new SerialBatches<RmOps>(async (items): Promise<void[]> => {
      const ops = emptyOps();
      for (const o of items) mergeOps(ops, o);
      if (await this.cols.idOnlyFilters()) {
        // FerretDB: this process is the only writer of the API's documents; they are packed (packed.ts).
        const plan = await this.packed.plan(ops);
        try {
          await bulkWriteChunked(this.cols.readModels, plan.writes, { ordered: true });
        } catch (e) {
          this.packed.forget([...ops.sets.keys(), ...ops.unsets.keys()]);
          throw e;
        }
        this.packed.commit(plan.next);
      } else {
        const writes = rmWrites(ops);
        if (writes.length) await bulkWriteChunked(this.cols.readModels, writes, { ordered: true });
      }
      return items.map(() => undefined);
    });
  }

  /** A processing order, as the API knows it (pushed by the store, maybe handed to a courier). */
  async processing(o: { id: string; createdAt: string; courier?: CourierId }): Promise<void> {
    await this.batches.submit(diffEntries([], orderEntries({ id: o.id, createdAt: o.createdAt, status: 'processing', ...(o.courier ? { courier: o.courier } : {}) }, 'a'), true));
    this.maybeSweep();
  }

  /** Cancelled before it shipped: out of the active set, into the finished orders of its creation day. */
  async cancelledUnshipped(o: { id: string; createdAt: string }): Promise<void> {
    const ops = diffEntries(orderEntries({ id: o.id, createdAt: o.createdAt, status: 'processing' }, 'a'), orderEntries({ id: o.id, createdAt: o.createdAt, status: 'cancelled' }, 'a'), false);
    await this.batches.submit(ops);
  }

  /** The API's entries a list found not matching their orders: fixed from the order as it is now. */
  repair(stale: Array<{ id: string; entry: ActiveOrderEntry; doc: OrderDoc | undefined }>): Promise<void> {
    const ops = emptyOps();
    for (const { id, entry, doc } of stale) this.repairOne(ops, id, entry, doc);
    return ops.sets.size || ops.unsets.size ? this.batches.submit(ops) : Promise.resolve();
  }

  private repairOne(ops: RmOps, id: string, entry: ActiveOrderEntry, doc: OrderDoc | undefined): void {
    const path = `e.${fieldKey(id)}`;
    const docId = ids.orderActive(shardOf(id, ORDER_ACTIVE_SHARDS), 'a');
    if (doc && doc.status === 'processing') {
      // Still the API's to list: make the entry say what the order says.
      const want: ActiveOrderEntry = { c: doc.createdAt, s: 'processing', ...(doc.shipment?.courier ? { k: doc.shipment.courier } : {}) };
      if (activeOrderValue(want) !== activeOrderValue(entry)) diffEntries([], orderEntries({ id, createdAt: doc.createdAt, status: 'processing', ...(want.k ? { courier: want.k } : {}) }, 'a'), true, ops);
      return;
    }
    // Shipped (the worker lists it now), finished, or gone.
    addUnset(ops, docId, path);
  }

  /** One shard of the API's entries checked against the orders, at most once a minute, in the background. */
  private maybeSweep(): void {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    const shard = this.nextShard;
    this.nextShard = (shard + 1) % ORDER_ACTIVE_SHARDS;
    void this.sweepShard(shard).catch(() => undefined);
  }

  /** Checks every API entry of one shard that names a courier (handed to a workflow) against its order. */
  async sweepShard(shard: number): Promise<number> {
    const [doc] = await readDocs(this.cols, [ids.orderActive(shard, 'a')]);
    const handed = [...entriesOf(doc, 'e')]
      .map(([k, v]) => ({ id: idOfFieldKey(k), entry: parseActiveOrder(v) }))
      .filter((x) => x.entry.k !== undefined);
    if (handed.length === 0) return 0;
    const orders = await fetchByIds(this.cols.orders, handed.map((h) => h.id));
    const stale = handed.filter((h) => orders.get(h.id)?.status !== 'processing').map((h) => ({ ...h, doc: orders.get(h.id) }));
    await this.repair(stale);
    return stale.length;
  }
}
