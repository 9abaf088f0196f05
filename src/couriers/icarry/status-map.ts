// iCarry's status codes and NDR types → Waybill's vocabulary, as data. Sources: IC-PDF's code table
// (couriers.md §3.5, confirmed by IC-LARAVEL) and NDR type list (§3.6); mappings follow §4 with the
// choices below.
import type { NdrReason, ShipmentStatus } from '../../domain/status';

export interface IcarryStatusCode {
  label: string;
  status: ShipmentStatus;
}

/** Used by both api_shipment_status_sync ("3") and the status webhook (3). */
export const ICARRY_STATUS_CODES: Readonly<Record<string, IcarryStatusCode>> = {
  '1': { label: 'Pending Pickup', status: 'pickup_scheduled' },
  // "Processing" reads as booked-but-not-manifested (save_only); §5 q16 leaves it open.
  '2': { label: 'Processing', status: 'booked' },
  // Always picked_up, never in_transit: the webhook carries no date_picked, and one dedupe key
  // (icarry:<awb>:status:3) must mean one status whichever copy — webhook or poll — arrives first.
  '3': { label: 'Shipped', status: 'picked_up' },
  '7': { label: 'Canceled', status: 'cancelled' },
  '12': { label: 'Damaged', status: 'damaged' },
  '14': { label: 'Lost', status: 'lost' },
  // Meaning undocumented (§5 q16); a voided shipment is not going anywhere.
  '16': { label: 'Voided', status: 'cancelled' },
  '21': { label: 'Delivered', status: 'delivered' },
  '22': { label: 'In Transit', status: 'in_transit' },
  '23': { label: 'Returned to Origin', status: 'rto_delivered' },
  '24': { label: 'Manifested', status: 'booked' },
  '25': { label: 'Pickup Scheduled', status: 'pickup_scheduled' },
  '26': { label: 'Out For Delivery', status: 'out_for_delivery' },
  // iCarry has no separate RTO-in-transit code; 27 is the start of the return.
  '27': { label: 'Pending Return', status: 'rto_initiated' },
};

/** "3", 3, " 03 " → "3"; anything that is not a whole number → undefined. */
export function normaliseStatusCode(raw: unknown): string | undefined {
  const text = typeof raw === 'number' ? (Number.isInteger(raw) ? String(raw) : '') : typeof raw === 'string' ? raw.trim() : '';
  return /^\d{1,4}$/.test(text) ? String(Number(text)) : undefined;
}

export interface IcarryNdrType {
  /** What iCarry's document says the type means (kept as the event's label). */
  text: string;
  status: ShipmentStatus;
  /** Absent on return-leg exceptions and losses: those are not delivery failures the customer can fix. */
  reason?: NdrReason;
}

/** Every NDR `type` in IC-PDF (§3.6). */
export const ICARRY_NDR_TYPES: Readonly<Record<string, IcarryNdrType>> = {
  // "Address wrong or consignee unreachable": the fix is new contact details, which address_issue asks
  // for; the consignee-away case has its own type (OUTOFSTN).
  'REATTEMPT-CONTACT': { text: 'Address wrong or consignee unreachable', status: 'undelivered', reason: 'address_issue' },
  'REATTEMPT-OUTOFSTN': { text: 'Consignee not available at the address', status: 'undelivered', reason: 'consignee_unavailable' },
  REATTEMPT: { text: 'Delivery attempt failed', status: 'undelivered', reason: 'not_attempted' },
  'URGENT-DELIVERY': { text: 'Shipment beyond its expected delivery date', status: 'undelivered', reason: 'not_attempted' },
  MISROUTE: { text: 'Misrouted (wrong pincode)', status: 'undelivered', reason: 'other' },
  'DC-ADDRESS': { text: 'Out of delivery area: self-collect from the delivery centre', status: 'undelivered', reason: 'out_of_delivery_area' },
  'REATTEMPT-RESTRICTED-ENTRY': { text: 'Restricted entry at the address', status: 'undelivered', reason: 'restricted_entry' },
  'REATTEMPT-NEW-DATE': { text: 'Consignee asked for delivery on a later date', status: 'undelivered', reason: 'future_delivery_requested' },
  'REATTEMPT-COD-NOT-READY': { text: 'Consignee did not have the COD amount ready', status: 'undelivered', reason: 'cod_not_ready' },
  'REATTEMPT-CUST-REFUSED': { text: 'Consignee refused the shipment', status: 'undelivered', reason: 'refused' },
  'CONSIGNEE-OPENED-REFUSED': { text: 'Consignee opened the shipment and refused it', status: 'undelivered', reason: 'refused' },
  'OPEN-DELIVERY': { text: 'Consignee asked for open delivery', status: 'undelivered', reason: 'open_delivery_requested' },
  'REATTEMPT-OTP': { text: 'Consignee could not give the delivery OTP', status: 'undelivered', reason: 'otp_issue' },
  'REATTEMPT-DAMAGE': { text: 'Shipment damaged, delivery to be reattempted', status: 'undelivered', reason: 'other' },
  'EWAY-SEND': { text: 'Awaiting e-way bill', status: 'undelivered', reason: 'other' },
  'FINANCE-EMBARGO': { text: 'Held for a payment issue', status: 'undelivered', reason: 'other' },
  'MANUAL-VERIFY': { text: 'Needs manual verification', status: 'undelivered', reason: 'other' },
  // Return-leg exceptions: the parcel is already coming back, so they report the return in progress
  // rather than a customer NDR (an 'undelivered' would also be a regression from any RTO status).
  'RTO-REATTEMPT': { text: 'Return delivery to the seller to be reattempted', status: 'rto_in_transit' },
  'RTO-PACKING': { text: 'Return held for repacking', status: 'rto_in_transit' },
  'RTO-SECURITY': { text: 'Return held at security (x-ray / banned item)', status: 'rto_in_transit' },
  'REATTEMPT-RTO-REFUSED': { text: 'Seller refused the return', status: 'rto_in_transit' },
  'RTO-MISSING': { text: 'Shipment lost on the return leg', status: 'lost' },
};
