// How a scenario step shows up at iCarry: a status code (IC-PDF §3.5) when iCarry has one, the
// underlying courier's free text and scan note for api_track_shipment, and an NDR type for the daily
// batch. Lossy on purpose, as iCarry is: no code for NDR, pickup failure or RTO-in-transit.
import type { NdrReason, ShipmentStatus } from '../../domain/status';

export interface IcarryRendering {
  /** The new status code; undefined = the code does not change (and no status callback is sent). */
  code?: number;
  /** The underlying courier's status text (Delhivery-style); undefined = the text does not change. */
  text?: string;
  notes: string;
}

/** A freshly booked shipment: iCarry books the pickup with the shipment. */
export const BOOKED = { code: 1, text: 'Manifested', notes: 'Consignment Manifested' } as const;

const STEP: Record<ShipmentStatus, IcarryRendering> = {
  pending: { notes: 'Shipment details received' },
  booked: { code: 24, text: 'Manifested', notes: 'Consignment Manifested' },
  pickup_scheduled: { code: 25, text: 'Manifested', notes: 'Pickup scheduled' },
  // No pickup-failure code: the shipment goes back to Pending Pickup.
  pickup_failed: { code: 1, text: 'Manifested', notes: 'Pickup attempted: shipment not ready' },
  picked_up: { code: 3, text: 'In Transit', notes: 'Shipment Picked Up from Client Location' },
  in_transit: { code: 22, text: 'In Transit', notes: 'Shipment received at facility' },
  out_for_delivery: { code: 26, text: 'Dispatched', notes: 'Out for delivery' },
  // No NDR code: only the scan and the daily NDR batch tell.
  undelivered: { text: 'Pending', notes: 'Delivery attempt failed' },
  delivered: { code: 21, text: 'Delivered', notes: 'Delivered to consignee' },
  rto_initiated: { code: 27, text: 'RTO', notes: 'Return to origin initiated' },
  // 27 again: no distinct code, so no callback either.
  rto_in_transit: { code: 27, text: 'RTO', notes: 'Return shipment in transit' },
  rto_delivered: { code: 23, text: 'RTO', notes: 'Returned to shipper' },
  // The underlying courier never hears of a cancellation before pickup: its text stays "Manifested".
  cancelled: { code: 7, notes: 'Seller cancelled the order' },
  lost: { code: 14, text: 'LOST', notes: 'Shipment lost' },
  damaged: { code: 12, text: 'Damaged', notes: 'Shipment damaged' },
};

export function renderStep(status: ShipmentStatus, informational: boolean): IcarryRendering {
  if (informational) return { notes: status === 'in_transit' ? 'Added to bag at hub' : STEP[status].notes };
  return STEP[status];
}

/** Waybill's simulated NDR reason → the iCarry NDR type the batch reports. */
export const NDR_TYPE_FOR: Record<NdrReason, { type: string; notes: string }> = {
  consignee_unavailable: { type: 'REATTEMPT-OUTOFSTN', notes: 'Consignee not available' },
  address_issue: { type: 'REATTEMPT-CONTACT', notes: 'Consignee unreachable / address incorrect' },
  future_delivery_requested: { type: 'REATTEMPT-NEW-DATE', notes: 'Consignee asked for future delivery' },
  refused: { type: 'REATTEMPT-CUST-REFUSED', notes: 'Consignee refused the shipment' },
  cod_not_ready: { type: 'REATTEMPT-COD-NOT-READY', notes: 'COD amount not ready' },
  open_delivery_requested: { type: 'OPEN-DELIVERY', notes: 'Consignee asked for open delivery' },
  restricted_entry: { type: 'REATTEMPT-RESTRICTED-ENTRY', notes: 'Entry restricted at address' },
  out_of_delivery_area: { type: 'DC-ADDRESS', notes: 'Out of delivery area: self collect' },
  not_attempted: { type: 'REATTEMPT', notes: 'Delivery not attempted' },
  otp_issue: { type: 'REATTEMPT-OTP', notes: 'OTP not provided' },
  max_attempts: { type: 'MANUAL-VERIFY', notes: 'Maximum attempts reached' },
  other: { type: 'MANUAL-VERIFY', notes: 'Delivery exception' },
};

/** IC-PDF's names for the codes, for error sentences. */
export const CODE_NAMES: Record<number, string> = {
  1: 'Pending Pickup',
  2: 'Processing',
  3: 'Shipped',
  7: 'Canceled',
  12: 'Damaged',
  14: 'Lost',
  16: 'Voided',
  21: 'Delivered',
  22: 'In Transit',
  23: 'Returned to Origin',
  24: 'Manifested',
  25: 'Pickup Scheduled',
  26: 'Out For Delivery',
  27: 'Pending Return',
};
