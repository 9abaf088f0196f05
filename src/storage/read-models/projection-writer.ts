// Applies one projection write (tracking events, order history and notes, the shipment, and every read
// model those feed) in as few round trips as the servers allow: one bulk write per collection, all
// keyed by exact _id.
//
// The read models are written as the difference between the shipment's state before and after the
// write. The state before comes from a process-local cache (this process wrote it) or, after a restart
// or on another process, from the stored shipment document (one read; `rm` on it holds what the order
// contributes, or the backfill's fact document for a shipment not written since). Every write is
// idempotent (entries are keyed; the shipment is guarded by seq), so a retried activity or a replayed
// workflow changes nothing twice.
//
// FerretDB (v1, SQLite): an update reads the document and writes it back, so two writers of one shared
// read-model document can lose each other's change. Writes therefore go through SerialBatches: one
// batch in flight per process; concurrent projection writes share it (one bulk write per collection for
// the whole batch, cut into commands of 16 statements: bulk.ts). The read models are packed strings
// this process keeps in memory (packed.ts). The shipment is written last, so a stored seq says
// everything before it is in, and the seq guard is checked in memory (no guarded filter: FerretDB would
// scan the collection for it). Run one worker process on FerretDB (npm start does): docs/data-model.md.
//
// MongoDB: updates are atomic, any number of workers. The shipment is written first with the atomic seq
// guard, then the rest: a write older than the stored one stops there. What a write must remove from
// the read models is kept on the shipment (`rm.pe`), so a retry after a crash between the two steps
// still removes it.
import type { AnyBulkWriteOperation, UpdateFilter } from 'mongodb';
import type { Collections } from '../collections';
import { isDuplicateKey } from '../mongo';
import type { OrderDoc, ReadModelDoc, ShipmentDoc, ShipmentReadModelFacts, TrackingEventDoc } from '../types';
import { entriesOf, PackedDocs } from './packed';
import { bulkWriteChunked } from './bulk';
import { factsDocId } from './backfill';
import { fieldKey, RM_VERSION } from './keys';
import { LruMap, SerialBatches } from './serial-batches';
import {
  compact,
  diffEntries,
  emptyOps,
  addTimeline,
  addWrites,
  eventFactEntries,
  mergeOps,
  factsOf,
  nextState,
  rmWrites,
  SHIPMENT_STATE_FIELDS,
  stateOfDoc,
  workerEntries,
  addUnset,
  type OrderBasis,
  type ProjectionWriteInput,
  type RmOps,
  type ShipmentState,
  type StoredShipment,
} from './state';

/** Shipments whose state this process remembers; live shipments are what webhooks and polls write. */
export const DEFAULT_STATE_CACHE = 50_000;

interface Loaded {
  prev: ShipmentState | null;
  basis: ShipmentReadModelFacts;
  complete: boolean;
  /** Removals the stored write recorded (rm.pe, `doc path`): redone when that same write is applied again. */
  pendingRemovals: string[];
}

interface Planned {
  w: ProjectionWriteInput;
  next: ShipmentState;
  ops: RmOps;
  removals: string[];
  /** Directory days this write sets (never removed: once written, later writes skip them). */
  flags: string[];
}

/** Directory days known to be written, per process: forgotten wholesale past this many. */
const KNOWN_FLAGS_MAX = 100_000;

export interface ProjectionWriterOptions {
  now?: () => number;
  cacheSize?: number;
  /** Projection writes per FerretDB batch at most. */
  maxBatch?: number;
}

export class ProjectionWriter {
  private readonly cache: LruMap<string, ShipmentState>;
  private readonly knownFlags = new Set<string>();
  /** FerretDB: the read-model documents this process writes, as it last wrote them (see packed.ts). */
  private readonly packed: PackedDocs;
  private readonly batches: SerialBatches<{ w: ProjectionWriteInput; loaded?: Loaded }>;
  private readonly now: () => number;

  constructor(
    private readonly cols: Collections,
    o: ProjectionWriterOptions = {},
  ) {
    this.now = o.now ?? Date.now;
    this.cache = new LruMap(o.cacheSize ?? DEFAULT_STATE_CACHE);
    this.packed = new PackedDocs(cols.readModels, 2_000);
    this.batches = new SerialBatches((items) => this.writeBatch(items), o.maxBatch ?? 100);
  }

  async apply(w: ProjectionWriteInput): Promise<void> {
    const c = this.cache.get(w.shipment.orderId);
    const known = c !== undefined && (c.seq === w.shipment.seq - 1 || c.seq >= w.shipment.seq);
    const loaded = known ? undefined : await this.load(w.shipment.orderId, w.shipment.seq === 1);
    if (await this.cols.idOnlyFilters()) return this.batches.submit({ w, ...(loaded ? { loaded } : {}) });
    return this.applyGuardFirst(w, loaded);
  }

