// Shapes of the MongoDB projection (the store-facing read model) and the port the workflow's activities
// write it through. The workflow is the source of truth while a shipment is live; these documents are
// what lists, analytics, the tracking-page fallback and finished shipments read.
import type { CourierId, EventSource } from '../domain/events';
import type { NotificationChannel, NotificationEvent } from '../domain/notifications';
import type { NdrReason, OrderStatus, ShipmentStatus } from '../domain/status';
import type { NdrState, TimelineEntry } from '../workflows/shipment/contract';
import type { ProjectionWriteInput } from './read-models/state';

export interface OrderItemDoc {
  name: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  /** As the store's catalog writes it: "500g", "1kg", "1.2 kg". */
  weight?: string;
}

export interface OrderDoc {
  _id: string; // the store's order id
  status: OrderStatus;
  statusHistory: Array<{ key: string; status: OrderStatus; at: string; source: EventSource | 'store'; by?: string; reason?: string }>;
  notes: Array<{ key: string; at: string; text: string; by: string }>;
  customer: { name: string; email?: string; phone?: string };
  shippingAddress: { address1: string; address2?: string; city: string; state: string; pincode: string; country: 'IN' };
  items: OrderItemDoc[];
  paymentMethod: 'prepaid' | 'cod';
  codAmount: number;
  orderValue: number;
  shipment?: { courier: CourierId; workflowId: string; awb?: string; trackingUrl?: string; shippedAt: string };
  createdAt: string;
  updatedAt: string;
}

export interface ShipmentDoc {
  _id: string; // orderId (one shipment per order)
  orderId: string;
  workflowId: string;
  courier: CourierId;
  awb?: string;
  courierShipmentId?: string;
  carrierName?: string;
  trackingUrl?: string;
  status: ShipmentStatus;
  orderStatus: OrderStatus;
  /** Label metadata, as the store keeps it: the courier's own last status text and location. */
  courierStatus?: string;
  location?: string;
  lastEventAt?: string;
  lastSyncAt?: string;
  lastWebhookAt?: string;
  expectedDeliveryAt?: string;
  ndr?: NdrState;
  ndrOpen: boolean;
  ndrReason?: NdrReason;
  stuck: boolean;
  bookingError?: { code: string; message: string };
  paymentMethod?: 'prepaid' | 'cod';
  /** Monotonic per shipment: a projection write with a lower seq than stored is ignored. */
  seq: number;
  /** What this shipment's read-model entries were computed from beyond the fields above (read-models/state.ts). */
  rm?: ShipmentReadModelFacts;
  createdAt: string;
  updatedAt: string;
}

/**
 * Facts about a shipment's order kept beside the shipment so its read-model entries (order lists,
 * outcome analytics) can be recomputed from this document alone: see src/storage/read-models/state.ts.
 */
export interface ShipmentReadModelFacts {
  /** Version of the read models these facts were written for (RM_VERSION). */
  v: number;
  /** The order's createdAt (orders are listed by it). */
  oc?: string;
  /** The order's status as the projection last set it. */
  os?: OrderStatus;
  /** Earliest `at` of each order status in the order's status history. */
  first?: Partial<Record<OrderStatus, string>>;
  /** Earliest courier time of an applied 'delivered' scan. */
  ds?: string;
}

/** A read-model document (src/storage/read-models): entries keyed by id in maps, read by _id only. */
export interface ReadModelDoc {
  _id: string;
  /** Entries: orderId (or event hash) → value. */
  e?: Record<string, string>;
  /** Days that hold entries (directory documents). */
  d?: Record<string, string>;
  /** Outcome facts: orderId → value (analytics documents). */
  o?: Record<string, string>;
  /** An order's timeline: the keys of its tracking events (tl:<orderId>). */
  k?: string[];
  /** FerretDB: the maps above packed into one string each, `key=value` lines (read-models/packed.ts). */
  es?: string;
  os?: string;
  ds?: string;
  [field: string]: unknown;
}

