// The workflow's state and what is read from it. Pure functions over ShipmentState (no Temporal calls),
// so the tracking view, the projection write, the search attributes and the notification facts come
// from one place.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { ProjectionWrite } from '../../activities';
import type { Booking, CourierCapabilities, CourierId, CreateShipmentRequest, ShipmentRef } from '../../couriers/types';
import { createStatusMachine, type StatusMachine } from '../../domain/state-machine';
import { ORDER_STATUS_FOR, type ShipmentStatus } from '../../domain/status';
import type { ShipmentProjection } from '../../storage/types';
import {
  SEARCH_ATTRIBUTES,
  shipmentWorkflowId,
  type BookingOutcome,
  type BookingState,
  type CourierEventSignal,
  type NdrState,
  type NotificationIntent,
  type ShipmentInput,
  type TrackingView,
} from './contract';
import type { StoreOutboxState } from './store-outbox';

/** The workflow's whole state, JSON-plain; carried as is across continue-as-new. */
export interface ShipmentState {
  orderId: string;
  courier: CourierId;
  /** The order as the courier needs it; replaced in part by an ops fix (retryBooking). Personal data. */
  request: CreateShipmentRequest;
  trackingPageUrl?: string;
  booking: BookingState;
  bookingAttempts: number;
  capabilities?: CourierCapabilities;
  /** Every distinct courier event, the derived and reported status, the manual override, transitions. */
  machine: StatusMachine;
  expectedDeliveryAt?: string;
  courierStatus?: string;
  location?: string;
  ndr?: NdrState;
  stuck: { flagged: boolean; at?: string; status?: ShipmentStatus };
  lastEventAt?: string;
  lastSyncAt?: string;
  lastWebhookAt?: string;
  pollError?: string;
  /** `${event}:${channel}` settled: sent, skipped, or uncertain (never asked again). */
  notified: string[];
  /**
   * The subset of `notified` whose delivery is unknown: an attempt was interrupted after it claimed the
   * slot and may have handed the message over; it was not sent again (the ledger says 'uncertain').
   * Absent until the first one, so states of runs that never saw one are unchanged.
   */
  notifiedUncertain?: string[];
  /** Decided but not confirmed; re-issued after continue-as-new (the ledger makes that safe). */
  pendingNotifications: NotificationIntent[];
  /** Signals received and not yet applied. */
  inbox: CourierEventSignal[];
  /** Answers to updates already handled, by request id (bounded), so a retried request gets the same answer. */
  results: Array<{ requestId: string; result: unknown }>;
  /** Projection bookkeeping: last seq written, transitions already written to the order history. */
  projection: { seq: number; transitionsWritten: number; pendingEventKeys: string[]; pendingNotes: Array<{ key: string; text: string; by: string; at: string }> };
  /** Store events: what was told, what waits for the feed, what waits for each endpoint (store-outbox.ts). Absent in runs from before. */
  store?: StoreOutboxState;
  /** Search attribute values last upserted (JSON), to upsert only on change. */
  searchAttributes: string;
  updatedAt: string;
}

/** The workflow's input: what the API sends, plus the state continue-as-new hands the next run. */
export interface RunInput extends ShipmentInput {
  carried?: ShipmentState;
}

export function initialState(input: ShipmentInput, nowIso: string): ShipmentState {
  return {
    orderId: input.orderId,
    courier: input.courier,
    request: input.request,
    ...(input.trackingPageUrl ? { trackingPageUrl: input.trackingPageUrl } : {}),
    booking: { state: 'pending' },
    bookingAttempts: 0,
    machine: createStatusMachine('pending'),
    stuck: { flagged: false },
    notified: [],
    pendingNotifications: [],
    inbox: [],
    results: [],
    projection: { seq: 0, transitionsWritten: 0, pendingEventKeys: [], pendingNotes: [] },
    searchAttributes: '',
    updatedAt: nowIso,
  };
}

export function shipmentRef(s: ShipmentState): ShipmentRef | undefined {
  if (s.booking.state !== 'booked') return undefined;
  const b = s.booking;
  return {
    orderId: s.orderId,
    awb: b.awb,
    ...(b.courierShipmentId ? { courierShipmentId: b.courierShipmentId } : {}),
    ...(b.courierOrderId ? { courierOrderId: b.courierOrderId } : {}),
  };
}

