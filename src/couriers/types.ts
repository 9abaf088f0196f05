// The one interface every courier implements. Vendor shapes never leave src/couriers: clients take and
// return only the types below.
import type { CourierId, TrackingEvent } from '../domain/events';
import type { NdrAction } from '../domain/ndr';
import type { ShipmentStatus } from '../domain/status';

export type { CourierId, TrackingEvent };

export interface Address {
  name: string;
  phone: string; // 10-digit Indian mobile, normalised by the caller
  email?: string;
  address1: string;
  address2?: string;
  city: string;
  state: string; // full state name, e.g. "Maharashtra"; couriers translate (iCarry uses its own codes)
  pincode: string; // 6 digits
  country: 'IN';
}

export interface ShipmentItem {
  name: string;
  sku: string;
  quantity: number;
  unitPrice: number; // INR
}

export interface CreateShipmentRequest {
  /** Waybill's order id, used as the courier's order reference so a retried create is recognised. */
  orderId: string;
  orderDate: string; // ISO-8601
  consignee: Address;
  items: ShipmentItem[];
  paymentMethod: 'prepaid' | 'cod';
  codAmount: number; // 0 for prepaid
  orderValue: number; // INR, sum of items
  parcel: { weightGrams: number; lengthCm: number; breadthCm: number; heightCm: number };
}

export interface Booking {
  awb: string;
  /** The courier's own shipment id where it has one (Shiprocket shipment_id, iCarry shipment_id). */
  courierShipmentId?: string;
  courierOrderId?: string;
  /** The underlying carrier an aggregator chose, e.g. "Delhivery Surface". */
  carrierName?: string;
  trackingUrl: string;
  pickupScheduledAt?: string;
  expectedDeliveryAt?: string;
  /** True when the create was a retry and the existing booking was recovered instead of booking twice. */
  recovered: boolean;
}

/** Enough to find a shipment at its courier (iCarry tracks by shipment id, not AWB). */
export interface ShipmentRef {
  orderId: string;
  awb: string;
  courierShipmentId?: string;
  courierOrderId?: string;
}

export type TrackResult =
  | {
      kind: 'tracked';
      awb: string;
      status: ShipmentStatus | null; // the courier's current status, normalised; null when unmapped
      events: TrackingEvent[]; // oldest first
      expectedDeliveryAt?: string;
      trackingUrl?: string;
    }
  /** Known to the courier but not scanned yet: a normal answer, not an error. */
  | { kind: 'not_yet'; awb: string };

export interface Serviceability {
  serviceable: boolean;
  cod: boolean;
  prepaid: boolean;
  /** Why not, in words an admin can act on. */
  reason?: string;
  expectedDeliveryDays?: number;
}

export interface ServiceabilityRequest {
  pickupPincode: string;
  deliveryPincode: string;
  weightGrams: number;
  paymentMethod: 'prepaid' | 'cod';
  orderValue: number;
}

export interface CancelResult {
  cancelled: boolean;
  /** What the courier does with it: Delhivery turns a picked-up forward shipment into an RTO. */
  note?: string;
}

export interface NdrActionResult {
  accepted: boolean;
  /** Courier's reference for async processing (Delhivery UPL id). */
  reference?: string;
}

export interface CourierCapabilities {
  ndrActions: boolean;
  cancel: boolean;
  bulkTrackLimit: number; // 1 when the courier has no bulk tracking
}

export interface CourierClient {
  readonly id: CourierId;
  readonly capabilities: CourierCapabilities;
  checkServiceability(req: ServiceabilityRequest): Promise<Serviceability>;
  createShipment(req: CreateShipmentRequest): Promise<Booking>;
  track(ref: ShipmentRef): Promise<TrackResult>;
  /** At most capabilities.bulkTrackLimit refs; result keyed by AWB; refs the courier omits are absent. */
  trackMany(refs: ShipmentRef[]): Promise<Record<string, TrackResult>>;
  cancel(ref: ShipmentRef): Promise<CancelResult>;
  /** Throws CourierError code 'unsupported' for couriers without an NDR API (iCarry). */
  ndrAction(ref: ShipmentRef, action: NdrAction): Promise<NdrActionResult>;
}

/** A webhook request as the API received it: the raw body bytes matter for signatures. */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /** Receive time, epoch ms: iCarry status callbacks carry no timestamp of their own. */
  receivedAt: number;
  /** Path and query as received: iCarry's NDR batch can only be authenticated by a token in its URL. */
  url?: string;
}

/** Per-courier webhook auth settings, decrypted, from the courier settings. */
export interface WebhookAuthConfig {
  /** Shiprocket x-api-key token; Delhivery static header value; iCarry API key; HMAC secret. */
  secret?: string;
  /** Delhivery: the header name the merchant chose (default "authorization"). */
  headerName?: string;
  /** Generic HMAC-SHA256 scheme (see common/hmac.ts) instead of the courier's own. */
  scheme?: 'courier' | 'hmac-sha256';
  /** HMAC timestamp window, seconds (default 300). */
  toleranceSeconds?: number;
}

export type WebhookParseResult =
  /**
   * `kind` is a descriptive label for logs and metrics (e.g. 'scan', 'ndr_batch', or a courier-specific
   * summary). Nothing relies on it for identity: the inbox dedupes on a hash of the raw body, the
   * workflow on each event's key.
   */
  | { ok: true; events: TrackingEvent[]; kind: string }
  | { ok: false; error: string };

export interface CourierWebhook {
  /** Constant-time check of the courier's auth scheme. Never throws on bad input. */
  authenticate(req: WebhookRequest, auth: WebhookAuthConfig): boolean;
  /** Pure: raw body → normalised events (one delivery can carry many AWBs: iCarry's NDR batch). */
  parse(req: WebhookRequest): WebhookParseResult;
}

/** Injected into clients so tests control time and the worker can count calls. */
export interface CourierDeps {
  now(): number;
  observe?: (obs: CourierCallObservation) => void;
  onUnmappedStatus?: (courier: CourierId, rawCode: string) => void;
}

export interface CourierCallObservation {
  courier: CourierId;
  operation: string;
  httpStatus?: number;
  outcome: 'ok' | 'permanent' | 'transient' | 'rate_limited';
  durationMs: number;
}