export interface TrackingEventDoc extends TimelineEntry {
  _id: string; // `${orderId}:${key}`
  orderId: string;
  courier: CourierId;
  awb: string;
  /** When this event was first written here (later rewrites keep it). */
  storedAt?: string;
}

/** AWB → order, kept in its own collection so the unique key is always present (FerretDB ignores sparse). */
export interface AwbIndexDoc {
  _id: string; // `${courier}:${awb}`
  courier: CourierId;
  awb: string;
  orderId: string;
  createdAt: string;
}

export type InboxStatus = 'pending' | 'delivered' | 'unmatched' | 'rejected';

export interface InboxDoc {
  _id: string; // dedupe key: sha256 of courier + raw body (a courier's resend is the same delivery)
  courier: CourierId;
  endpoint: string;
  receivedAt: string;
  rawBody: string;
  /** Parsed events, grouped by the AWB they belong to, and where each group went. */
  deliveries: Array<{ awb: string; orderId?: string; status: InboxStatus; deliveredAt?: string; attempts: number; lastError?: string }>;
  status: InboxStatus; // 'delivered' once every group is delivered
  attempts: number;
  nextAttemptAt: string;
  updatedAt: string;
}

export type { NotificationChannel, NotificationEvent };

export interface NotificationDoc {
  _id: string; // `${orderId}:${event}:${channel}` — one per order × event × channel
  orderId: string;
  event: NotificationEvent;
  channel: NotificationChannel;
  /**
   * pending → sending → sent | failed (→ sending again) | skipped. A slot found 'sending' by a later
   * attempt becomes 'uncertain': the attempt that claimed it died or timed out between handing the
   * message to the provider and recording the answer, so it may or may not have gone out. Settled
   * (never sent again): 'sent', 'skipped', 'uncertain'.
   */
  status: NotificationStatus;
  /** Provider calls begun (each 'sending' claim). */
  attempts: number;
  providerMessageId?: string;
  error?: string;
  skippedReason?: string;
  /** The attempt that holds (or last held) the slot in 'sending', and since when. */
  sending?: SendAttempt & { token: string; at: string };
  /** Why the slot is 'uncertain', which attempt decided so, and when. */
  uncertainReason?: string;
  uncertainBy?: SendAttempt;
  uncertainAt?: string;
  createdAt: string;
  sentAt?: string;
  updatedAt: string;
}

export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped' | 'uncertain';

/**
 * The right to make the n-th provider call of a notification slot: `_id` is `${slot _id}#${n}`, inserted
 * once and never changed. A unique insert is the one write FerretDB v1 (SQLite) makes atomic; its
 * conditional updates are read-then-write, so two racing attempts could both "win" a status filter.
 */
export interface NotificationSendDoc extends SendAttempt {
  _id: string;
  token: string;
  at: string;
}

/** One courier booking attempt per order (iCarry cannot be asked whether it already booked an order). */
export interface BookingJournalDoc {
  _id: string; // `${courier}:${orderId}`
  courier: CourierId;
  orderId: string;
  state: 'in_flight' | 'in_doubt' | 'booked';
  since: number;
  reason?: string;
  shipmentId?: string;
  booking?: Record<string, unknown>;
}

export interface EncryptedValue {
  /** AES-256-GCM: key id, 12-byte IV, ciphertext and tag, base64. */
  kid: string;
  iv: string;
  ct: string;
  tag: string;
}

export interface CourierSettingsDoc {
  _id: CourierId | string;
  apiConfig: {
    provider: CourierId | 'manual';
    enabled: boolean;
    baseUrl?: string;
    apiKey?: EncryptedValue;
    apiSecret?: EncryptedValue;
    webhookSecret?: EncryptedValue;
  };
  /** Courier-specific, non-secret: iCarry pickup pincode/address id, Delhivery warehouse name, … */
  fields: Record<string, string>;
  updatedAt: string;
  updatedBy: string;
}

// ---------------------------------------------------------------------------------------------------
// The port the workflow's projection activity writes through. Every method is idempotent.

