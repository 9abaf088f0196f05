// Delhivery StatusType × Status (+ NSL code) → Waybill's ShipmentStatus and NDR reason, as data.
// Sources: couriers.md §2.6 (StatusType vocabulary from Delhivery's package-lifecycle docs, NSL codes from
// real scans and integrator maps) and §4 (normalisation). Delhivery says "do not hard-code the flow", so
// the status comes from StatusType × Status, which Delhivery keeps small and stable; NSL codes (hundreds,
// mostly undocumented) only refine it where a code is known to mean something more specific.
import type { NdrReason, ShipmentStatus } from '../../domain/status';

/**
 * RT (returning to origin) has no separate "RTO initiated" status: the first RT scan is the RTO starting,
 * later ones are the parcel travelling back. See rtoStatus below.
 */
export const RTO_PHASE = 'rto_phase' as const;
type Rule = ShipmentStatus | typeof RTO_PHASE;

/** StatusType → Status → rule. Status keys are matched case-insensitively. */
export const STATUS_TABLE: Readonly<Record<string, Readonly<Record<string, Rule>>>> = {
  // Forward, not yet delivered.
  UD: {
    Manifested: 'booked',
    'Not Picked': 'pickup_failed',
    'In Transit': 'in_transit',
    // At the destination DC. Becomes 'undelivered' when the NSL code is an NDR code (NDR_CODES).
    Pending: 'in_transit',
    Dispatched: 'out_for_delivery',
  },
  // Terminal. DTO is a reverse pickup delivered back to the seller: the end of that shipment's journey,
  // so 'delivered' (Waybill books forward shipments only; this keeps a reverse AWB from coming back null).
  DL: { Delivered: 'delivered', RTO: 'rto_delivered', DTO: 'delivered' },
  RT: { 'In Transit': RTO_PHASE, Pending: RTO_PHASE, Dispatched: RTO_PHASE },
  // Reverse pickups (RVP), mapped along the same journey for the same reason as DTO.
  PP: { Open: 'pickup_scheduled', Scheduled: 'pickup_scheduled', Dispatched: 'pickup_scheduled' },
  PU: { 'In Transit': 'picked_up', Pending: 'in_transit', Dispatched: 'out_for_delivery' },
  CN: { Canceled: 'cancelled', Cancelled: 'cancelled', Closed: 'cancelled' },
};

/**
 * Status values that mean the same whatever the StatusType. "LOST" appears among Delhivery's terminal
 * states (edit rules) but its StatusType was never seen (couriers.md §5 q10).
 */
export const STATUS_ANY_TYPE: Readonly<Record<string, ShipmentStatus>> = {
  LOST: 'lost',
};

/** NSL codes that refine a StatusType/Status pair. */
export const NSL_REFINEMENTS: ReadonlyArray<{ statusType: string; status: string; nsl: string; to: ShipmentStatus }> = [
  { statusType: 'UD', status: 'Manifested', nsl: 'FMPUR-101', to: 'pickup_scheduled' },
  { statusType: 'UD', status: 'In Transit', nsl: 'X-PPOM', to: 'picked_up' },
];

/**
 * NDR codes. Meanings: EOD-11/EOD-38 from real scans, EOD-777/EOD-21 from Delhivery's docs, the rest from
 * integrator maps (couriers.md §2.6). EOD-15, EOD-16 and EOD-43 appear only in Delhivery's NDR-action
 * eligibility lists; their meaning was never captured, hence 'other'. ST-105/ST-107 ("reattempt
 * requested") keep the NDR open: the consignee asked to be tried again later.
 */
export const NDR_CODES: Readonly<Record<string, { reason: NdrReason; text: string }>> = {
  'EOD-11': { reason: 'consignee_unavailable', text: 'Consignee unavailable' },
  'EOD-74': { reason: 'address_issue', text: 'Bad or incomplete address' },
  'EOD-6': { reason: 'refused', text: 'Consignee refused / cancelled the order' },
  'EOD-111': { reason: 'refused', text: 'Consignee opened the package and refused' },
  'EOD-3': { reason: 'future_delivery_requested', text: 'Delivery rescheduled by consignee' },
  'EOD-40': { reason: 'cod_not_ready', text: 'Payment dispute' },
  'EOD-69': { reason: 'open_delivery_requested', text: 'Consignee asked for open delivery' },
  'EOD-104': { reason: 'restricted_entry', text: 'Entry restricted area' },
  'EOD-86': { reason: 'not_attempted', text: 'Delivery not attempted' },
  'DLYDC-132': { reason: 'out_of_delivery_area', text: 'Out of delivery area (ODA)' },
  'ST-108': { reason: 'max_attempts', text: 'Maximum delivery attempts reached' },
  'ST-105': { reason: 'future_delivery_requested', text: 'Reattempt requested' },
  'ST-107': { reason: 'future_delivery_requested', text: 'Reattempt requested' },
  'EOD-15': { reason: 'other', text: 'Undelivered (EOD-15, meaning not documented)' },
  'EOD-16': { reason: 'other', text: 'Undelivered (EOD-16, meaning not documented)' },
  'EOD-43': { reason: 'other', text: 'Undelivered (EOD-43, meaning not documented)' },
};

