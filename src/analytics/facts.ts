// The facts sync analytics are computed from, out of the plain queries in storage/analytics-facts.ts
// (the read models' version is read-model-facts.ts): each applied event's latency, each shipment's
// outcome and its time, and the live counts.
import type { CourierId } from '../domain/events';
import type { OrderStatus, ShipmentStatus } from '../domain/status';
import type { Collections } from '../storage/collections';
import {
  appliedEventsReceivedIn,
  deliveredScanTimes,
  IN_CHUNK,
  liveShipmentGroups,
  orderStatusHistories,
  shipmentsEndedAround,
  type FactQueryRange,
  type OrderStatusHistory,
  type OutcomeShipmentRow,
} from '../storage/analytics-facts';
import type { AppliedEventFact, Outcome, OutcomeFact } from './metrics';

export type FactRange = FactQueryRange;

/** Events that moved a status, received by webhook or poll within the range. */
export async function readAppliedEvents(cols: Collections, r: FactRange, onFact: (f: AppliedEventFact) => void): Promise<void> {
  for await (const e of appliedEventsReceivedIn(cols, r)) {
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

export type OutcomeShipment = OutcomeShipmentRow;

/**
 * Shipments whose outcome falls in the range. A cancelled shipment has no outcome (it never went out).
 * The outcome's time: for a delivery, the courier's own time of the delivered scan; otherwise (RTO,
 * loss, or a delivery an admin set by hand) when Waybill recorded the order status change.
 */
export async function readOutcomes(cols: Collections, r: FactRange, onFact: (f: OutcomeFact) => void): Promise<void> {
  // A shipment's last write (updatedAt) is never earlier than its outcome, and its first (createdAt)
  // never later: the range test is exact below, this only narrows what is read.
  const shipments = await shipmentsEndedAround(cols, Object.keys(OUTCOME_OF) as ShipmentStatus[], r);
  for (let i = 0; i < shipments.length; i += IN_CHUNK) {
    const chunk = shipments.slice(i, i + IN_CHUNK);
    const histories = await orderStatusHistories(cols, chunk.map((s) => s._id));
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

function firstAt(history: OrderStatusHistory, status: OrderStatus): number | undefined {
  let first: number | undefined;
  for (const h of history) {
    if (h.status !== status) continue;
    const t = Date.parse(h.at);
    if (!Number.isNaN(t) && (first === undefined || t < first)) first = t;
  }
  return first;
}

export function outcomeFact(s: OutcomeShipment, history: OrderStatusHistory, deliveredScanAt: number | undefined): OutcomeFact | undefined {
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
  const groups = await liveShipmentGroups(cols, courier, syncSince);
  const out = new Map<CourierId, LiveCounts>();
  const row = (c: CourierId) => {
    let v = out.get(c);
    if (!v) out.set(c, (v = { live: 0, stuck: 0, ndrOpen: 0, syncEligible: 0, inSync: 0 }));
    return v;
  };
  for (const g of groups.byFlags) {
    const v = row(g._id.courier);
    v.live += g.n;
    if (g._id.stuck === true) v.stuck += g.n;
    if (g._id.ndrOpen === true) v.ndrOpen += g.n;
  }
  for (const g of groups.eligible) row(g._id.courier).syncEligible += g.n;
  for (const g of groups.inSync) row(g._id.courier).inSync += g.n;
  return out;
}