export interface ShipmentProjection extends Omit<ShipmentDoc, '_id' | 'createdAt' | 'updatedAt'> {
  at: string;
}

export interface ProjectionStore {
  /** Upsert the shipment document unless a write with a higher or equal seq is already stored. */
  upsertShipment(p: ShipmentProjection): Promise<void>;
  /** Upsert timeline entries by key. */
  upsertEvents(orderId: string, courier: CourierId, awb: string, entries: TimelineEntry[]): Promise<void>;
  /** Set the order status and append the history entry once (keyed). */
  setOrderStatus(orderId: string, entry: OrderDoc['statusHistory'][number]): Promise<void>;
  /** Append an order note once (keyed). */
  addOrderNote(orderId: string, note: OrderDoc['notes'][number]): Promise<void>;
  /** Record AWB → order so webhooks can find the workflow. */
  registerAwb(courier: CourierId, awb: string, orderId: string): Promise<void>;
  /** Order data the workflow needs beyond its input (e.g. customer contact for notifications). */
  getOrder(orderId: string): Promise<OrderDoc | null>;
  /**
   * Everything one projection write changes (events, order history and notes, the shipment and the read
   * models) at once, in as few round trips as the server allows. Optional: stores without it get the
   * methods above called one by one. The AWB is registered separately (registerAwb).
   */
  applyProjection?(w: ProjectionWriteInput): Promise<void>;
}

/**
 * Bookkeeping that makes a notification go out once per order × event × channel: one document per
 * slot. The notify activity claims the slot, marks it 'sending' (atomically, only from 'pending' or
 * 'failed'), hands the message to the provider, then marks it 'sent' or 'failed'. Exactly once when
 * nothing crashes; at most once across a crash between the provider's acceptance and the record (the
 * next attempt finds 'sending' and settles the slot as 'uncertain' instead of sending again).
 */
export interface NotificationKey {
  orderId: string;
  event: NotificationEvent;
  channel: NotificationChannel;
}

/** Which activity execution is sending: the workflow run, the activity and its attempt number. */
export interface SendAttempt {
  workflowId: string;
  runId: string;
  activityId: string;
  attempt: number;
}

export type BeginSendResult =
  /** This attempt holds the slot in 'sending' and may call the provider, once. */
  | { verdict: 'send'; doc: NotificationDoc }
  /** The slot was 'sending' for an earlier attempt that never reported; this call marked it 'uncertain'. */
  | { verdict: 'uncertain'; doc: NotificationDoc; reason: string }
  /** The slot was already 'sent', 'skipped' or 'uncertain': nothing to do. */
  | { verdict: 'settled'; doc: NotificationDoc };

export interface NotificationLedger {
  /** Create the slot ('pending') if absent; `proceed` is false when it is settled: 'sent', 'skipped' or 'uncertain'. */
  claim(key: NotificationKey): Promise<{ proceed: boolean; doc: NotificationDoc }>;
  /**
   * 'pending' | 'failed' → 'sending' for `by`, atomically: of attempts racing for one slot exactly one
   * gets `send`. A slot already 'sending' (its attempt died or timed out before recording an outcome)
   * is marked 'uncertain', never handed out again.
   */
  beginSend(key: NotificationKey, by: SendAttempt): Promise<BeginSendResult>;
  /** The provider accepted `by`'s message. Only the attempt that holds the slot can record it (also once a later attempt marked it 'uncertain': the owner knows better). */
  markSent(key: NotificationKey, by: SendAttempt, providerMessageId?: string): Promise<void>;
  /** `by`'s provider call failed in-process: known not sent, open for a retry. Same ownership rule as markSent. */
  markFailed(key: NotificationKey, by: SendAttempt, error: string): Promise<void>;
  /**
   * Will not be sent. With `by`: the provider port declined while `by` held the slot. Without: decided
   * before any send (no address on file), so only a 'pending' or 'failed' slot is changed.
   */
  markSkipped(key: NotificationKey, reason: string, by?: SendAttempt): Promise<void>;
}