  /**
   * The stored state of one shipment (and what its order contributes, when the shipment does not carry
   * it). A shipment's first write (seq 1) does not read the shipment: there is none, or it is this very
   * write applied before, which setting everything again repeats harmlessly.
   */
  private async load(orderId: string, first = false): Promise<Loaded> {
    const d = first ? null : ((await this.cols.shipments.findOne({ _id: orderId }, { projection: SHIPMENT_STATE_FIELDS })) as (StoredShipment & { rm?: { pe?: string[] } }) | null);
    if (d && d.rm?.v !== RM_VERSION) {
      // Backfilled and not written since: its facts are in the backfill's fact documents.
      const raw = entriesOf(await this.cols.readModels.findOne({ _id: factsDocId(orderId) }), 'e').get(fieldKey(orderId));
      const facts = raw ? (JSON.parse(raw) as ShipmentReadModelFacts) : undefined;
      if (facts?.v === RM_VERSION) d.rm = facts;
    }
    const needOrder = !d || !d.rm || d.rm.v !== RM_VERSION || d.rm.oc === undefined;
    const order = needOrder
      ? ((await this.cols.orders.findOne({ _id: orderId }, { projection: { createdAt: 1, status: 1, 'statusHistory.status': 1, 'statusHistory.at': 1 } })) as OrderBasis | null)
      : null;
    const { rm, complete } = factsOf(d, order);
    const { pe: _pe, ...basis } = rm as ShipmentReadModelFacts & { pe?: unknown };
    return { prev: d ? stateOfDoc(d, basis) : null, basis, complete, pendingRemovals: d?.rm?.pe ?? [] };
  }

  /** Plans one write from the cache or its loaded state; undefined when it is already applied (or stale). */
  private plan(w: ProjectionWriteInput, loaded: Loaded | undefined, storedMeansDone: boolean): Planned | 'load' | undefined {
    const seq = w.shipment.seq;
    const c = this.cache.get(w.shipment.orderId);
    let prev: ShipmentState | null;
    let basis: ShipmentReadModelFacts;
    let full: boolean;
    let complete: boolean;
    let redo: string[] = [];
    if (c && c.seq >= seq) return undefined;
    if (c && c.seq === seq - 1) {
      prev = c;
      basis = c.rm;
      full = false;
      complete = c.rm.v === RM_VERSION;
    } else if (loaded) {
      const stored = loaded.prev?.seq ?? 0;
      if (stored > seq || (stored === seq && storedMeansDone)) return undefined;
      if (stored === seq) {
        // This very write was applied in part (MongoDB: the shipment first): set everything it sets and
        // redo the removals it recorded.
        redo = loaded.pendingRemovals;
      }
      prev = loaded.prev;
      basis = loaded.basis;
      full = true;
      complete = loaded.complete;
    } else {
      return 'load';
    }
    const next = nextState(prev, w, basis);
    if (!complete) next.rm = { ...next.rm, v: 0 };
    const before = prev ? workerEntries(prev) : [];
    const after = workerEntries(next);
    const ops = diffEntries(before, after, full);
    const flags: string[] = [];
    for (const [doc, path, , sticky] of after) {
      if (!sticky) continue;
      const k = `${doc} ${path}`;
      const set = ops.sets.get(doc);
      if (this.knownFlags.has(k) && set && path in set) {
        delete set[path];
        if (Object.keys(set).length === 0) ops.sets.delete(doc);
      } else if (set && path in set) {
        flags.push(k);
      }
    }
    for (const r of redo) {
      const [doc, path] = r.split(' ') as [string, string];
      if (!(path in (ops.sets.get(doc) ?? {}))) addUnset(ops, doc, path);
    }
    // FerretDB v1 stores no nested arrays: `doc path` strings (neither holds a space).
    const removals = [...ops.unsets].flatMap(([doc, paths]) => Object.keys(paths).map((p) => `${doc} ${p}`));
    const events = w.shipment.awb ? w.events : [];
    for (const e of eventFactEntries(w.shipment.orderId, w.shipment.courier, events)) {
      ops.sets.set(e[0], { ...(ops.sets.get(e[0]) ?? {}), [e[1]]: e[2] });
    }
    addTimeline(ops, w.shipment.orderId, events.map((e) => e.key));
    return { w, next, ops, removals, flags };
  }

  // ---------------------------------------------------------------------------------------------
  // FerretDB: batches, shipment last.

