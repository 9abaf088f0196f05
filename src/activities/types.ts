// Inputs and outputs of the shipment activities. Type-only: the workflow imports these with
// `import type`, so nothing here reaches the workflow bundle.
import type { CourierCapabilities, Booking, CourierId, CreateShipmentRequest, NdrActionResult, ShipmentRef, TrackingEvent, CancelResult } from '../couriers/types';
import type { NdrAction } from '../domain/ndr';
import type { ShipmentStatus } from '../domain/status';
import type { StoreEvent } from '../domain/store-events';
import type { OrderDoc, ShipmentProjection } from '../storage/types';
import type { NotificationIntent, TimelineEntry } from '../workflows/shipment/contract';

export interface BookShipmentInput {
  courier: CourierId;
  request: CreateShipmentRequest;
}
export interface BookShipmentOutput {
  booking: Booking;
  capabilities: CourierCapabilities;
}

export interface PollTrackingInput {
  courier: CourierId;
  ref: ShipmentRef;
  /** The status the workflow reports now: picks the cadence. */
  status: ShipmentStatus;
  /** Last webhook receipt: while recent, polls are a rare safety net. Judged at each attempt. */
  lastWebhookAt?: string;
  webhookFreshHours: number;
  /** Keys the workflow already holds: a poll that finds only these has found nothing. */
  knownKeys: string[];
  /** Wait this long before the first courier call (a schedule is not a reason to call at once). */
  firstDelayMs: number;
  pollMinutes?: Partial<Record<ShipmentStatus | 'default' | 'webhooksFlowing', number>>;
}
export interface TrackOutput {
  events: TrackingEvent[];
  courierStatus: ShipmentStatus | null;
  expectedDeliveryAt?: string;
  trackingUrl?: string;
  polledAt: string;
}

export interface TrackNowInput {
  courier: CourierId;
  ref: ShipmentRef;
}

export interface NdrActionInput {
  courier: CourierId;
  ref: ShipmentRef;
  action: NdrAction;
}
export type NdrActionOutput = NdrActionResult;

export interface CancelAtCourierInput {
  courier: CourierId;
  ref: ShipmentRef;
}
export type CancelAtCourierOutput = CancelResult;

export interface ProjectionWrite {
  shipment: ShipmentProjection;
  /** AWB to register for webhook routing (idempotent). */
  awb?: { courier: CourierId; awb: string };
  events: TimelineEntry[];
  orderStatus: Array<OrderDoc['statusHistory'][number]>;
  notes: Array<OrderDoc['notes'][number]>;
  /** Store events derived with this change (store-events.ts), for the feed and the store's endpoints. */
  storeEvents?: StoreEvent[];
}

export interface ProjectionResult {
  /** Endpoint id → the ids of the events written that it wants. */
  storeSubscribers?: Record<string, string[]>;
}

export interface NotifyInput extends NotificationIntent {
  orderId: string;
  /** Customer contact, from the workflow input (personal data: travels only in payloads). */
  recipient?: { email?: string; phone?: string; name?: string };
}
export interface NotifyOutput {
  /**
   * 'uncertain': an earlier attempt was interrupted after claiming the slot (worker died, attempt timed
   * out) and may have handed the message to the provider; it was not sent again. Settled like 'sent':
   * do not ask again.
   */
  outcome: 'sent' | 'skipped' | 'already_done' | 'uncertain';
  providerMessageId?: string;
  /** Why skipped, or why uncertain. */
  reason?: string;
}
