// The plain queries behind sync analytics (src/analytics/facts.ts turns their rows into facts), for
// when the read models are not ready or a range does not fall on their quarter hours. Only plain finds
// with projections and $match/$group($sum) are used, so the same code runs on FerretDB v1 (no
// $lookup/$facet/$bucket/$cond, no $elemMatch on sub-documents, no percentile accumulators) and on
// MongoDB 7. Each is a collection scan on FerretDB; joins happen in code, by id.
import type { Filter } from 'mongodb';
import type { CourierId } from '../domain/events';
import { TERMINAL_STATUSES, type OrderStatus, type ShipmentStatus } from '../domain/status';
import type { Collections } from './collections';
import type { ShipmentDoc, TrackingEventDoc } from './types';

/** An instant range [startsAt, endsAt) in epoch milliseconds, optionally one courier's. */
export interface FactQueryRange {
  startsAt: number;
  endsAt: number; // exclusive
  courier?: CourierId;
}

/** `$in` lists stay well under the 16 MB command limit and FerretDB's SQL parameter limits: pass at most this many ids. */
export const IN_CHUNK = 500;

const iso = (ms: number) => new Date(ms).toISOString();

export type AppliedEventRow = Pick<TrackingEventDoc, 'courier' | 'source' | 'occurredAt' | 'receivedAt'>;

/** Events that moved a status, received by webhook or poll within the range. */
export function appliedEventsReceivedIn(cols: Pick<Collections, 'trackingEvents'>, r: FactQueryRange): AsyncIterable<AppliedEventRow> {
  const filter: Filter<TrackingEventDoc> = {
    receivedAt: { $gte: iso(r.startsAt), $lt: iso(r.endsAt) },
    applied: true,
    source: { $in: ['webhook', 'poll'] },
    ...(r.courier ? { courier: r.courier } : {}),
  };
  return cols.trackingEvents.find(filter).project<AppliedEventRow>({ _id: 0, courier: 1, source: 1, occurredAt: 1, receivedAt: 1 });
}

export type OutcomeShipmentRow = Pick<ShipmentDoc, '_id' | 'courier' | 'status' | 'createdAt' | 'updatedAt'> & { ndr?: { attempts: number } };

/**
 * Shipments now in one of `statuses` that may have reached it within the range: last written at or
 * after its start (`updatedAt`) and first written before its end (`createdAt`).
 */
export function shipmentsEndedAround(cols: Pick<Collections, 'shipments'>, statuses: readonly ShipmentStatus[], r: FactQueryRange): Promise<OutcomeShipmentRow[]> {
  const filter: Filter<ShipmentDoc> = {
    status: { $in: [...statuses] },
    updatedAt: { $gte: iso(r.startsAt) },
    createdAt: { $lt: iso(r.endsAt) },
    ...(r.courier ? { courier: r.courier } : {}),
  };
  return cols.shipments.find(filter).project<OutcomeShipmentRow>({ _id: 1, courier: 1, status: 1, createdAt: 1, updatedAt: 1, 'ndr.attempts': 1 }).toArray();
}

export type OrderStatusHistory = Array<{ status: OrderStatus; at: string }>;

/** The status history of each order (at most IN_CHUNK ids); an order without one is absent. */
export async function orderStatusHistories(cols: Pick<Collections, 'orders'>, orderIds: readonly string[]): Promise<Map<string, OrderStatusHistory | undefined>> {
  const out = new Map<string, OrderStatusHistory | undefined>();
  if (orderIds.length === 0) return out;
  const orders = cols.orders.find({ _id: { $in: [...orderIds] } }).project<{ _id: string; statusHistory?: OrderStatusHistory }>({ 'statusHistory.status': 1, 'statusHistory.at': 1 });
  for await (const o of orders) out.set(o._id, o.statusHistory);
  return out;
}

/** Earliest courier time of an applied 'delivered' scan, per order (at most IN_CHUNK ids). */
export async function deliveredScanTimes(cols: Pick<Collections, 'trackingEvents'>, orderIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (orderIds.length === 0) return out;
  const cursor = cols.trackingEvents
    .find({ orderId: { $in: [...orderIds] }, status: 'delivered', applied: true })
    .project<Pick<TrackingEventDoc, 'orderId' | 'occurredAt'>>({ _id: 0, orderId: 1, occurredAt: 1 });
  for await (const e of cursor) {
    const t = Date.parse(e.occurredAt);
    const prev = out.get(e.orderId);
    if (!Number.isNaN(t) && (prev === undefined || t < prev)) out.set(e.orderId, t);
  }
  return out;
}

export interface ShipmentCountGroup {
  _id: { courier: CourierId; stuck?: boolean; ndrOpen?: boolean };
  n: number;
}

export interface LiveShipmentGroups {
  /** Shipments in flight now (booked, not finished), per courier, stuck flag and NDR flag. */
  byFlags: ShipmentCountGroup[];
  /** Of those, the ones booked before `syncSince`, per courier. */
  eligible: ShipmentCountGroup[];
  /** Of the eligible ones, those with a successful sync at or after `syncSince`, per courier. */
  inSync: ShipmentCountGroup[];
}

/** Shipments in flight now, counted with $match + $group/$sum. */
export async function liveShipmentGroups(cols: Pick<Collections, 'shipments'>, courier: CourierId | undefined, syncSince: number): Promise<LiveShipmentGroups> {
  const live: Filter<ShipmentDoc> = { status: { $nin: [...TERMINAL_STATUSES, 'pending'] }, ...(courier ? { courier } : {}) };
  const eligible: Filter<ShipmentDoc> = { ...live, createdAt: { $lt: iso(syncSince) } };
  const inSync: Filter<ShipmentDoc> = { ...eligible, lastSyncAt: { $gte: iso(syncSince) } };
  const byCourier = (match: Filter<ShipmentDoc>) => cols.shipments.aggregate<ShipmentCountGroup>([{ $match: match }, { $group: { _id: { courier: '$courier' }, n: { $sum: 1 } } }]).toArray();
  const byFlags = await cols.shipments
    .aggregate<ShipmentCountGroup>([{ $match: live }, { $group: { _id: { courier: '$courier', stuck: '$stuck', ndrOpen: '$ndrOpen' }, n: { $sum: 1 } } }])
    .toArray();
  return { byFlags, eligible: await byCourier(eligible), inSync: await byCourier(inSync) };
}
