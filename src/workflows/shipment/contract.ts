// The shipment workflow's contract: everything the API, the typed client and tests need to talk to a
// shipment workflow, without importing workflow code. Keep it free of Node and I/O imports.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CourierId, EventSource, TrackingEvent } from '../../domain/events';
import type { NdrAction } from '../../domain/ndr';
import type { NdrReason, OrderStatus, ShipmentStatus } from '../../domain/status';
import type { CreateShipmentRequest } from '../../couriers/types';
import type { NotificationChannel, NotificationEvent } from '../../domain/notifications';
import type { Transition } from '../../domain/state-machine';

export type { Transition };

export const SHIPMENT_TASK_QUEUE = 'shipments';
export const SHIPMENT_WORKFLOW_TYPE = 'shipmentWorkflow';

const PREFIX = 'shipment-';
export function shipmentWorkflowId(orderId: string): string {
  return `${PREFIX}${orderId}`;
}
export function orderIdFromWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(PREFIX) ? workflowId.slice(PREFIX.length) : undefined;
}

/** Custom search attributes (never personal data: they are stored unencrypted). */
export const SEARCH_ATTRIBUTES = {
  orderId: defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD),
  awb: defineSearchAttributeKey('Awb', SearchAttributeType.KEYWORD),
  courier: defineSearchAttributeKey('Courier', SearchAttributeType.KEYWORD),
  shipmentStatus: defineSearchAttributeKey('ShipmentStatus', SearchAttributeType.KEYWORD),
  ndrOpen: defineSearchAttributeKey('NdrOpen', SearchAttributeType.BOOL),
  expectedDeliveryAt: defineSearchAttributeKey('ExpectedDeliveryAt', SearchAttributeType.DATETIME),
} as const;

/** `Name=Type` pairs for `temporal server start-dev --search-attribute` and `operator search-attribute create`. */
export const SEARCH_ATTRIBUTE_FLAGS: ReadonlyArray<{ name: string; type: 'Keyword' | 'Bool' | 'Datetime' }> = [
  { name: 'OrderId', type: 'Keyword' },
  { name: 'Awb', type: 'Keyword' },
  { name: 'Courier', type: 'Keyword' },
  { name: 'ShipmentStatus', type: 'Keyword' },
  { name: 'NdrOpen', type: 'Bool' },
  { name: 'ExpectedDeliveryAt', type: 'Datetime' },
];

// ---------------------------------------------------------------------------------------------------
// Input, options and what the workflow reports (JSON-plain: no Map, no Date, no class instances).
// The workflow's own state is its business (state.ts), not part of this contract.

export interface ShipmentOptions {
  /** Hours the customer/admin has to answer an NDR before the default action (default 24). */
  ndrResponseHours: number;
  /** NDR attempts after which the default action is escalation to ops instead of a reattempt (default 2). */
  maxNdrReattempts: number;
  /** Hours without a new scan, per status, before the shipment is flagged stuck (defaults in the workflow). */
  stuckAfterHours: Partial<Record<ShipmentStatus, number>>;
  /** Poll cadence overrides, minutes, by status. */
  pollMinutes: Partial<Record<ShipmentStatus | 'default' | 'webhooksFlowing', number>>;
  /** Webhooks count as flowing (polls become a rare safety net) while the last one is at most this old. */
  webhookFreshHours: number;
  /** Channels switched on for this order's customer notifications. */
  notify: { email: boolean; whatsapp: boolean; adminEmail: boolean };
  /**
   * Minutes the run stays open after a final status (delivered, RTO delivered, lost, cancelled) so that
   * scans a courier sends late or out of order still reach the timeline (default 24 h; 0 closes at once).
   */
  lingerAfterFinalMinutes?: number;
  /**
   * How long one delivery of a store event to the store's endpoint is retried before it is abandoned
   * (default 72 h). The backoff between attempts is the worker's (StoreWebhookDeps.retry, Retry-After).
   */
  storeDelivery?: { giveUpHours?: number };
  /** Test hook: continue-as-new once history exceeds this many events (in addition to the server's suggestion). */
  continueAsNewAfterEvents?: number;
}

export interface ShipmentInput {
  orderId: string;
  courier: CourierId;
  /** The order as the courier needs it. Personal data: encrypted in history by the payload codec. */
  request: CreateShipmentRequest;
  /** Signed self-service tracking link for the customer (built by the API). */
  trackingPageUrl?: string;
  options?: Partial<ShipmentOptions>;
}

export type BookingState =
  | { state: 'pending' }
  | { state: 'booked'; awb: string; courier: CourierId; trackingUrl: string; courierShipmentId?: string; courierOrderId?: string; carrierName?: string; bookedAt: string }
  | { state: 'failed'; code: string; message: string; retryable: false; failedAt: string }
  | { state: 'cancelled'; at: string };

