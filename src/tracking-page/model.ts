// What the customer may see of a shipment, and nothing more: the workflow's view and the stored
// projection both carry internal fields (manual overrides with who and why, poll errors, escalation
// reasons, courier error text) that must never reach the page. Both sources are reduced to this shape.
import type { CourierId } from '../domain/events';
import type { NdrActionType } from '../domain/ndr';
import type { NdrReason, ShipmentStatus } from '../domain/status';
import type { ShipmentDoc } from '../storage/types';
import type { NdrState, TimelineEntry, TrackingView } from '../workflows/shipment/contract';

export interface PageEvent {
  key: string;
  at: string;
  status: ShipmentStatus | null;
  text: string;
  location?: string;
}

export interface PageNdr {
  open: boolean;
  /** Identifies this failed attempt: a customer's answer is idempotent per attempt and action. */
  key: string;
  reason: NdrReason;
  courierNote: string;
  attempts: number;
  deadlineAt: string;
  escalated: boolean;
  resolution?: { action: NdrActionType; by: 'customer' | 'admin' | 'default'; at: string; sentToCourier: boolean; date?: string };
}

export interface PageModel {
  orderId: string;
  status: ShipmentStatus;
  courier: CourierId;
  carrierName?: string;
  awb?: string;
  trackingUrl?: string;
  expectedDeliveryAt?: string;
  /** Newest first. */
  events: PageEvent[];
  ndr?: PageNdr;
  /** live: the workflow answered; stored: the projection (finished shipment, or no worker answered). */
  source: 'live' | 'stored';
  /** When the stored copy was last written (shown as "last updated" when source is stored). */
  storedAt?: string;
}

export function fromView(v: TrackingView): PageModel {
  const carrierName = v.booking.state === 'booked' ? v.booking.carrierName : undefined;
  return {
    orderId: v.orderId,
    status: v.status,
    courier: v.courier,
    ...(carrierName ? { carrierName } : {}),
    ...(v.awb ? { awb: v.awb } : {}),
    ...(v.trackingUrl ? { trackingUrl: v.trackingUrl } : {}),
    ...(v.expectedDeliveryAt ? { expectedDeliveryAt: v.expectedDeliveryAt } : {}),
    events: pageEvents(v.timeline),
    ...(v.ndr ? { ndr: pageNdr(v.ndr) } : {}),
    source: 'live',
  };
}

export function fromProjection(s: ShipmentDoc, timeline: readonly TimelineEntry[]): PageModel {
  return {
    orderId: s.orderId,
    status: s.status,
    courier: s.courier,
    ...(s.carrierName ? { carrierName: s.carrierName } : {}),
    ...(s.awb ? { awb: s.awb } : {}),
    ...(s.trackingUrl ? { trackingUrl: s.trackingUrl } : {}),
    ...(s.expectedDeliveryAt ? { expectedDeliveryAt: s.expectedDeliveryAt } : {}),
    events: pageEvents(timeline),
    ...(s.ndr ? { ndr: pageNdr(s.ndr) } : {}),
    source: 'stored',
    storedAt: s.updatedAt,
  };
}

function pageEvents(timeline: readonly TimelineEntry[]): PageEvent[] {
  return [...timeline]
    .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt) || b.key.localeCompare(a.key))
    .map((e) => ({
      key: e.key,
      at: e.occurredAt,
      status: e.status,
      text: e.description || e.rawLabel || e.rawCode,
      ...(e.location ? { location: e.location } : {}),
    }));
}

function pageNdr(n: NdrState): PageNdr {
  const r = n.resolution;
  return {
    open: n.open,
    key: `${n.openedAt}|${n.attempts}|${n.lastEventKey ?? ''}`,
    reason: n.reason,
    courierNote: n.rawText,
    attempts: n.attempts,
    deadlineAt: n.deadlineAt,
    escalated: n.escalated,
    ...(r
      ? {
          resolution: {
            action: r.action.type,
            by: r.by,
            at: r.at,
            sentToCourier: r.sentToCourier,
            ...(r.action.type === 'reschedule' ? { date: r.action.date } : {}),
          },
        }
      : {}),
  };
}
