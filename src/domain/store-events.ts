// Store events: what Waybill tells the store's own system about an order, as signed outbound webhooks
// and through GET /api/events. Pure data and functions (imported by workflow code).
//
// An event is derived from the shipment's state by comparing it with marks of what was already told
// (`storeEventsSince`). The workflow derives them in the same step that writes the change to the
// projection, so a change cannot be stored without its event or an event without its change; and
// because they are a function of the state, a replayed or continued run derives the same ones.
import type { ShipmentStatus } from './status';
import { ORDER_STATUS_FOR, type OrderStatus } from './status';

export const STORE_EVENT_TYPES = [
  'shipment.booked',
  'shipment.status_changed',
  'shipment.delivered',
  'shipment.rto_started',
  'shipment.rto_delivered',
  'shipment.cancelled',
  'shipment.lost',
  'shipment.damaged',
  'ndr.opened',
  'ndr.answered',
  'ndr.resolved',
] as const;
export type StoreEventType = (typeof STORE_EVENT_TYPES)[number];

/** Bumped when a payload changes incompatibly; the store reads it from every event. */
export const STORE_EVENT_VERSION = 1;

export function isStoreEventType(v: unknown): v is StoreEventType {
  return typeof v === 'string' && (STORE_EVENT_TYPES as readonly string[]).includes(v);
}

/** A transition to one of these also gets an event of its own type, besides `shipment.status_changed`. */
const MILESTONE: Partial<Record<ShipmentStatus, StoreEventType>> = {
  delivered: 'shipment.delivered',
  rto_initiated: 'shipment.rto_started',
  rto_delivered: 'shipment.rto_delivered',
  cancelled: 'shipment.cancelled',
  lost: 'shipment.lost',
  damaged: 'shipment.damaged',
};

export interface StatusChangeData {
  from: ShipmentStatus;
  to: ShipmentStatus;
  orderStatus: OrderStatus;
  previousOrderStatus: OrderStatus;
  /** webhook, poll, manual, booking, … */
  source: string;
  /** The courier's own status text of the scan that caused it, when a scan did. */
  courierStatus?: string;
  courierStatusCode?: string;
  location?: string;
  /** Courier time of the scan (or Waybill's time for a manual or booking change). */
  at: string;
  by?: string;
  reason?: string;
}

export interface BookedData {
  courier: string;
  awb: string;
  trackingUrl: string;
  /** Waybill's own tracking page for the customer (a signed link), when configured. */
  trackingPageUrl?: string;
  carrierName?: string;
}

export interface NdrOpenedData {
  reason: string;
  courierReasonCode: string;
  courierReasonText: string;
  attempts: number;
  /** When the default action is taken if nobody answers. */
  deadlineAt: string;
}

export interface NdrAnsweredData {
  action: string;
  by: 'customer' | 'admin' | 'default';
  sentToCourier: boolean;
  courierReference?: string;
  error?: string;
}

export interface NdrResolvedData {
  /** The status that closed the NDR: delivered, out for delivery again, returning, … */
  status: ShipmentStatus;
  attempts: number;
}

export type StoreEventData = BookedData | StatusChangeData | NdrOpenedData | NdrAnsweredData | NdrResolvedData;

export interface StoreEvent {
  /** Stable across retries and replays: the store dedupes on it (also the `webhook-id` header). */
  id: string;
  type: StoreEventType;
  version: number;
  orderId: string;
  /** 1, 2, 3 … per order, in the order the changes happened: apply an event only if above the last applied. */
  sequence: number;
  occurredAt: string;
  data: StoreEventData;
}

export const storeEventId = (orderId: string, sequence: number) => `${orderId}:e${sequence}`;

/** What was already told, carried in the workflow state. */
export interface StoreEventMarks {
  /** Events derived so far (the last sequence number). */
  seq: number;
  booked: boolean;
  /** Transitions already told. */
  transitions: number;
  /** The NDR attempt already told as opened (`openedAt|attempts`), its answer (`at|action`), whether it was open. */
  ndrOpened?: string;
  ndrAnswered?: string;
  ndrOpen: boolean;
}

export const initialStoreEventMarks = (): StoreEventMarks => ({ seq: 0, booked: false, transitions: 0, ndrOpen: false });