export function bookedState(booking: Booking, courier: CourierId, bookedAt: string): BookingState {
  return {
    state: 'booked',
    awb: booking.awb,
    courier,
    trackingUrl: booking.trackingUrl,
    ...(booking.courierShipmentId ? { courierShipmentId: booking.courierShipmentId } : {}),
    ...(booking.courierOrderId ? { courierOrderId: booking.courierOrderId } : {}),
    ...(booking.carrierName ? { carrierName: booking.carrierName } : {}),
    bookedAt,
  };
}

export function bookingOutcome(s: ShipmentState): BookingOutcome {
  const b = s.booking;
  if (b.state === 'booked') return { ok: true, awb: b.awb, courier: b.courier, trackingUrl: b.trackingUrl, ...(b.carrierName ? { carrierName: b.carrierName } : {}) };
  if (b.state === 'failed') return { ok: false, code: b.code, message: b.message };
  if (b.state === 'cancelled') return { ok: false, code: 'cancelled', message: 'the shipment was cancelled' };
  return { ok: false, code: 'pending', message: 'booking in progress' };
}

export function trackingView(s: ShipmentState): TrackingView {
  const b = s.booking.state === 'booked' ? s.booking : undefined;
  const m = s.machine.manual;
  return {
    orderId: s.orderId,
    courier: s.courier,
    booking: s.booking,
    ...(b ? { awb: b.awb, trackingUrl: b.trackingUrl } : {}),
    status: s.machine.status,
    orderStatus: ORDER_STATUS_FOR[s.machine.status],
    timeline: s.machine.events,
    ...(s.expectedDeliveryAt ? { expectedDeliveryAt: s.expectedDeliveryAt } : {}),
    ...(s.ndr ? { ndr: s.ndr } : {}),
    ...(m ? { manual: { status: m.status, by: m.by, reason: m.reason, at: m.at } } : {}),
    transitions: s.machine.transitions,
    stuck: s.stuck.flagged,
    ...(s.pollError ? { pollError: s.pollError } : {}),
    ...(s.lastEventAt ? { lastEventAt: s.lastEventAt } : {}),
    ...(s.lastSyncAt ? { lastSyncAt: s.lastSyncAt } : {}),
    ...(s.lastWebhookAt ? { lastWebhookAt: s.lastWebhookAt } : {}),
    updatedAt: s.updatedAt,
  };
}

export function projectionOf(s: ShipmentState, seq: number, at: string): ShipmentProjection {
  const b = s.booking.state === 'booked' ? s.booking : undefined;
  const failed = s.booking.state === 'failed' ? s.booking : undefined;
  return {
    orderId: s.orderId,
    workflowId: shipmentWorkflowId(s.orderId),
    courier: s.courier,
    ...(b ? { awb: b.awb, trackingUrl: b.trackingUrl } : {}),
    ...(b?.courierShipmentId ? { courierShipmentId: b.courierShipmentId } : {}),
    ...(b?.carrierName ? { carrierName: b.carrierName } : {}),
    status: s.machine.status,
    orderStatus: ORDER_STATUS_FOR[s.machine.status],
    ...(s.courierStatus ? { courierStatus: s.courierStatus } : {}),
    ...(s.location ? { location: s.location } : {}),
    ...(s.lastEventAt ? { lastEventAt: s.lastEventAt } : {}),
    ...(s.lastSyncAt ? { lastSyncAt: s.lastSyncAt } : {}),
    ...(s.lastWebhookAt ? { lastWebhookAt: s.lastWebhookAt } : {}),
    ...(s.expectedDeliveryAt ? { expectedDeliveryAt: s.expectedDeliveryAt } : {}),
    ...(s.ndr ? { ndr: s.ndr, ndrReason: s.ndr.reason } : {}),
    ndrOpen: s.ndr?.open ?? false,
    stuck: s.stuck.flagged,
    ...(failed ? { bookingError: { code: failed.code, message: failed.message } } : {}),
    paymentMethod: s.request.paymentMethod,
    seq,
    at,
  };
}

/**
 * What the projection has not seen yet: the shipment document, the AWB to route webhooks by, the new
 * timeline entries, order-status history entries for transitions not yet written, and pending notes.
 */