  private async writeBatch(items: Array<{ w: ProjectionWriteInput; loaded?: Loaded }>): Promise<void[]> {
    const planned: Planned[] = [];
    const later: Array<{ w: ProjectionWriteInput; loaded?: Loaded }> = [];
    const inBatch = new Set<string>();
    for (const item of items) {
      const id = item.w.shipment.orderId;
      // Two attempts of one shipment's write (a retry overlapping a slow first attempt): the second waits.
      if (inBatch.has(id)) {
        later.push(item);
        continue;
      }
      let p = this.plan(item.w, item.loaded, true);
      if (p === 'load') p = this.plan(item.w, await this.load(id), true);
      if (p === 'load' || p === undefined) continue;
      inBatch.add(id);
      planned.push(p);
    }
    if (planned.length) {
      const ops = emptyOps();
      for (const p of planned) mergeOps(ops, p.ops);
      const packed = await this.packed.plan(ops);
      try {
        await Promise.all([this.writeWithRetry([...addWrites(ops), ...packed.writes]), this.writeEvents(planned), this.writeOrders(planned)]);
      } catch (e) {
        // What was written is not known: read those documents again next time.
        this.packed.forget([...ops.sets.keys(), ...ops.unsets.keys()]);
        throw e;
      }
      this.packed.commit(packed.next);
      await bulkWriteChunked(
        this.cols.shipments,
        planned.map((p) => ({ updateOne: { filter: { _id: p.w.shipment.orderId }, update: this.shipmentUpdate(p), upsert: true } })),
        { ordered: true },
      );
      for (const p of planned) this.committed(p);
    }
    for (const item of later) await this.writeBatch([item]);
    return items.map(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // MongoDB: one write at a time, guarded shipment first.

  private async applyGuardFirst(w: ProjectionWriteInput, loaded: Loaded | undefined): Promise<void> {
    let p = this.plan(w, loaded, false);
    if (p === 'load') p = this.plan(w, await this.load(w.shipment.orderId), false);
    if (p === 'load' || p === undefined) return;
    try {
      await this.cols.shipments.updateOne(
        { _id: w.shipment.orderId, $or: [{ seq: { $lte: w.shipment.seq } }, { seq: { $exists: false } }] },
        this.shipmentUpdate(p),
        { upsert: true },
      );
    } catch (e) {
      // A newer write is stored (the filter missed and the upsert hit the _id): this one is stale.
      if (!isDuplicateKey(e)) throw e;
      this.cache.delete(w.shipment.orderId);
      return;
    }
    await Promise.all([this.writeWithRetry(rmWrites(p.ops)), this.writeEvents([p]), this.writeOrders([p])]);
    this.committed(p);
  }

  private committed(p: Planned): void {
    this.cache.set(p.w.shipment.orderId, p.next);
    if (this.knownFlags.size + p.flags.length > KNOWN_FLAGS_MAX) this.knownFlags.clear();
    for (const f of p.flags) this.knownFlags.add(f);
  }

  // ---------------------------------------------------------------------------------------------

  private shipmentUpdate(p: Planned): UpdateFilter<ShipmentDoc> {
    const { at, ...fields } = p.w.shipment;
    const rm = compact({ ...p.next.rm, ...(p.removals.length ? { pe: p.removals } : {}) });
    return { $set: { ...fields, updatedAt: at, rm }, $setOnInsert: { createdAt: at } };
  }

  private async writeWithRetry(writes: AnyBulkWriteOperation<ReadModelDoc>[]): Promise<void> {
    for (let attempt = 1; writes.length; attempt++) {
      try {
        await bulkWriteChunked(this.cols.readModels, writes, { ordered: true });
        return;
      } catch (e) {
        // Two first writes of one new document at once (an upsert race FerretDB does not retry; MongoDB
        // does itself): the document exists now, so the same idempotent writes go through.
        if (attempt >= 3 || !isDuplicateKey(e)) throw e;
      }
    }
  }

  private async writeEvents(planned: Planned[]): Promise<void> {
    const storedAt = new Date(this.now()).toISOString();
    const ops: AnyBulkWriteOperation<TrackingEventDoc>[] = [];
    for (const { w } of planned) {
      const { orderId, courier, awb } = w.shipment;
      if (!awb) continue;
      for (const e of w.events) {
        // storedAt: when the store first showed this event (sync freshness, and the e2e benchmark's clock).
        ops.push({ updateOne: { filter: { _id: `${orderId}:${e.key}` }, update: { $set: { ...e, orderId, courier, awb }, $setOnInsert: { storedAt } }, upsert: true } });
      }
    }
    if (ops.length) await bulkWriteChunked(this.cols.trackingEvents, ops, { ordered: false });
  }

  /**
   * History entries and notes are added with $addToSet: the entry for a key is always the same document,
   * so a repeat adds nothing, and the seq guard keeps an older write from resetting the status.
   */
  private async writeOrders(planned: Planned[]): Promise<void> {
    const ops: AnyBulkWriteOperation<OrderDoc>[] = [];
    for (const { w } of planned) {
      if (w.orderStatus.length === 0 && w.notes.length === 0) continue;
      const last = w.orderStatus[w.orderStatus.length - 1];
      const updatedAt = w.notes.length ? w.notes[w.notes.length - 1]!.at : last!.at;
      const update: UpdateFilter<OrderDoc> = {
        $set: { ...(last ? { status: last.status } : {}), updatedAt },
        $addToSet: {
          ...(w.orderStatus.length ? { statusHistory: { $each: w.orderStatus } } : {}),
          ...(w.notes.length ? { notes: { $each: w.notes } } : {}),
        },
      };
      ops.push({ updateOne: { filter: { _id: w.shipment.orderId }, update } });
    }
    if (ops.length) await bulkWriteChunked(this.cols.orders, ops, { ordered: false });
  }
}


