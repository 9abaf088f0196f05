// What each read model holds for one shipment (and its order), as a pure function of the shipment's
// state: the writer computes the entries before and after a projection write and writes only the
// difference; the backfill writes the entries of the stored state. Entries are keyed by order id (or by
// event), so writing them twice changes nothing: an activity retried or a workflow replayed never
// double counts.
import { outcomeFactFrom, type OutcomeShipment } from '../../analytics/facts';
import { deliveryBinOf } from '../../analytics/metrics';
import type { CourierId } from '../../domain/events';
import { isTerminal, type NdrReason, type OrderStatus, type ShipmentStatus } from '../../domain/status';
import type { TimelineEntry } from '../../workflows/shipment/contract';
import type { OrderDoc, ShipmentDoc, ShipmentProjection, ShipmentReadModelFacts } from '../types';
import {
  courierCode,
  dayOf,
  eventFactKey,
  fieldKey,
  ids,
  isActiveOrderStatus,
  ORDER_ACTIVE_SHARDS,
  partitionsOf,
  RM_VERSION,
  shardOf,
  SHIPMENT_ACTIVE_SHARDS,
  utcSlot,
  type Role,
} from './keys';

/** One projection write, as the workflow sends it (activities/types.ts ProjectionWrite). */
export interface ProjectionWriteInput {
  shipment: ShipmentProjection;
  awb?: { courier: CourierId; awb: string };
  events: TimelineEntry[];
  orderStatus: Array<OrderDoc['statusHistory'][number]>;
  notes: Array<OrderDoc['notes'][number]>;
}

/** The fields of a shipment its read-model entries depend on. */
export interface ShipmentState {
  orderId: string;
  seq: number;
  courier: CourierId;
  status: ShipmentStatus;
  ndrOpen: boolean;
  ndrOpenedAt?: string;
  ndrAttempts?: number;
  ndrReason?: NdrReason;
  stuck: boolean;
  paymentMethod?: 'prepaid' | 'cod';
  lastEventAt?: string;
  lastSyncAt?: string;
  createdAt: string;
  updatedAt: string;
  rm: ShipmentReadModelFacts;
}

/** The projection of a stored shipment document the state needs (what the writer reads on a cache miss). */
export const SHIPMENT_STATE_FIELDS = {
  orderId: 1, seq: 1, courier: 1, status: 1, orderStatus: 1, ndrOpen: 1, 'ndr.openedAt': 1, 'ndr.attempts': 1, ndrReason: 1,
  stuck: 1, paymentMethod: 1, lastEventAt: 1, lastSyncAt: 1, createdAt: 1, updatedAt: 1, rm: 1,
} as const;

export type StoredShipment = Pick<ShipmentDoc, '_id' | 'seq' | 'courier' | 'status' | 'orderStatus' | 'ndrOpen' | 'ndrReason' | 'stuck' | 'paymentMethod' | 'lastEventAt' | 'lastSyncAt' | 'createdAt' | 'updatedAt' | 'rm'> & {
  orderId?: string;
  ndr?: { openedAt?: string; attempts?: number };
};

/** What the order itself tells (read once, for a shipment whose document does not carry it yet). */
export interface OrderBasis {
  createdAt?: string;
  status?: OrderStatus;
  statusHistory?: Array<{ status: OrderStatus; at: string }>;
}

export function firstTimes(history: ReadonlyArray<{ status: OrderStatus; at: string }> | undefined, into: Partial<Record<OrderStatus, string>> = {}): Partial<Record<OrderStatus, string>> {
  for (const h of history ?? []) into[h.status] = earlier(into[h.status], h.at);
  return into;
}

/** The earlier of two instants (as stored strings); an unparsable one never wins. */
function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (b === undefined || Number.isNaN(Date.parse(b))) return a;
  if (a === undefined || Number.isNaN(Date.parse(a))) return b;
  return Date.parse(b) < Date.parse(a) ? b : a;
}

export function stateOfDoc(d: StoredShipment, rm: ShipmentReadModelFacts): ShipmentState {
  return compact({
    orderId: d.orderId ?? d._id,
    seq: d.seq,
    courier: d.courier,
    status: d.status,
    ndrOpen: d.ndrOpen === true,
    ndrOpenedAt: d.ndr?.openedAt,
    ndrAttempts: d.ndr?.attempts,
    ndrReason: d.ndrReason,
    stuck: d.stuck === true,
    paymentMethod: d.paymentMethod,
    lastEventAt: d.lastEventAt,
    lastSyncAt: d.lastSyncAt,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    rm,
  });
}