/**
 * Codes seen in real data or docs that change nothing beyond their StatusType/Status. Kept so tests can
 * assert every documented code maps, and as the reference list for the simulator.
 */
export const INFORMATIONAL_CODES: Readonly<Record<string, string>> = {
  'X-UCI': 'Manifest uploaded',
  'X-PIOM': 'Shipment received at origin centre',
  'S-MAR': 'Air-restricted product, moved by surface',
  'X-DBL1F': 'Added to bag',
  'X-DLL2F': 'Bag added to trip',
  'X-ILL1F': 'Bag received at facility',
  'X-ILL2F': 'Trip arrived',
  'X-DWS': 'System weight captured',
  'X-IBD3F': 'Shipment received at destination facility',
  'X-DDD3FD': 'Out for delivery',
  'ST-114': 'Call placed to consignee',
  'EOD-38': 'Delivered to consignee',
  'RT-108': 'Returned',
  'EOD-777': 'Reverse pickup QC failed',
  'EOD-21': 'Reverse pickup cancelled',
};

/** Attempt outcomes ("end of day") are EOD-n; EOD-38 is the one success. */
const EOD_FAILURE = /^EOD-\d+$/;
const DELIVERED_CODE = 'EOD-38';

export interface ScanInput {
  statusType: string | undefined;
  status: string | undefined;
  nsl: string | undefined;
  /**
   * Only read for RT scans: whether this is the scan that started the RTO. undefined = unknown (a lone
   * webhook scan without RTOStartedDate).
   */
  firstRtoScan?: boolean;
}

export interface ScanMapping {
  status: ShipmentStatus | null;
  ndr?: { reason: NdrReason; text: string };
  /** The status fell back (null): StatusType/Status not in the table. */
  unmapped: boolean;
  /** Worth reporting to onUnmappedStatus: the status fell back, or an NDR code's reason is unknown. */
  unknownCode: boolean;
}

function lookupStatus(statusType: string, status: string): Rule | undefined {
  const row = STATUS_TABLE[statusType.toUpperCase()];
  if (!row) return undefined;
  const wanted = status.toLowerCase();
  for (const [k, v] of Object.entries(row)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/**
 * RT/In Transit is what Delhivery shows the moment a shipment is turned into a return ("converted into a
 * Return shipment"), RT/Pending and RT/Dispatched come later near the origin. With no way to tell whether
 * a lone RT/In Transit scan was the first, it is taken as the start of the RTO.
 */
function rtoStatus(status: string, first: boolean | undefined): ShipmentStatus {
  if (first !== undefined) return first ? 'rto_initiated' : 'rto_in_transit';
  return status.toLowerCase() === 'in transit' ? 'rto_initiated' : 'rto_in_transit';
}

/** One scan → normalised status. Pure. */
export function mapScan(input: ScanInput): ScanMapping {
  const statusType = (input.statusType ?? '').trim().toUpperCase();
  const status = (input.status ?? '').trim();
  const nsl = (input.nsl ?? '').trim().toUpperCase();

  const anyType = STATUS_ANY_TYPE[status.toUpperCase()];
  if (anyType) return { status: anyType, unmapped: false, unknownCode: false };

  const rule = lookupStatus(statusType, status);
  if (rule === undefined) return { status: null, unmapped: true, unknownCode: true };
  if (rule === RTO_PHASE) return { status: rtoStatus(status, input.firstRtoScan), unmapped: false, unknownCode: false };

  const refined = NSL_REFINEMENTS.find((r) => r.statusType === statusType && r.status.toLowerCase() === status.toLowerCase() && r.nsl === nsl);
  if (refined) return { status: refined.to, unmapped: false, unknownCode: false };

  // A failed attempt is reported as UD/Pending (occasionally still UD/Dispatched) with the NDR code.
  if (statusType === 'UD' && (rule === 'in_transit' || rule === 'out_for_delivery') && status.toLowerCase() !== 'in transit') {
    const known = NDR_CODES[nsl];
    if (known) return { status: 'undelivered', ndr: known, unmapped: false, unknownCode: false };
    if (EOD_FAILURE.test(nsl) && nsl !== DELIVERED_CODE && !INFORMATIONAL_CODES[nsl]) {
      return { status: 'undelivered', ndr: { reason: 'other', text: 'Undelivered' }, unmapped: false, unknownCode: true };
    }
  }
  return { status: rule, unmapped: false, unknownCode: false };
}
