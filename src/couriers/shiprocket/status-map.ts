// Shiprocket's two numeric status enums, as data, and their normalisation (couriers.md §1.8a, §1.8b, §4).
//
// The enums only coincide at 6 and 7 (in transit is shipment 18 but order 20; cancelled 8 vs 5), so an
// id is never looked up without knowing which enum it came from. The shipment enum (`shipment_status`,
// activity `sr-status`, webhook `shipment_status_id`) is authoritative; the order enum (webhook
// `current_status_id`, order APIs `status_code`) is only a fallback.
//
// `status: null` marks ids that are known but informational (they do not move a shipment: Delayed,
// fulfilment-centre and hyperlocal rider states, reverse-pickup states). An id absent from a table is
// *unmapped*: the caller keeps the status, flags the event and reports the code so the table can grow.
import type { ShipmentStatus } from '../../domain/status';

export interface StatusRow {
  readonly id: number;
  readonly name: string;
  readonly status: ShipmentStatus | null;
  /** Only official samples confirm an id; the rest come from third-party copies (couriers.md §5.1). */
  readonly confirmed?: true;
}

/** Shipment-status ids (§1.8a). Ids confirmed by official samples: 1, 3, 5, 6, 7, 17, 18, 19, 38, 42. */
export const SHIPMENT_STATUS_TABLE: readonly StatusRow[] = [
  { id: 1, name: 'AWB Assigned', status: 'booked', confirmed: true },
  { id: 2, name: 'Label Generated', status: 'booked' },
  { id: 3, name: 'Pickup Scheduled/Generated', status: 'pickup_scheduled', confirmed: true },
  { id: 4, name: 'Pickup Queued', status: 'pickup_scheduled' },
  { id: 5, name: 'Manifest Generated', status: 'booked', confirmed: true },
  { id: 6, name: 'Shipped', status: 'in_transit', confirmed: true },
  { id: 7, name: 'Delivered', status: 'delivered', confirmed: true },
  { id: 8, name: 'Cancelled', status: 'cancelled' },
  { id: 9, name: 'RTO Initiated', status: 'rto_initiated' },
  { id: 10, name: 'RTO Delivered', status: 'rto_delivered' },
  // "Pending" has no documented meaning beyond its name: it says nothing about where the parcel is.
  { id: 11, name: 'Pending', status: null },
  { id: 12, name: 'Lost', status: 'lost' },
  { id: 13, name: 'Pickup Error', status: 'pickup_failed' },
  // Acknowledged comes after RTO Delivered (SR-KB): still the same end state.
  { id: 14, name: 'RTO Acknowledged', status: 'rto_delivered' },
  { id: 15, name: 'Pickup Rescheduled', status: 'pickup_scheduled' },
  // §4 puts "requested" with cancelled: after the request Shiprocket does not hand the parcel over.
  { id: 16, name: 'Cancellation Requested', status: 'cancelled' },
  { id: 17, name: 'Out For Delivery', status: 'out_for_delivery', confirmed: true },
  { id: 18, name: 'In Transit', status: 'in_transit', confirmed: true },
  { id: 19, name: 'Out For Pickup', status: 'pickup_scheduled', confirmed: true },
  { id: 20, name: 'Pickup Exception', status: 'pickup_failed' },
  { id: 21, name: 'Undelivered', status: 'undelivered' },
  // A delay notice, not a movement (§4 keeps it apart from Undelivered).
  { id: 22, name: 'Delayed', status: null },
  { id: 23, name: 'Partial Delivered', status: 'delivered' },
  // Destroyed/disposed fold into damaged/lost (DESIGN.md); the raw code stays on the event.
  // Destroyed describes what happened to the parcel, Disposed Off where it went.
  { id: 24, name: 'Destroyed', status: 'damaged' },
  { id: 25, name: 'Damaged', status: 'damaged' },
  // Fulfilled and Self Fulfilled concern orders Shiprocket did not carry; meaning undocumented.
  { id: 26, name: 'Fulfilled', status: null },
  { id: 27, name: 'Pickup Booked', status: 'pickup_scheduled' },
  { id: 38, name: 'Reached at Destination Hub', status: 'in_transit', confirmed: true },
  // Misrouted is a detour, not an end: the parcel is still moving.
  { id: 39, name: 'Misrouted', status: 'in_transit' },
  { id: 40, name: 'RTO NDR', status: 'rto_in_transit' },
  { id: 41, name: 'RTO OFD', status: 'rto_in_transit' },
  { id: 42, name: 'Picked Up', status: 'picked_up', confirmed: true },
  { id: 43, name: 'Self Fulfilled', status: null },
  { id: 44, name: 'Disposed Off', status: 'lost' },
  { id: 45, name: 'Cancelled before Dispatched', status: 'cancelled' },
  { id: 46, name: 'RTO In Transit', status: 'rto_in_transit' },
  // Quality check of reverse pickups; Waybill books forward shipments only.
  { id: 47, name: 'QC Failed', status: null },
  { id: 48, name: 'Reached Warehouse', status: 'in_transit' },
  { id: 49, name: 'Custom Cleared', status: 'in_transit' },
  { id: 50, name: 'In Flight', status: 'in_transit' },
  { id: 51, name: 'Handover to Courier', status: 'in_transit' },
  { id: 52, name: 'Shipment Booked', status: 'booked' },
  { id: 54, name: 'In Transit Overseas', status: 'in_transit' },
  { id: 55, name: 'Connection Aligned', status: 'in_transit' },
  { id: 56, name: 'Reached Overseas Warehouse', status: 'in_transit' },
  { id: 57, name: 'Custom Cleared Overseas', status: 'in_transit' },
  // Fulfilment-centre states happen before the courier has the parcel: nothing to tell the customer.
  { id: 59, name: 'Box Packing', status: null },
  { id: 60, name: 'FC Allocated', status: null },
  { id: 61, name: 'Picklist Generated', status: null },
  { id: 62, name: 'Ready to Pack', status: null },
  { id: 63, name: 'Packed', status: null },
  { id: 67, name: 'FC Manifest Generated', status: null },
  { id: 68, name: 'Processed at Warehouse', status: null },
  { id: 71, name: 'Handover Exception', status: null },
  { id: 72, name: 'Packed Exception', status: null },
  { id: 75, name: 'RTO Lock', status: 'rto_in_transit' },
  { id: 76, name: 'Untraceable', status: 'lost' },
  // A failed delivery for a reason on the recipient's side: an NDR by another name.
  { id: 77, name: 'Issue Related to the Recipient', status: 'undelivered' },
  { id: 78, name: 'Reached Back at Seller City', status: 'rto_in_transit' },
  // Hyperlocal rider states: bookkeeping of the rider, not of the parcel.
  { id: 79, name: 'Rider Assigned', status: null },
  { id: 80, name: 'Rider Unassigned', status: null },
  { id: 81, name: 'Rider Assigned', status: null },
  { id: 82, name: 'Rider Reached at Drop', status: null },
  { id: 83, name: 'Searching for Rider', status: null },
];

