// How Delhivery shows a package: the tracking API's Shipment (field names, nesting and spellings as in
// real captures, "Recieve" included) and the scan push body.
import { ORIGIN, SCAN } from './scans';
import { lastScan, type SimPackage, type SimScan } from './store';
import { istDate, istEndOfDay, istTimestamp } from './time';

const DAY = 86_400_000;

function firstTime(p: SimPackage, pred: (s: SimScan) => boolean): string | null {
  return p.scans.find(pred)?.time ?? null;
}

const byCode = (code: string) => (s: SimScan) => s.code === code;

export function expectedDelivery(p: SimPackage): string {
  return istEndOfDay(istDate(p.createdAt + 4 * DAY));
}

/** GET /api/v1/packages/json/ → ShipmentData[].Shipment. */
export function trackingShipment(p: SimPackage): Record<string, unknown> {
  const current = lastScan(p)!;
  const pickedUp = firstTime(p, byCode(SCAN.pickedUp.code));
  return {
    AWB: p.awb,
    ReferenceNo: p.orderId,
    OrderType: p.paymentMode,
    CODAmount: p.codAmount,
    InvoiceAmount: p.totalAmount,
    ChargedWeight: null,
    Quantity: p.quantity,
    SenderName: p.clientName,
    Origin: ORIGIN,
    Destination: p.consignee.city,
    PickupLocation: p.warehouse,
    PickUpDate: pickedUp,
    PickedupDate: pickedUp,
    OriginRecieveDate: firstTime(p, byCode(SCAN.originReceived.code)),
    DestRecieveDate: firstTime(p, byCode(SCAN.destinationReceived.code)),
    OutDestinationDate: firstTime(p, byCode(SCAN.bagReceived.code)),
    FirstAttemptDate: firstTime(p, byCode(SCAN.outForDelivery.code)),
    DeliveryDate: firstTime(p, (s) => s.statusType === 'DL' && s.status === 'Delivered'),
    ExpectedDeliveryDate: expectedDelivery(p),
    PromisedDeliveryDate: expectedDelivery(p),
    RTOStartedDate: p.rtoStartedAt === undefined ? null : istTimestamp(p.rtoStartedAt),
    ReturnedDate: firstTime(p, (s) => s.statusType === 'DL' && s.status === 'RTO'),
    ReturnPromisedDeliveryDate: null,
    ReverseInTransit: false,
    DispatchCount: p.scans.filter(byCode(SCAN.outForDelivery.code)).length,
    Ewaybill: [],
    Extras: '',
    Consignee: {
      Name: p.consignee.name,
      Address1: [],
      Address2: [],
      Address3: '',
      City: p.consignee.city,
      State: p.consignee.state,
      PinCode: Number(p.consignee.pin),
      Country: 'India',
      // Delhivery masks the consignee's phone in tracking responses.
      Telephone1: '',
      Telephone2: '',
    },
    Status: {
      Status: current.status,
      StatusType: current.statusType,
      StatusCode: current.code,
      StatusDateTime: current.time,
      StatusLocation: current.location,
      Instructions: current.instructions,
      RecievedBy: '',
    },
    Scans: p.scans.map((s) => ({
      ScanDetail: {
        ScanDateTime: s.time,
        ScanType: s.statusType,
        Scan: s.status,
        StatusDateTime: s.time,
        ScannedLocation: s.location,
        StatusCode: s.code,
        Instructions: s.instructions,
      },
    })),
  };
}

/**
 * The scan push for one scan, in the documented default shape (NSLCode at Shipment level). The payload
 * is customised per client; this simulated client also asked for RTOStartedDate, which the tracking API
 * carries too.
 */
export function scanPush(p: SimPackage, s: SimScan): Record<string, unknown> {
  const shipment: Record<string, unknown> = {
    Status: { Status: s.status, StatusDateTime: s.time, StatusType: s.statusType, StatusLocation: s.location, Instructions: s.instructions },
    PickUpDate: istTimestamp(p.createdAt),
    NSLCode: s.code,
    Sortcode: p.sortCode,
    ReferenceNo: p.orderId,
    AWB: p.awb,
  };
  if (p.rtoStartedAt !== undefined) shipment.RTOStartedDate = istTimestamp(p.rtoStartedAt);
  return { Shipment: shipment };
}
