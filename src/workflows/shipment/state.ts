// Building and reading the workflow's state. Pure functions over ShipmentState (no Temporal calls), so
// the tracking view, the projection document and the search attributes come from one place.
import { createStatusMachine } from '../../domain/state-machine';
import { ORDER_STATUS_FOR } from '../../domain/status';
import type { ShipmentRef } from '../../couriers/types';
import type { ShipmentProjection } from '../../storage/types';
import { shipmentWorkflowId, type ShipmentInput, type ShipmentState, type TrackingView } from './contract';

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
