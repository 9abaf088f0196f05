// Reads the facts sync analytics are computed from. Only plain finds with projections and
// $match/$group($sum) are used, so the same code runs on FerretDB v1 (no $lookup/$facet/$bucket/$cond,
// no $elemMatch on sub-documents, no percentile accumulators) and on MongoDB 7. Joins happen here, by id.
import type { Filter } from 'mongodb';
import type { CourierId } from '../domain/events';
import type { OrderStatus, ShipmentStatus } from '../domain/status';
import { TERMINAL_STATUSES } from '../domain/status';
import type { Collections } from '../storage/collections';
import type { ShipmentDoc, TrackingEventDoc } from '../storage/types';
import type { AppliedEventFact, Outcome, OutcomeFact } from './metrics';

export interface FactRange {
  startsAt: number;
  endsAt: number; // exclusive
  courier?: CourierId;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** `$in` lists stay well under the 16 MB command limit and FerretDB's SQL parameter limits. */
const CHUNK = 500;

/** Events that moved a status, received by webhook or poll within the range. */
export async function readAppliedEvents(cols: Collections, r: FactRange, onFact: (f: AppliedEventFact) => void): Promise<void> {
  const filter: Filter<TrackingEventDoc> = {
    receivedAt: { $gte: iso(r.startsAt), $lt: iso(r.endsAt) },
    applied: true,
    source: { $in: ['webhook', 'poll'] },
    ...(r.courier ? { courier: r.courier } : {}),
  };
  const cursor = cols.trackingEvents.find(filter).project<Pick<TrackingEventDoc, 'courier' | 'source' | 'occurredAt' | 'receivedAt'>>({ _id: 0, courier: 1, source: 1, occurredAt: 1, receivedAt: 1 });
  for await (const e of cursor) {
    const receivedAt = Date.parse(e.receivedAt);
    const occurredAt = Date.parse(e.occurredAt);
    if (Number.isNaN(receivedAt) || Number.isNaN(occurredAt)) continue;
    onFact({ courier: e.courier, source: e.source as 'webhook' | 'poll', receivedAt, latencyMs: Math.max(0, receivedAt - occurredAt) });
  }
}

export const OUTCOME_OF: Partial<Record<ShipmentStatus, Outcome>> = {
  delivered: 'delivered',
  rto_initiated: 'rto',
  rto_in_transit: 'rto',
  rto_delivered: 'rto',
  lost: 'lost',
  damaged: 'lost',
};
/** The order status that records each outcome in the order's status history. */
const OUTCOME_ORDER_STATUS: Record<Outcome, OrderStatus> = { delivered: 'delivered', rto: 'returned', lost: 'lost' };

export type OutcomeShipment = Pick<ShipmentDoc, '_id' | 'courier' | 'status' | 'createdAt' | 'updatedAt'> & { ndr?: { attempts: number } };
type OrderHistory = { _id: string; statusHistory?: Array<{ status: OrderStatus; at: string }> };

/**
 * Shipments whose outcome falls in the range. A cancelled shipment has no outcome (it never went out).
 * The outcome's time: for a delivery, the courier's own time of the delivered scan; otherwise (RTO,
 * loss, or a delivery an admin set by hand) when Waybill recorded the order status change.
 */
export async function readOutcomes(cols: Collections, r: FactRange, onFact: (f: OutcomeFact) => void): Promise<void> {
  // A shipment's last write (updatedAt) is never earlier than its outcome, and its first (createdAt)
  // never later: the range test is exact below, this only narrows what is read.
  const filter: Filter<ShipmentDoc> = {
    status: { $in: Object.keys(OUTCOME_OF) as ShipmentStatus[] },
    updatedAt: { $gte: iso(r.startsAt) },
    createdAt: { $lt: iso(r.endsAt) },
    ...(r.courier ? { courier: r.courier } : {}),
  };
  const shipments = await cols.shipments.find(filter).project<OutcomeShipment>({ _id: 1, courier: 1, status: 1, createdAt: 1, updatedAt: 1, 'ndr.attempts': 1 }).toArray();
  for (let i = 0; i < shipments.length; i += CHUNK) {
    const chunk = shipments.slice(i, i + CHUNK);
    const ids = chunk.map((s) => s._id);
    const histories = new Map<string, OrderHistory['statusHistory']>();
    const orders = cols.orders.find({ _id: { $in: ids } }).project<OrderHistory>({ 'statusHistory.status': 1, 'statusHistory.at': 1 });
    for await (const o of orders) histories.set(o._id, o.statusHistory);
    const deliveredScan = await deliveredScanTimes(
      cols,
      chunk.filter((s) => s.status === 'delivered').map((s) => s._id),
    );
    for (const s of chunk) {
      const fact = outcomeFact(s, histories.get(s._id) ?? [], deliveredScan.get(s._id));
      if (fact && fact.at >= r.startsAt && fact.at < r.endsAt) onFact(fact);
    }
  }
}

/** Earliest courier time of an applied 'delivered' scan, per order. */
async function deliveredScanTimes(cols: Collections, orderIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (orderIds.length === 0) return out;
  const cursor = cols.trackingEvents
    .find({ orderId: { $in: orderIds }, status: 'delivered', applied: true })
    .project<Pick<TrackingEventDoc, 'orderId' | 'occurredAt'>>({ _id: 0, orderId: 1, occurredAt: 1 });
  for await (const e of cursor) {
    const t = Date.parse(e.occurredAt);
    const prev = out.get(e.orderId);
    if (!Number.isNaN(t) && (prev === undefined || t < prev)) out.set(e.orderId, t);
  }
  return out;
}

function firstAt(history: NonNullable<OrderHistory['statusHistory']>, status: OrderStatus): number | undefined {
  let first: number | undefined;
  for (const h of history) {
    if (h.status !== status) continue;
    const t = Date.parse(h.at);
    if (!Number.isNaN(t) && (first === undefined || t < first)) first = t;
  }
  return first;
}

export function outcomeFact(s: OutcomeShipment, history: NonNullable<OrderHistory['statusHistory']>, deliveredScanAt: number | undefined): OutcomeFact | undefined {
  return outcomeFactFrom(s, (status) => firstAt(history, status), deliveredScanAt);
}

/**
 * The outcome fact from the shipment and the earliest time of each order status in its history (the
 * read models keep those times beside the shipment instead of reading the order's history).
 */
export function outcomeFactFrom(s: OutcomeShipment, first: (status: OrderStatus) => number | undefined, deliveredScanAt: number | undefined): OutcomeFact | undefined {
  const outcome = OUTCOME_OF[s.status];
  if (!outcome) return undefined;
  const recorded = first(OUTCOME_ORDER_STATUS[outcome]);
  const at = (outcome === 'delivered' ? deliveredScanAt : undefined) ?? recorded ?? Date.parse(s.updatedAt);
  // Booked = the order became 'shipped' (pending → booked); the shipment's creation when history is missing.
  const bookedAt = first('shipped') ?? Date.parse(s.createdAt);
  const hadNdr = (s.ndr?.attempts ?? 0) > 0 || first('delivery_failed') !== undefined;
  const hours = (at - bookedAt) / 3_600_000;
  return {
    courier: s.courier,
    outcome,
    at,
    hadNdr,
    ...(outcome === 'delivered' && Number.isFinite(hours) && hours >= 0 ? { deliveryHours: hours } : {}),
  };
}

export interface LiveCounts {
  live: number;
  stuck: number;
  ndrOpen: number;
  /** Live shipments booked before the sync window began (younger ones may not have been polled yet). */
  syncEligible: number;
  /** Of those, the ones with a successful sync (webhook or poll) within the window. */
  inSync: number;
}

/** Shipments in flight now (booked, not finished), counted per courier with $match + $group/$sum. */
export async function readLiveCounts(cols: Collections, courier: CourierId | undefined, syncSince: number): Promise<Map<CourierId, LiveCounts>> {
  const live: Filter<ShipmentDoc> = { status: { $nin: [...TERMINAL_STATUSES, 'pending'] }, ...(courier ? { courier } : {}) };
  const eligible: Filter<ShipmentDoc> = { ...live, createdAt: { $lt: iso(syncSince) } };
  const inSync: Filter<ShipmentDoc> = { ...eligible, lastSyncAt: { $gte: iso(syncSince) } };
  const out = new Map<CourierId, LiveCounts>();
  const row = (c: CourierId) => {
    let v = out.get(c);
    if (!v) out.set(c, (v = { live: 0, stuck: 0, ndrOpen: 0, syncEligible: 0, inSync: 0 }));
    return v;
  };
  type Group = { _id: { courier: CourierId; stuck?: boolean; ndrOpen?: boolean }; n: number };
  const byFlags = await cols.shipments
    .aggregate<Group>([{ $match: live }, { $group: { _id: { courier: '$courier', stuck: '$stuck', ndrOpen: '$ndrOpen' }, n: { $sum: 1 } } }])
    .toArray();
  for (const g of byFlags) {
    const v = row(g._id.courier);
    v.live += g.n;
    if (g._id.stuck === true) v.stuck += g.n;
    if (g._id.ndrOpen === true) v.ndrOpen += g.n;
  }
  const count = async (match: Filter<ShipmentDoc>, field: 'syncEligible' | 'inSync') => {
    for (const g of await cols.shipments.aggregate<Group>([{ $match: match }, { $group: { _id: { courier: '$courier' }, n: { $sum: 1 } } }]).toArray()) row(g._id.courier)[field] += g.n;
  };
  await count(eligible, 'syncEligible');
  await count(inSync, 'inSync');
  return out;
}