export function projectionWrite(s: ShipmentState, seq: number, at: string): ProjectionWrite {
  const p = s.projection;
  const pendingKeys = new Set(p.pendingEventKeys);
  const orderStatus = s.machine.transitions
    .map((t, i) => ({ t, i }))
    .slice(p.transitionsWritten)
    .filter(({ t }) => ORDER_STATUS_FOR[t.from] !== ORDER_STATUS_FOR[t.to])
    .map(({ t, i }) => ({
      key: `${s.orderId}:t${i}`,
      status: ORDER_STATUS_FOR[t.to],
      at: t.recordedAt,
      source: t.source,
      ...(t.by ? { by: t.by } : {}),
      ...(t.reason ? { reason: t.reason } : {}),
    }));
  const ref = shipmentRef(s);
  return {
    shipment: projectionOf(s, seq, at),
    ...(ref ? { awb: { courier: s.courier, awb: ref.awb } } : {}),
    events: s.machine.events.filter((e) => pendingKeys.has(e.key)),
    orderStatus,
    notes: p.pendingNotes,
  };
}

/** Search attribute values (never personal data). */
export interface SearchAttributeValues {
  OrderId: string;
  Courier: string;
  ShipmentStatus: string;
  NdrOpen: boolean;
  Awb?: string;
  ExpectedDeliveryAt?: string;
}

export function searchAttributeValues(s: ShipmentState): SearchAttributeValues {
  return {
    OrderId: s.orderId,
    Courier: s.courier,
    ShipmentStatus: s.machine.status,
    NdrOpen: s.ndr?.open ?? false,
    ...(s.booking.state === 'booked' ? { Awb: s.booking.awb } : {}),
    ...(s.expectedDeliveryAt ? { ExpectedDeliveryAt: s.expectedDeliveryAt } : {}),
  };
}

/**
 * The search attributes to upsert since the values last upserted (`s.searchAttributes`), and the JSON
 * to remember; undefined when nothing changed. An AWB or expected delivery date is never unset.
 */
export function searchAttributeChange(s: ShipmentState): { pairs: SearchAttributeUpdatePair[]; json: string } | undefined {
  const next = searchAttributeValues(s);
  const json = JSON.stringify(next);
  if (json === s.searchAttributes) return undefined;
  const prev: Partial<SearchAttributeValues> = s.searchAttributes ? (JSON.parse(s.searchAttributes) as SearchAttributeValues) : {};
  const sa = SEARCH_ATTRIBUTES;
  const pairs: SearchAttributeUpdatePair[] = [];
  if (prev.OrderId !== next.OrderId) pairs.push({ key: sa.orderId, value: next.OrderId });
  if (prev.Courier !== next.Courier) pairs.push({ key: sa.courier, value: next.Courier });
  if (prev.ShipmentStatus !== next.ShipmentStatus) pairs.push({ key: sa.shipmentStatus, value: next.ShipmentStatus });
  if (prev.NdrOpen !== next.NdrOpen) pairs.push({ key: sa.ndrOpen, value: next.NdrOpen });
  if (prev.Awb !== next.Awb && next.Awb) pairs.push({ key: sa.awb, value: next.Awb });
  if (prev.ExpectedDeliveryAt !== next.ExpectedDeliveryAt && next.ExpectedDeliveryAt) pairs.push({ key: sa.expectedDeliveryAt, value: new Date(next.ExpectedDeliveryAt) });
  return { pairs, json };
}

/** What a notification may say about the shipment now (no personal data: it is in the outbox's state). */
export function notificationFacts(s: ShipmentState): Record<string, string | number | boolean> {
  const ref = shipmentRef(s);
  const b = s.booking.state === 'booked' ? s.booking : undefined;
  const ndr = s.ndr;
  const f: Record<string, string | number | boolean | undefined> = {
    courier: s.courier,
    awb: ref?.awb,
    trackingUrl: b?.trackingUrl,
    trackingPageUrl: s.trackingPageUrl,
    status: s.machine.status,
    expectedDeliveryAt: s.expectedDeliveryAt,
    lastEventAt: s.lastEventAt,
    reason: ndr?.open ? ndr.reason : undefined,
    reasonText: ndr?.open ? ndr.rawText || ndr.reason : undefined,
    deadlineAt: ndr?.open ? ndr.deadlineAt : undefined,
    attempts: ndr?.open ? ndr.attempts : undefined,
    escalated: ndr?.open ? ndr.escalated : undefined,
  };
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as Record<string, string | number | boolean>;
}
