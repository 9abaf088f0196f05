// Normalised scenario steps → the scans Delhivery would show. This table is the simulator's own: it is
// deliberately not derived from the client's status map, so contract tests check one against the other.
// Codes marked (sim) were never seen in a source; they sit under the right StatusType/Status, which is
// what a client must read (Delhivery: "do not hard-code the flow").
import type { NdrReason } from '../../domain/status';
import type { EmittedScan } from '../scenario';
import type { SimPackage, SimScan } from './store';
import { istTimestamp, jitterMs } from './time';

export type ScanText = Pick<SimScan, 'statusType' | 'status' | 'code' | 'instructions'>;

export const ORIGIN = 'Bengaluru_Bomsndra_PC (Karnataka)';

/** NDR reason → the NSL code a field executive's failed attempt is recorded with. */
const NDR_SCANS: Record<NdrReason, { code: string; instructions: string }> = {
  consignee_unavailable: { code: 'EOD-11', instructions: 'Consignee Unavailable' },
  address_issue: { code: 'EOD-74', instructions: 'Bad/Incomplete Address' },
  future_delivery_requested: { code: 'EOD-3', instructions: 'Delivery rescheduled by consignee' },
  refused: { code: 'EOD-6', instructions: 'Consignee refused to accept/order cancelled' },
  cod_not_ready: { code: 'EOD-40', instructions: 'Payment Mode / Amount Dispute' },
  open_delivery_requested: { code: 'EOD-69', instructions: 'Customer asked for open delivery' },
  restricted_entry: { code: 'EOD-104', instructions: 'Entry restricted area' },
  out_of_delivery_area: { code: 'DLYDC-132', instructions: 'Shipment in ODA location' },
  not_attempted: { code: 'EOD-86', instructions: 'Not attempted' },
  max_attempts: { code: 'ST-108', instructions: 'Maximum attempts reached' },
  // Delhivery has no code for these two; EOD-43/EOD-15 are real NDR codes of undocumented meaning.
  otp_issue: { code: 'EOD-43', instructions: 'Delivery not completed' },
  other: { code: 'EOD-15', instructions: 'Delivery not completed' },
};

export const SCAN = {
  manifested: { statusType: 'UD', status: 'Manifested', code: 'X-UCI', instructions: 'Manifest uploaded' },
  pickupScheduled: { statusType: 'UD', status: 'Manifested', code: 'FMPUR-101', instructions: 'Pickup scheduled' },
  notPicked: { statusType: 'UD', status: 'Not Picked', code: 'FMEOD-152', instructions: 'Shipment not ready for pickup' }, // (sim)
  pickedUp: { statusType: 'UD', status: 'In Transit', code: 'X-PPOM', instructions: 'Shipment picked up' },
  originReceived: { statusType: 'UD', status: 'In Transit', code: 'X-PIOM', instructions: 'Shipment Recieved at Origin Center' }, // sic
  bagAddedToTrip: { statusType: 'UD', status: 'In Transit', code: 'X-DLL2F', instructions: 'Bag Added To Trip' },
  bagReceived: { statusType: 'UD', status: 'In Transit', code: 'X-ILL1F', instructions: 'Bag Received at Facility' },
  destinationReceived: { statusType: 'UD', status: 'Pending', code: 'X-IBD3F', instructions: 'Shipment Received at Facility' },
  outForDelivery: { statusType: 'UD', status: 'Dispatched', code: 'X-DDD3FD', instructions: 'Out for delivery' },
  delivered: { statusType: 'DL', status: 'Delivered', code: 'EOD-38', instructions: 'Delivered to consignee' },
  rtoStarted: { statusType: 'RT', status: 'In Transit', code: 'RT-101', instructions: 'Return Accepted' }, // (sim)
  rtoCancelled: { statusType: 'RT', status: 'In Transit', code: 'RT-101', instructions: 'Returned as per Client Instructions' }, // (sim)
  rtoMoving: { statusType: 'RT', status: 'In Transit', code: 'X-ILL1F', instructions: 'Bag Received at Facility' },
  rtoDelivered: { statusType: 'DL', status: 'RTO', code: 'RT-108', instructions: 'Returned' },
  lost: { statusType: 'UD', status: 'LOST', code: 'LT-101', instructions: 'Shipment lost' }, // (sim) StatusType of LOST never seen
} satisfies Record<string, ScanText>;

function has(p: SimPackage, code: string): boolean {
  return p.scans.some((s) => s.code === code);
}

/**
 * One engine scan → the Delhivery scans it becomes, oldest first. A forward cancellation becomes none:
 * Delhivery keeps a cancelled, unpicked shipment as UD/Manifested.
 */
export function renderScan(p: SimPackage, scan: EmittedScan): Array<ScanText & { at: number }> {
  const at = scan.at;
  const prevAt = p.scans[p.scans.length - 1]?.at ?? p.createdAt;
  switch (scan.status) {
    case 'pickup_scheduled':
      return [{ ...SCAN.pickupScheduled, at }];
    case 'pickup_failed':
      return [{ ...SCAN.notPicked, at }];
    case 'picked_up':
      return [{ ...SCAN.pickedUp, at }];
    case 'in_transit':
      if (!has(p, SCAN.originReceived.code)) return [{ ...SCAN.originReceived, at }];
      return [{ ...(scan.informational ? SCAN.bagAddedToTrip : SCAN.bagReceived), at }];
    case 'out_for_delivery':
      // The first time, the parcel is first received at the destination DC (UD/Pending without NDR code).
      if (!has(p, SCAN.destinationReceived.code)) return [{ ...SCAN.destinationReceived, at: prevAt + Math.floor((at - prevAt) / 2) }, { ...SCAN.outForDelivery, at }];
      return [{ ...SCAN.outForDelivery, at }];
    case 'undelivered': {
      const ndr = NDR_SCANS[scan.ndr ?? 'other'];
      return [{ statusType: 'UD', status: 'Pending', code: ndr.code, instructions: ndr.instructions, at }];
    }
    case 'delivered':
      return [{ ...SCAN.delivered, at }];
    case 'rto_initiated':
      return [{ ...(p.rtoStartedAt === undefined ? SCAN.rtoStarted : SCAN.rtoMoving), at }];
    case 'rto_in_transit':
      return [{ ...SCAN.rtoMoving, at }];
    case 'rto_delivered':
      return [{ ...SCAN.rtoDelivered, at }];
    case 'lost':
      return [{ ...SCAN.lost, at }];
    default:
      return []; // cancelled (see above); the engine emits nothing else
  }
}

/** Fixes a scan's time text (with sub-second jitter, never before the previous scan) and records it. */
export function appendScan(p: SimPackage, s: ScanText & { at: number }, location: string): SimScan {
  const prev = p.scans[p.scans.length - 1];
  const jittered = s.at + jitterMs(p.awb, p.scans.length);
  const at = prev && jittered <= prev.at ? prev.at + 1 : jittered;
  const scan: SimScan = { at, time: istTimestamp(at), statusType: s.statusType, status: s.status, code: s.code, instructions: s.instructions, location };
  p.scans.push(scan);
  if (scan.statusType === 'RT' && p.rtoStartedAt === undefined) p.rtoStartedAt = at;
  return scan;
}