export interface TimelineEntry {
  key: string;
  status: ShipmentStatus | null;
  rawCode: string;
  rawLabel: string;
  description: string;
  location?: string;
  occurredAt: string;
  receivedAt: string;
  source: EventSource;
  /** Whether this event moved the status (false for stale, duplicate-in-meaning or informational scans). */
  applied: boolean;
}

export interface NdrState {
  open: boolean;
  reason: NdrReason;
  rawCode: string;
  rawText: string;
  attempts: number;
  openedAt: string;
  deadlineAt: string;
  escalated: boolean;
  /** Why it went to ops (no NDR API, attempts exhausted, courier refused the action). */
  escalationReason?: string;
  /** Key of the scan that opened or last re-opened it: a new failed attempt has a new key. */
  lastEventKey?: string;
  resolution?: { action: NdrAction; by: 'customer' | 'admin' | 'default'; at: string; sentToCourier: boolean; courierReference?: string; error?: string };
}

export interface ManualStatus {
  status: ShipmentStatus;
  by: string;
  reason: string;
  at: string;
}

/** What the tracking page and the ops console show (the `tracking` query). */
export interface TrackingView {
  orderId: string;
  courier: CourierId;
  booking: BookingState;
  awb?: string;
  trackingUrl?: string;
  status: ShipmentStatus;
  orderStatus: OrderStatus;
  /** Oldest first. */
  timeline: TimelineEntry[];
  expectedDeliveryAt?: string;
  ndr?: NdrState;
  manual?: ManualStatus;
  /** Every change of the reported status, with its source (booking, webhook, poll, manual) and time. */
  transitions: Transition[];
  stuck: boolean;
  /** Last polling failure the courier reported, if the latest poll failed. */
  pollError?: string;
  lastEventAt?: string;
  lastSyncAt?: string;
  lastWebhookAt?: string;
  /**
   * Not set by the workflow: its polls are retries of one activity whose next attempt only Temporal
   * knows (see docs/workflow.md, "Polling"); kept for API compatibility.
   */
  nextPollAt?: string;
  updatedAt: string;
}

/** A notification the workflow decided to send and has not seen confirmed yet. */
export interface NotificationIntent {
  event: NotificationEvent;
  channel: NotificationChannel;
  /** Facts the message needs, captured when the milestone happened (no personal data). */
  facts: Record<string, string | number | boolean>;
}

export interface ShipmentResult {
  orderId: string;
  status: ShipmentStatus;
  orderStatus: OrderStatus;
  awb?: string;
}

// ---------------------------------------------------------------------------------------------------
// Messages

export interface CourierEventSignal {
  events: TrackingEvent[];
  source: Extract<EventSource, 'webhook' | 'poll'>;
  receivedAt: string;
  /** The inbox document this came from, so the relay can mark it delivered. */
  inboxId?: string;
}

export type BookingOutcome =
  | { ok: true; awb: string; courier: CourierId; trackingUrl: string; carrierName?: string }
  | { ok: false; code: string; message: string };

export interface RefreshResult {
  success: boolean;
  statusUpdated: boolean;
  status: ShipmentStatus;
  orderStatus: OrderStatus;
  error?: string;
}

export interface ResolveNdrRequest {
  requestId: string;
  action: NdrAction;
  by: 'customer' | 'admin';
  actor?: string;
}
export interface ResolveNdrResult {
  accepted: boolean;
  sentToCourier: boolean;
  status: ShipmentStatus;
  message?: string;
}

export interface ManualStatusRequest {
  requestId: string;
  status: ShipmentStatus;
  by: string;
  reason: string;
}

export interface CancelRequest {
  requestId: string;
  by: string;
  reason: string;
}
export interface CancelResult {
  cancelled: boolean;
  status: ShipmentStatus;
  message?: string;
}

/** Ops fix after a permanent booking failure: another courier and/or corrected order data. */
export interface RetryBookingRequest {
  requestId: string;
  courier?: CourierId;
  request?: Partial<Pick<CreateShipmentRequest, 'consignee' | 'parcel' | 'paymentMethod' | 'codAmount'>>;
}

export const courierEventSignal = defineSignal<[CourierEventSignal]>('courierEvent');
export const trackingQuery = defineQuery<TrackingView>('tracking');
export const bookingUpdate = defineUpdate<BookingOutcome>('booking');
export const refreshUpdate = defineUpdate<RefreshResult>('refresh');
export const resolveNdrUpdate = defineUpdate<ResolveNdrResult, [ResolveNdrRequest]>('resolveNdr');
export const setManualStatusUpdate = defineUpdate<TrackingView, [ManualStatusRequest]>('setManualStatus');
export const cancelUpdate = defineUpdate<CancelResult, [CancelRequest]>('cancel');
export const retryBookingUpdate = defineUpdate<BookingOutcome, [RetryBookingRequest]>('retryBooking');