/** The parts of the shipment state events are derived from (a structural subset of the workflow's state). */
export interface StoreEventSource {
  orderId: string;
  courier: string;
  trackingPageUrl?: string;
  booking: { state: string; awb?: string; trackingUrl?: string; carrierName?: string; bookedAt?: string };
  machine: {
    status: ShipmentStatus;
    events: Array<{ key: string; rawCode: string; rawLabel: string; description: string; location?: string }>;
    transitions: Array<{ from: ShipmentStatus; to: ShipmentStatus; source: string; at: string; recordedAt: string; eventKey?: string; by?: string; reason?: string }>;
  };
  ndr?: {
    open: boolean;
    reason: string;
    rawCode: string;
    rawText: string;
    attempts: number;
    openedAt: string;
    deadlineAt: string;
    resolution?: { action: { type: string }; by: 'customer' | 'admin' | 'default'; at: string; sentToCourier: boolean; courierReference?: string; error?: string };
  };
}

/** The events the state holds that `marks` has not told yet, in the order they happened, and the new marks. */
export function storeEventsSince(s: StoreEventSource, marks: StoreEventMarks, nowIso: string): { events: StoreEvent[]; marks: StoreEventMarks } {
  const events: StoreEvent[] = [];
  let seq = marks.seq;
  const push = (type: StoreEventType, occurredAt: string, data: StoreEventData) => {
    seq += 1;
    events.push({ id: storeEventId(s.orderId, seq), type, version: STORE_EVENT_VERSION, orderId: s.orderId, sequence: seq, occurredAt, data });
  };
  const b = s.booking;
  let booked = marks.booked;
  if (!booked && b.state === 'booked' && b.awb) {
    booked = true;
    push('shipment.booked', b.bookedAt ?? nowIso, {
      courier: s.courier,
      awb: b.awb,
      trackingUrl: b.trackingUrl ?? '',
      ...(s.trackingPageUrl ? { trackingPageUrl: s.trackingPageUrl } : {}),
      ...(b.carrierName ? { carrierName: b.carrierName } : {}),
    });
  }
  const scans = new Map(s.machine.events.map((e) => [e.key, e]));
  const transitions = s.machine.transitions;
  for (let i = marks.transitions; i < transitions.length; i++) {
    const t = transitions[i]!;
    const scan = t.eventKey ? scans.get(t.eventKey) : undefined;
    const data: StatusChangeData = {
      from: t.from,
      to: t.to,
      orderStatus: ORDER_STATUS_FOR[t.to],
      previousOrderStatus: ORDER_STATUS_FOR[t.from],
      source: t.source,
      ...(scan ? { courierStatus: scan.rawLabel || scan.description, courierStatusCode: scan.rawCode } : {}),
      ...(scan?.location ? { location: scan.location } : {}),
      at: t.at,
      ...(t.by ? { by: t.by } : {}),
      ...(t.reason ? { reason: t.reason } : {}),
    };
    push('shipment.status_changed', t.recordedAt, data);
    const milestone = MILESTONE[t.to];
    if (milestone) push(milestone, t.recordedAt, data);
  }
  const n = s.ndr;
  let { ndrOpened, ndrAnswered, ndrOpen } = marks;
  if (n?.open) {
    const openedKey = `${n.openedAt}|${n.attempts}`;
    if (openedKey !== ndrOpened) {
      ndrOpened = openedKey;
      ndrAnswered = undefined;
      push('ndr.opened', n.openedAt, { reason: n.reason, courierReasonCode: n.rawCode, courierReasonText: n.rawText, attempts: n.attempts, deadlineAt: n.deadlineAt });
    }
  }
  const r = n?.resolution;
  if (n && r && ndrOpened !== undefined) {
    const answeredKey = `${r.at}|${r.action.type}`;
    if (answeredKey !== ndrAnswered) {
      ndrAnswered = answeredKey;
      push('ndr.answered', r.at, {
        action: r.action.type,
        by: r.by,
        sentToCourier: r.sentToCourier,
        ...(r.courierReference ? { courierReference: r.courierReference } : {}),
        ...(r.error ? { error: r.error } : {}),
      });
    }
  }
  const openNow = n?.open ?? false;
  if (ndrOpen && !openNow && n) push('ndr.resolved', nowIso, { status: s.machine.status, attempts: n.attempts });
  ndrOpen = openNow;
  const next: StoreEventMarks = { seq, booked, transitions: transitions.length, ndrOpen, ...(ndrOpened !== undefined ? { ndrOpened } : {}), ...(ndrAnswered !== undefined ? { ndrAnswered } : {}) };
  return { events, marks: next };
}

/** The JSON body of an outbound webhook (Standard Webhooks' recommended `type`/`timestamp`/`data` plus ours). */
export function storeEventBody(e: StoreEvent): string {
  return JSON.stringify({ id: e.id, type: e.type, version: e.version, timestamp: e.occurredAt, orderId: e.orderId, sequence: e.sequence, data: e.data });
}
