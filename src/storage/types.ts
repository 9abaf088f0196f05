// Shapes of the MongoDB projection (the store-facing read model) and the port the workflow's activities
// write it through. The workflow is the source of truth while a shipment is live; these documents are
// what lists, analytics, the tracking-page fallback and finished shipments read.
import type { CourierId, EventSource } from '../domain/events';
import type { NdrReason, OrderStatus, ShipmentStatus } from '../domain/status';
import type { NdrState, TimelineEntry } from '../workflows/shipment/contract';

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
  createdAt: string;
  updatedAt: string;
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

export type NotificationChannel = 'email' | 'whatsapp' | 'admin_email';
export type NotificationEvent = 'shipped' | 'out_for_delivery' | 'delivered' | 'ndr_action_needed' | 'rto_initiated' | 'admin_ndr_alert' | 'stuck_alert';

export interface NotificationDoc {
  _id: string; // `${orderId}:${event}:${channel}` — one per order × event × channel
  orderId: string;
  event: NotificationEvent;
  channel: NotificationChannel;
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  providerMessageId?: string;
  error?: string;
  skippedReason?: string;
  createdAt: string;
  sentAt?: string;
  updatedAt: string;
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
}

/**
 * Exactly-once bookkeeping for notifications: one document per order × event × channel. The notify
 * activity claims the slot, sends, then marks it; a retry after a crash finds the slot and skips it once
 * it is 'sent' or 'skipped'.
 */
export interface NotificationKey {
  orderId: string;
  event: NotificationEvent;
  channel: NotificationChannel;
}

export interface NotificationLedger {
  /** Create the slot if absent; `proceed` is false when it is already 'sent' or 'skipped'. */
  claim(key: NotificationKey): Promise<{ proceed: boolean; doc: NotificationDoc }>;
  markSent(key: NotificationKey, providerMessageId?: string): Promise<void>;
  markFailed(key: NotificationKey, error: string): Promise<void>;
  markSkipped(key: NotificationKey, reason: string): Promise<void>;
}