/** Order-status ids (§1.8b, SR-ENUM). 51+ are a third-party extension, kept because they do appear. */
export const ORDER_STATUS_TABLE: readonly StatusRow[] = [
  { id: 1, name: 'NEW', status: 'pending', confirmed: true },
  { id: 2, name: 'INVOICED', status: 'pending' },
  { id: 3, name: 'READY_TO_SHIP', status: 'booked' },
  { id: 4, name: 'PICKUP_SCHEDULED', status: 'pickup_scheduled' },
  { id: 5, name: 'CANCELLED', status: 'cancelled' },
  { id: 6, name: 'SHIPPED', status: 'in_transit' },
  { id: 7, name: 'DELIVERED', status: 'delivered' },
  { id: 8, name: 'EPAYMENT_FAILED', status: null },
  // Order-level "returned" does not say whether it is an RTO or a customer return.
  { id: 9, name: 'RETURNED', status: null },
  { id: 10, name: 'UNMAPPED', status: null },
  { id: 11, name: 'UNFULFILLABLE', status: null },
  { id: 12, name: 'PICKUP_QUEUE', status: 'pickup_scheduled' },
  { id: 13, name: 'PICKUP_RESCHEDULED', status: 'pickup_scheduled' },
  { id: 14, name: 'PICKUP_ERROR', status: 'pickup_failed' },
  { id: 15, name: 'RTO_INITIATED', status: 'rto_initiated' },
  { id: 16, name: 'RTO_DELIVERED', status: 'rto_delivered' },
  { id: 17, name: 'RTO_ACKNOWLEDGED', status: 'rto_delivered' },
  { id: 18, name: 'CANCELLATION_REQUESTED', status: 'cancelled' },
  { id: 19, name: 'OUT_FOR_DELIVERY', status: 'out_for_delivery' },
  { id: 20, name: 'IN_TRANSIT', status: 'in_transit', confirmed: true },
  // 21–32: customer returns (reverse pickups) run as separate shipments; they never move a forward one.
  { id: 21, name: 'RETURN_PENDING', status: null },
  { id: 22, name: 'RETURN_INITIATED', status: null },
  { id: 23, name: 'RETURN_PICKUP_QUEUED', status: null },
  { id: 24, name: 'RETURN_PICKUP_ERROR', status: null },
  { id: 25, name: 'RETURN_IN_TRANSIT', status: null },
  { id: 26, name: 'RETURN_DELIVERED', status: null },
  { id: 27, name: 'RETURN_CANCELLED', status: null },
  { id: 28, name: 'RETURN_PICKUP_GENERATED', status: null },
  { id: 29, name: 'RETURN_CANCELLATION_REQUESTED', status: null },
  { id: 30, name: 'RETURN_PICKUP_CANCELLED', status: null },
  { id: 31, name: 'RETURN_PICKUP_RESCHEDULED', status: null },
  { id: 32, name: 'RETURN_PICKEDUP', status: null },
  { id: 33, name: 'LOST', status: 'lost' },
  { id: 34, name: 'OUT_FOR_PICKUP', status: 'pickup_scheduled' },
  { id: 35, name: 'PICKUP_EXCEPTION', status: 'pickup_failed' },
  { id: 36, name: 'UNDELIVERED', status: 'undelivered', confirmed: true },
  { id: 37, name: 'DELAYED', status: null },
  { id: 38, name: 'PARTIAL_DELIVERED', status: 'delivered' },
  { id: 39, name: 'DESTROYED', status: 'damaged' },
  { id: 40, name: 'DAMAGED', status: 'damaged' },
  { id: 41, name: 'FULFILLED', status: null },
  { id: 42, name: 'ARCHIVED', status: null },
  { id: 43, name: 'REACHED_DESTINATION_HUB', status: 'in_transit' },
  { id: 44, name: 'MISROUTED', status: 'in_transit' },
  { id: 45, name: 'RTO_OFD', status: 'rto_in_transit' },
  { id: 46, name: 'RTO_NDR', status: 'rto_in_transit' },
  { id: 51, name: 'PICKED_UP', status: 'picked_up' },
  { id: 52, name: 'SELF_FULFILLED', status: null },
  { id: 53, name: 'DISPOSED_OFF', status: 'lost' },
  { id: 54, name: 'CANCELED_BEFORE_DISPATCHED', status: 'cancelled' },
  { id: 55, name: 'RTO_IN_TRANSIT', status: 'rto_in_transit' },
  { id: 57, name: 'QC_FAILED', status: null },
  { id: 58, name: 'REACHED_WAREHOUSE', status: 'in_transit' },
];

