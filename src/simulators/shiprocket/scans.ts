// How the simulator dresses the scenario engine's normalised steps as Shiprocket scans: the underlying
// courier's raw code and activity text (Delhivery-style, as Shiprocket passes them through), and the
// `sr-status` id and label Shiprocket adds (couriers.md §1.8, §1.10).
//
// Deliberately its own table, written from the reference and not imported from the client: the
// contract tests then check the client's reading against an independent writing.
import type { NdrReason, ShipmentStatus } from '../../domain/status';
import type { EmittedScan } from '../scenario';

export interface SrScan {
  at: number;
  /** The underlying courier's code (X-PPOM, EOD-11, …). */
  code: string;
  activity: string;
  location: string;
  /** Shipment-status id, or 'NA' for scans Shiprocket does not map. */
  srStatus: number | 'NA';
  srLabel: string;
  /** Free-text NDR reason, on Undelivered scans. */
  ndrReason?: string;
}

/** Shipment-status labels as they appear in `sr-status-label` and webhook `shipment_status`. */
export const SHIPMENT_LABEL: Record<number, string> = {
  1: 'AWB ASSIGNED',
  3: 'PICKUP SCHEDULED',
  5: 'MANIFEST GENERATED',
  6: 'SHIPPED',
  7: 'DELIVERED',
  8: 'CANCELED',
  9: 'RTO INITIATED',
  10: 'RTO DELIVERED',
  12: 'LOST',
  16: 'CANCELLATION REQUESTED',
  17: 'OUT FOR DELIVERY',
  18: 'IN TRANSIT',
  19: 'OUT FOR PICKUP',
  20: 'PICKUP EXCEPTION',
  21: 'UNDELIVERED',
  25: 'DAMAGED',
  42: 'PICKED UP',
  46: 'RTO IN TRANSIT',
};

/**
 * The order-enum id and label Shiprocket reports beside a shipment status (webhook current_status_id).
 * The enums differ (shipment 18 = order 20); PICKED UP and RTO IN TRANSIT use the unconfirmed 51/55.
 */
export const ORDER_STATUS_FOR_SHIPMENT: Record<number, readonly [number, string]> = {
  1: [3, 'READY TO SHIP'],
  3: [4, 'PICKUP SCHEDULED'],
  5: [3, 'READY TO SHIP'],
  6: [6, 'SHIPPED'],
  7: [7, 'DELIVERED'],
  8: [5, 'CANCELED'],
  9: [15, 'RTO INITIATED'],
  10: [16, 'RTO DELIVERED'],
  12: [33, 'LOST'],
  16: [18, 'CANCELLATION REQUESTED'],
  17: [19, 'OUT FOR DELIVERY'],
  18: [20, 'IN TRANSIT'],
  19: [34, 'OUT FOR PICKUP'],
  20: [35, 'PICKUP EXCEPTION'],
  21: [36, 'UNDELIVERED'],
  25: [40, 'DAMAGED'],
  42: [51, 'PICKED UP'],
  46: [55, 'RTO IN TRANSIT'],
};

/** Delhivery NSL codes and texts for failed deliveries (couriers.md §4's NDR table). */
export const NDR_SCAN: Record<NdrReason, readonly [code: string, reason: string]> = {
  consignee_unavailable: ['EOD-11', 'Consignee Unavailable'],
  address_issue: ['EOD-74', 'Incomplete address & contact details'],
  future_delivery_requested: ['EOD-3', 'Customer Asked For Future Delivery'],
  refused: ['EOD-6', 'Consignee refused to accept'],
  cod_not_ready: ['EOD-40', 'Payment Mode / Amount Dispute'],
  open_delivery_requested: ['EOD-69', 'Customer wants open delivery'],
  restricted_entry: ['EOD-104', 'Entry restricted, no response'],
  out_of_delivery_area: ['DLYDC-132', 'Out of delivery area'],
  not_attempted: ['EOD-86', 'Not attempted'],
  otp_issue: ['EOD-137', 'OTP not shared by consignee'],
  max_attempts: ['ST-108', 'Maximum attempts reached'],
  other: ['EOD-15', 'Shipment held by courier'],
};

type Dress = readonly [code: string, activity: string, srStatus: number | 'NA'];

const DRESS: Record<Exclude<ShipmentStatus, 'in_transit' | 'undelivered'>, Dress> = {
  pending: ['X-UCI', 'Manifested - Manifest uploaded', 5],
  booked: ['X-UCI', 'Manifested - Manifest uploaded', 5],
  pickup_scheduled: ['FMPUR-101', 'Manifested - Out for pickup', 19],
  pickup_failed: ['FMEOD-152', 'Pickup Exception - Seller not ready with the shipment', 20],
  picked_up: ['X-PPOM', 'In Transit - Shipment picked up', 42],
  out_for_delivery: ['X-DDD3FD', 'Dispatched - Out for delivery', 17],
  delivered: ['EOD-38', 'Delivered - Delivered to consignee', 7],
  rto_initiated: ['RT-101', 'Returned - Return accepted, shipment to be returned to origin', 9],
  rto_in_transit: ['RT-110', 'In Transit - Return in transit to origin', 46],
  rto_delivered: ['RD-AC', 'RTO - Shipment returned to shipper', 10],
  cancelled: ['CAN', 'Canceled - Shipment cancelled by the seller', 8],
  lost: ['LT-100', 'Lost - Shipment lost in transit', 12],
  damaged: ['DMG-101', 'Damaged - Shipment damaged in transit', 25],
};

/** A scan in Shiprocket's words. `previous` decides which in-transit scan this is. */
export function dressScan(scan: EmittedScan, previous: readonly SrScan[]): SrScan {
  const base = { at: scan.at, location: scan.location };
  if (scan.status === 'in_transit') {
    // "Added to Bag" is the reference's example of a scan Shiprocket leaves unmapped ("NA").
    if (scan.informational) return { ...base, code: 'X-DBL1F', activity: 'In Transit - Added to Bag', srStatus: 'NA', srLabel: 'NA' };
    const first = !previous.some((p) => p.srStatus === 6 || p.srStatus === 18);
    return first
      ? { ...base, code: 'X-PIOM', activity: 'In Transit - Shipment Recieved at Origin Center', srStatus: 6, srLabel: SHIPMENT_LABEL[6]! }
      : { ...base, code: 'X-ILL1F', activity: 'In Transit - Shipment received at facility', srStatus: 18, srLabel: SHIPMENT_LABEL[18]! };
  }
  if (scan.status === 'undelivered') {
    const [code, reason] = NDR_SCAN[scan.ndr ?? 'other'];
    return { ...base, code, activity: `Pending - ${reason}`, srStatus: 21, srLabel: SHIPMENT_LABEL[21]!, ndrReason: reason };
  }
  const [code, activity, srStatus] = DRESS[scan.status];
  return { ...base, code, activity, srStatus, srLabel: srStatus === 'NA' ? 'NA' : SHIPMENT_LABEL[srStatus]! };
}

/** "IN TRANSIT" → "In Transit": tracking's current_status is title case where the webhook's is upper. */
export function titleCase(label: string): string {
  return label.toLowerCase().replace(/\b[a-z]/g, (c) => c.toUpperCase());
}