/** Read-model facts of a stored shipment: its own when complete, else rebuilt from the order (delivered scan unknown). */
export function factsOf(d: StoredShipment | null, order: OrderBasis | null): { rm: ShipmentReadModelFacts; complete: boolean } {
  if (d?.rm && d.rm.v === RM_VERSION) return { rm: d.rm, complete: true };
  const rm: ShipmentReadModelFacts = compact({
    v: RM_VERSION,
    oc: d?.rm?.oc ?? order?.createdAt,
    os: order?.status ?? d?.orderStatus,
    first: firstTimes(order?.statusHistory, { ...(d?.rm?.first ?? {}) }),
    ds: d?.rm?.ds,
  });
  // A shipment new to the projection has no earlier delivered scan to miss; an older one might.
  return { rm, complete: d === null };
}

/**
 * The state after a projection write: its fields replace the stored ones as the shipment upsert's $set
 * does (a field the write leaves out keeps its stored value).
 */
export function nextState(prev: ShipmentState | null, w: ProjectionWriteInput, basis: ShipmentReadModelFacts): ShipmentState {
  const p = w.shipment;
  const lastStatus = w.orderStatus.length ? w.orderStatus[w.orderStatus.length - 1]!.status : undefined;
  const first = { ...(basis.first ?? {}) };
  for (const e of w.orderStatus) first[e.status] = earlier(first[e.status], e.at);
  let ds = basis.ds;
  if (p.awb) for (const e of w.events) if (e.status === 'delivered' && e.applied) ds = earlier(ds, e.occurredAt);
  return compact({
    orderId: p.orderId,
    seq: p.seq,
    courier: p.courier,
    status: p.status,
    ndrOpen: p.ndrOpen === true,
    ndrOpenedAt: p.ndr ? p.ndr.openedAt : prev?.ndrOpenedAt,
    ndrAttempts: p.ndr ? p.ndr.attempts : prev?.ndrAttempts,
    ndrReason: 'ndrReason' in p ? p.ndrReason : prev?.ndrReason,
    stuck: p.stuck === true,
    paymentMethod: 'paymentMethod' in p ? p.paymentMethod : prev?.paymentMethod,
    lastEventAt: 'lastEventAt' in p ? p.lastEventAt : prev?.lastEventAt,
    lastSyncAt: 'lastSyncAt' in p ? p.lastSyncAt : prev?.lastSyncAt,
    createdAt: prev?.createdAt ?? p.at,
    updatedAt: p.at,
    rm: compact({ v: basis.v, oc: basis.oc, os: lastStatus ?? basis.os ?? p.orderStatus, first, ds }),
  });
}

// -------------------------------------------------------------------------------------------------
// Entries

/** One field of one read-model document. Sticky fields (a directory's days) are never removed. */
export type Entry = readonly [docId: string, path: string, value: unknown, sticky?: true];

export function isActiveShipment(s: Pick<ShipmentState, 'status' | 'ndrOpen' | 'stuck'>): boolean {
  return !isTerminal(s.status) || s.ndrOpen || s.stuck;
}

/** A shipment's entry in the active set: everything the NDR queue, stuck list, shipment list and live counts filter and sort on. */
export interface ActiveShipmentEntry {
  u: string; // updatedAt
  s: ShipmentStatus;
  c: CourierId;
  n?: 1; // NDR open
  k?: 1; // stuck
  cr: string; // createdAt
  ls?: string; // lastSyncAt
  le?: string; // lastEventAt
  no?: string; // ndr.openedAt
  nr?: NdrReason; // ndrReason
  na?: number; // ndr.attempts
  pm?: 'prepaid' | 'cod';
}

/** Stored as `u|s|c|n|k|cr|ls|le|no|nr|na|pm` (none of the values holds a `|`). */
export function activeShipmentEntry(s: ShipmentState): string {
  return [s.updatedAt, s.status, s.courier, s.ndrOpen ? '1' : '', s.stuck ? '1' : '', s.createdAt, s.lastSyncAt ?? '', s.lastEventAt ?? '', s.ndrOpenedAt ?? '', s.ndrReason ?? '', s.ndrAttempts ?? '', s.paymentMethod ?? ''].join('|');
}