export type StatusEnum = 'shipment' | 'order';

const byId = (rows: readonly StatusRow[]): ReadonlyMap<number, StatusRow> => new Map(rows.map((r) => [r.id, r]));
const SHIPMENT_BY_ID = byId(SHIPMENT_STATUS_TABLE);
const ORDER_BY_ID = byId(ORDER_STATUS_TABLE);

export function statusRow(source: StatusEnum, id: number): StatusRow | undefined {
  return (source === 'shipment' ? SHIPMENT_BY_ID : ORDER_BY_ID).get(id);
}

/** "PICKED UP", "Picked Up", "picked_up", "CANCELED" → one comparable form. */
function labelKey(label: string): string {
  return label
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim()
    .replace(/\bCANCELED\b/g, 'CANCELLED');
}

// Labels carry the status where ids are missing (track-by-shipment examples, older payloads). Both
// tables' names feed the index; shipment names win where the enums disagree.
const BY_LABEL: ReadonlyMap<string, StatusRow> = new Map(
  [...ORDER_STATUS_TABLE, ...SHIPMENT_STATUS_TABLE].map((r) => [labelKey(r.name), r] as const),
);

export function statusRowByLabel(label: string): StatusRow | undefined {
  return BY_LABEL.get(labelKey(label));
}

/** The result of normalising one courier status. */
export interface Normalised {
  status: ShipmentStatus | null;
  /** The code in a form that names its enum ("shipment:18", "order:20", "label:IN TRANSIT"). */
  rawCode: string;
  label: string;
  /** True when no table knew the code: the status fell back to null. */
  unmapped: boolean;
  /** Codes no table knew, to report even when a fallback enum rescued the status. */
  unknownCodes: string[];
}

/** Integer ids arrive as numbers or numeric strings ("42"); anything else is not an id. */
export function toStatusId(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

export function normaliseStatusId(source: StatusEnum, id: number): Normalised {
  const row = statusRow(source, id);
  const rawCode = `${source}:${id}`;
  return row
    ? { status: row.status, rawCode, label: row.name, unmapped: false, unknownCodes: [] }
    : { status: null, rawCode, label: String(id), unmapped: true, unknownCodes: [rawCode] };
}

function normaliseLabel(label: string): Normalised {
  const row = statusRowByLabel(label);
  const rawCode = `label:${label}`;
  return row
    ? { status: row.status, rawCode, label, unmapped: false, unknownCodes: [] }
    : { status: null, rawCode, label, unmapped: true, unknownCodes: [rawCode] };
}

/**
 * The best available reading of a current status: the shipment enum first, then the order enum. The
 * label text is read only when neither id is present: an unknown id stays unmapped even if its label
 * looks familiar, so that new codes get noticed. Returns undefined when the payload carries none.
 */
export function normaliseCurrentStatus(input: { shipmentStatusId?: unknown; orderStatusId?: unknown; label?: unknown }): Normalised | undefined {
  const candidates: Normalised[] = [];
  const shipmentId = toStatusId(input.shipmentStatusId);
  if (shipmentId !== undefined) candidates.push(normaliseStatusId('shipment', shipmentId));
  const orderId = toStatusId(input.orderStatusId);
  if (orderId !== undefined) candidates.push(normaliseStatusId('order', orderId));
  if (candidates.length === 0 && typeof input.label === 'string' && input.label.trim() !== '') candidates.push(normaliseLabel(input.label.trim()));
  if (candidates.length === 0) return undefined;
  // The first known reading wins; every unknown code met on the way is still reported.
  const unknownCodes = candidates.flatMap((c) => c.unknownCodes);
  const chosen = candidates.find((c) => !c.unmapped) ?? candidates[0]!;
  return { ...chosen, unknownCodes };
}
