// Names of read-model documents and of the entries inside them. Every read-model document is read and
// written by its exact _id: FerretDB v1 pushes nothing else down to SQL (docs/data-model.md).
import { createHash } from 'node:crypto';
import type { CourierId } from '../../domain/events';
import type { OrderStatus, ShipmentStatus } from '../../domain/status';

/** Bump when an encoding below changes: the worker's backfill then rebuilds every read model. */
export const RM_VERSION = 1;

/**
 * Hash shards of the active sets. A list reads every shard, and on FerretDB each read costs ~1.5-2 ms
 * whatever its size (measured on this machine: findOne by _id 1.8-2.5 ms, at any concurrency), while a
 * shard is one packed string whose rewrite costs little more for 40 KB than for 4 KB. At 100k
 * shipments a year (~3,000 in flight, ~100 bytes each) 8 shards are ~40 KB each.
 */
export const SHIPMENT_ACTIVE_SHARDS = 8;
export const ORDER_ACTIVE_SHARDS = 4;

/** Analytics documents per UTC day: one (~40 KB packed at 1,600 events a day); a 30-day report reads 31. */
export const ANALYTICS_GROUPS_PER_DAY = 1;
export const SLOTS_PER_GROUP = 96 / ANALYTICS_GROUPS_PER_DAY;

/**
 * Who wrote a document. On FerretDB an update is read-then-write (two writers of one document can lose
 * each other's change), so each process role writes only documents of its own role and serialises its
 * own writes (committer.ts); readers take the union. On MongoDB updates are atomic; the split is harmless.
 */
export type Role = 'w' | 'a';
export const ROLES: readonly Role[] = ['w', 'a'];

/** A list partition: every item, or those of one status and/or one courier. */
export function partition(status?: string, courier?: string): string {
  if (status && courier) return `s=${status},c=${courier}`;
  if (status) return `s=${status}`;
  if (courier) return `c=${courier}`;
  return '*';
}

/** The partitions an item with this status and courier belongs to. */
export function partitionsOf(status: string, courier: string | undefined): string[] {
  return courier ? ['*', partition(status), partition(undefined, courier), partition(status, courier)] : ['*', partition(status)];
}

export const ids = {
  meta: 'meta:ready',
  /** Shipments in flight (or with an open NDR, or stuck): one entry each, all fields lists and counts need. */
  shipmentActive: (shard: number) => `sa:${shard}`,
  /** Finished shipments, by the day of their last write (the shipment list's order). */
  shipmentDay: (part: string, day: string) => `sb:${part}:${day}`,
  shipmentDays: (part: string) => `sd:${part}`,
  /** Orders not yet finished (processing, shipped, out for delivery, delivery failed). */
  orderActive: (shard: number, role: Role) => `oa:${shard}@${role}`,
  /** Finished orders, by the day they were created (the order list's order). */
  orderDay: (part: string, day: string, role: Role) => `ob:${part}:${day}@${role}`,
  orderDays: (part: string, role: Role) => `od:${part}@${role}`,
  /** One order's tracking events (their keys): its timeline without a query on tracking_events. */
  timeline: (orderId: string) => `tl:${orderId}`,
  /** Analytics facts of one UTC day (or part of it): courier events received then (e) and outcomes reached (o). */
  analytics: (day: string, slot: number) => `an:${day}:${Math.floor(slot / SLOTS_PER_GROUP)}`,
};

/** FNV-1a: a stable, cheap shard for an id. */
export function shardOf(id: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

const SAFE_KEY = /^[A-Za-z0-9_-]{1,200}$/;

/** An id as a field name: order ids are safe as they are; anything else (a dot, a $) is encoded. */
export function fieldKey(id: string): string {
  return SAFE_KEY.test(id) ? id : `~${Buffer.from(id).toString('base64url')}`;
}

export function idOfFieldKey(key: string): string {
  return key.startsWith('~') ? Buffer.from(key.slice(1), 'base64url').toString('utf8') : key;
}

/** A tracking event's fact key: its _id is long and holds dots. 66 bits: no collision in any real store. */
export function eventFactKey(orderId: string, eventKey: string): string {
  return createHash('sha1').update(`${orderId}:${eventKey}`).digest('base64url').slice(0, 11);
}

/** The day an entry is filed under: the first ten characters of its sort key, so days sort as keys do. */
export function dayOf(sortKey: string | undefined): string {
  return (sortKey ?? '').slice(0, 10);
}

export const SLOT_MS = 15 * 60_000;
export const DAY_MS = 86_400_000;

/** UTC day and quarter-hour slot of an instant: every time zone's midnight falls on a slot boundary. */
export function utcSlot(t: number): { day: string; slot: number } {
  const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
  return { day: new Date(dayStart).toISOString().slice(0, 10), slot: Math.floor((t - dayStart) / SLOT_MS) };
}

export function slotInstant(day: string, slot: number): number {
  return Date.parse(`${day}T00:00:00.000Z`) + slot * SLOT_MS;
}

const COURIER_CODE: Record<CourierId, string> = { shiprocket: 's', delhivery: 'd', icarry: 'i' };
const CODE_COURIER = Object.fromEntries(Object.entries(COURIER_CODE).map(([k, v]) => [v, k])) as Record<string, CourierId>;
export const courierCode = (c: CourierId): string => COURIER_CODE[c] ?? c;
export const courierOfCode = (c: string): CourierId => CODE_COURIER[c] ?? (c as CourierId);

/** Order statuses still moving: such orders live in the active set, the rest in day buckets. */
export const ACTIVE_ORDER_STATUSES: readonly OrderStatus[] = ['processing', 'shipped', 'out_for_delivery', 'delivery_failed'];
export const isActiveOrderStatus = (s: OrderStatus): boolean => ACTIVE_ORDER_STATUSES.includes(s);

export type { ShipmentStatus };