export function parseActiveShipment(v: string): ActiveShipmentEntry {
  const [u, st, c, n, k, cr, ls, le, no, nr, na, pm] = v.split('|');
  return compact({
    u: u!,
    s: st as ShipmentStatus,
    c: c as CourierId,
    n: n === '1' ? (1 as const) : undefined,
    k: k === '1' ? (1 as const) : undefined,
    cr: cr!,
    ls: ls || undefined,
    le: le || undefined,
    no: no || undefined,
    nr: (nr || undefined) as NdrReason | undefined,
    na: na ? Number(na) : undefined,
    pm: (pm || undefined) as 'prepaid' | 'cod' | undefined,
  });
}

export function shipmentEntries(s: ShipmentState): Entry[] {
  const key = `e.${fieldKey(s.orderId)}`;
  if (isActiveShipment(s)) return [[ids.shipmentActive(shardOf(s.orderId, SHIPMENT_ACTIVE_SHARDS)), key, activeShipmentEntry(s)]];
  const day = dayOf(s.updatedAt);
  return partitionsOf(s.status, s.courier).flatMap((part): Entry[] => [
    [ids.shipmentDay(part, day), key, s.updatedAt],
    [ids.shipmentDays(part), `d.${day}`, '1', true],
  ]);
}

/** An order's entry in the active set. */
export interface ActiveOrderEntry {
  c: string; // createdAt
  s: OrderStatus;
  k?: CourierId;
}

/** Stored as `createdAt|status|courier`. */
export const activeOrderValue = (e: ActiveOrderEntry): string => `${e.c}|${e.s}|${e.k ?? ''}`;

export function parseActiveOrder(v: string): ActiveOrderEntry {
  const [c, st, k] = v.split('|');
  return compact({ c: c!, s: st as OrderStatus, k: (k || undefined) as CourierId | undefined });
}

export function orderEntries(o: { id: string; createdAt: string; status: OrderStatus; courier?: CourierId }, role: Role): Entry[] {
  const key = `e.${fieldKey(o.id)}`;
  if (isActiveOrderStatus(o.status)) {
    return [[ids.orderActive(shardOf(o.id, ORDER_ACTIVE_SHARDS), role), key, activeOrderValue(compact({ c: o.createdAt, s: o.status, k: o.courier }))]];
  }
  const day = dayOf(o.createdAt);
  return partitionsOf(o.status, o.courier).flatMap((part): Entry[] => [
    [ids.orderDay(part, day, role), key, o.createdAt],
    [ids.orderDays(part, role), `d.${day}`, '1', true],
  ]);
}

/** An outcome fact: `courier|slot|outcome|hadNdr|delivery tenths of an hour|bin|createdAt|updatedAt`. */
export function outcomeEntry(s: ShipmentState): Entry | undefined {
  const first = (st: OrderStatus) => {
    const at = s.rm.first?.[st];
    const t = at === undefined ? NaN : Date.parse(at);
    return Number.isNaN(t) ? undefined : t;
  };
  const ds = s.rm.ds === undefined ? undefined : Date.parse(s.rm.ds);
  const shipment: OutcomeShipment = { _id: s.orderId, courier: s.courier, status: s.status, createdAt: s.createdAt, updatedAt: s.updatedAt, ndr: { attempts: s.ndrAttempts ?? 0 } };
  const f = outcomeFactFrom(shipment, first, ds === undefined || Number.isNaN(ds) ? undefined : ds);
  if (!f || Number.isNaN(f.at)) return undefined;
  const { day, slot } = utcSlot(f.at);
  const hours = f.deliveryHours;
  const value = [
    courierCode(f.courier),
    slot,
    f.outcome,
    f.hadNdr ? 1 : 0,
    hours === undefined ? '' : Math.round(hours * 10),
    hours === undefined ? '' : deliveryBinOf(hours),
    s.createdAt,
    s.updatedAt,
  ].join('|');
  return [ids.analytics(day, slot), `o.${fieldKey(s.orderId)}`, value];
}

/**
 * Courier events that moved the status, as analytics facts: `courier|slot|w or p|latency in tenths of
 * a second`, keyed by a hash of the event (a repeat writes the same entry again).
 */
export function eventFactEntries(orderId: string, courier: CourierId, events: readonly TimelineEntry[]): Entry[] {
  const out: Entry[] = [];
  for (const e of events) {
    if (e.applied !== true || (e.source !== 'webhook' && e.source !== 'poll')) continue;
    const receivedAt = Date.parse(e.receivedAt);
    const occurredAt = Date.parse(e.occurredAt);
    if (Number.isNaN(receivedAt) || Number.isNaN(occurredAt)) continue;
    const { day, slot } = utcSlot(receivedAt);
    const latencyMs = Math.max(0, receivedAt - occurredAt);
    // The report shows round(ms / 1000, 1): keep exactly that value (ranking commutes with rounding).
    const tenths = Math.round((latencyMs / 1000) * 10);
    out.push([ids.analytics(day, slot), `e.${eventFactKey(orderId, e.key)}`, `${courierCode(courier)}|${slot}|${e.source === 'webhook' ? 'w' : 'p'}|${tenths}`]);
  }
  return out;
}

