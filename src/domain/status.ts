// Waybill's own status vocabulary (see ../shared/DESIGN.md). Pure data and functions: safe to import
// from workflow code.

export const SHIPMENT_STATUSES = [
  'pending',
  'booked',
  'pickup_scheduled',
  'pickup_failed',
  'picked_up',
  'in_transit',
  'out_for_delivery',
  'undelivered',
  'delivered',
  'rto_initiated',
  'rto_in_transit',
  'rto_delivered',
  'cancelled',
  'lost',
  'damaged',
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

export const TERMINAL_STATUSES: readonly ShipmentStatus[] = ['delivered', 'rto_delivered', 'cancelled', 'lost', 'damaged'];

export function isTerminal(status: ShipmentStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function isShipmentStatus(value: unknown): value is ShipmentStatus {
  return typeof value === 'string' && (SHIPMENT_STATUSES as readonly string[]).includes(value);
}

/** Which leg of the journey a status belongs to: once a parcel is returning it never goes forward again. */
export type Phase = 'forward' | 'rto' | 'terminal';
export function phaseOf(status: ShipmentStatus): Phase {
  if (isTerminal(status)) return 'terminal';
  return status.startsWith('rto_') ? 'rto' : 'forward';
}

/**
 * Progress rank used to refuse regressions. Equal ranks are peers that may replace each other
 * (pickup_failed ↔ pickup_scheduled on a reschedule; undelivered ↔ out_for_delivery on a reattempt).
 */
export const STATUS_RANK: Record<ShipmentStatus, number> = {
  pending: 0,
  booked: 10,
  pickup_scheduled: 20,
  pickup_failed: 20,
  picked_up: 30,
  in_transit: 40,
  out_for_delivery: 50,
  undelivered: 50,
  rto_initiated: 60,
  rto_in_transit: 70,
  delivered: 100,
  rto_delivered: 100,
  cancelled: 100,
  lost: 100,
  damaged: 100,
};

export const ORDER_STATUSES = [
  'processing',
  'shipped',
  'out_for_delivery',
  'delivered',
  'delivery_failed',
  'returned',
  'cancelled',
  'lost',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The store's order status for a shipment status (the store's own mapping before Waybill, extended for NDR, RTO and losses). */
export const ORDER_STATUS_FOR: Record<ShipmentStatus, OrderStatus> = {
  pending: 'processing',
  booked: 'shipped',
  pickup_scheduled: 'shipped',
  pickup_failed: 'shipped',
  picked_up: 'shipped',
  in_transit: 'shipped',
  out_for_delivery: 'out_for_delivery',
  undelivered: 'delivery_failed',
  delivered: 'delivered',
  rto_initiated: 'returned',
  rto_in_transit: 'returned',
  rto_delivered: 'returned',
  cancelled: 'cancelled',
  lost: 'lost',
  // The store has no "damaged" order status; a damaged parcel is not coming, as with a lost one.
  damaged: 'lost',
};

export function orderStatusFor(status: ShipmentStatus): OrderStatus {
  return ORDER_STATUS_FOR[status];
}

/**
 * The store's own free-text mapping from before Waybill ("delivered", "OFD", "dispatched", …), kept for couriers
 * configured as 'manual' and for legacy text. Unknown text → undefined (the caller keeps the status).
 */
export function orderStatusFromText(text: string): OrderStatus | undefined {
  const t = text.trim().toLowerCase().replace(/[_-]+/g, ' ');
  if (t === 'delivered') return 'delivered';
  if (t === 'out for delivery' || t === 'ofd') return 'out_for_delivery';
  if (t === 'shipped' || t === 'dispatched' || t === 'in transit' || t === 'intransit') return 'shipped';
  if (t === 'processing' || t === 'confirmed') return 'processing';
  return undefined;
}

export const NDR_REASONS = [
  'consignee_unavailable',
  'address_issue',
  'future_delivery_requested',
  'refused',
  'cod_not_ready',
  'open_delivery_requested',
  'restricted_entry',
  'out_of_delivery_area',
  'not_attempted',
  'otp_issue',
  'max_attempts',
  'other',
] as const;
export type NdrReason = (typeof NDR_REASONS)[number];