/** Every entry the worker keeps for a shipment in this state (its order's entries included). */
export function workerEntries(s: ShipmentState): Entry[] {
  const out = shipmentEntries(s);
  const outcome = outcomeEntry(s);
  if (outcome) out.push(outcome);
  if (s.rm.oc !== undefined && s.rm.os !== undefined) out.push(...orderEntries({ id: s.orderId, createdAt: s.rm.oc, status: s.rm.os, courier: s.courier }, 'w'));
  return out;
}

// -------------------------------------------------------------------------------------------------
// Differences

export interface RmOps {
  sets: Map<string, Record<string, unknown>>;
  unsets: Map<string, Record<string, ''>>;
  /**
   * Keys added to a per-order document's `k` array ($addToSet): its timeline. One order's writes come
   * one at a time, so these need neither packing nor a single writer per process.
   */
  adds: Map<string, string[]>;
}

export const emptyOps = (): RmOps => ({ sets: new Map(), unsets: new Map(), adds: new Map() });

/** The timeline keys a write adds (its events, when written: they need the AWB). */
export function addTimeline(ops: RmOps, orderId: string, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const doc = ids.timeline(orderId);
  ops.adds.set(doc, [...(ops.adds.get(doc) ?? []), ...keys]);
}

/** The $addToSet writes of `adds` (both servers). */
export function addWrites(ops: RmOps): Array<{ updateOne: { filter: { _id: string }; update: Record<string, unknown>; upsert: true } }> {
  return [...ops.adds].map(([doc, keys]) => ({ updateOne: { filter: { _id: doc }, update: { $addToSet: { k: { $each: keys } } }, upsert: true } }));
}

/**
 * The writes that turn `prev`'s entries into `next`'s. `full` sets every entry of `next` (when the stored
 * entries are not known to match `prev`, e.g. the state was read back after a restart).
 */
export function diffEntries(prev: readonly Entry[], next: readonly Entry[], full: boolean, into: RmOps = emptyOps()): RmOps {
  const before = new Map(prev.map((e) => [`${e[0]}\u0000${e[1]}`, e]));
  const after = new Set<string>();
  for (const e of next) {
    const k = `${e[0]}\u0000${e[1]}`;
    after.add(k);
    const old = before.get(k);
    if (full || !old || JSON.stringify(old[2]) !== JSON.stringify(e[2])) addSet(into, e[0], e[1], e[2]);
  }
  for (const [k, e] of before) if (!after.has(k) && !e[3]) addUnset(into, e[0], e[1]);
  return into;
}

export function addSet(ops: RmOps, doc: string, path: string, value: unknown): void {
  let m = ops.sets.get(doc);
  if (!m) ops.sets.set(doc, (m = {}));
  m[path] = value;
}

export function addUnset(ops: RmOps, doc: string, path: string): void {
  let m = ops.unsets.get(doc);
  if (!m) ops.unsets.set(doc, (m = {}));
  m[path] = '';
}

/** MongoDB: one update per document, entries set field by field (creating the document), then entries removed. */
export function rmWrites(ops: RmOps): Array<{ updateOne: { filter: { _id: string }; update: Record<string, unknown>; upsert?: boolean } }> {
  return [
    ...addWrites(ops),
    ...[...ops.sets].map(([doc, set]) => ({ updateOne: { filter: { _id: doc }, update: { $set: set }, upsert: true } })),
    ...[...ops.unsets].map(([doc, unset]) => ({ updateOne: { filter: { _id: doc }, update: { $unset: unset } } })),
  ];
}

export function mergeOps(into: RmOps, from: RmOps): RmOps {
  for (const [doc, set] of from.sets) into.sets.set(doc, { ...(into.sets.get(doc) ?? {}), ...set });
  for (const [doc, unset] of from.unsets) into.unsets.set(doc, { ...(into.unsets.get(doc) ?? {}), ...unset });
  for (const [doc, keys] of from.adds) into.adds.set(doc, [...(into.adds.get(doc) ?? []), ...keys]);
  return into;
}

/** Drops undefined fields: states and entries compare (and are stored) the same whichever way they were built. */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}
