// iCarry's reply bodies, shaped like IC-PDF's samples, quirks included.
import { isSimServiceable } from '../types';
import type { SimIcarryShipment } from './store';

const IST_MS = 330 * 60_000;

/** IST wall clock "YYYY-MM-DDTHH:mm:ss.SSS". iCarry (and the couriers behind it) send IST without an offset. */
function istWall(ms: number): string {
  return new Date(ms + IST_MS).toISOString().slice(0, 23);
}

/**
 * The mixed precision of IC-PDF's samples, varied by position so one reply carries all of them:
 * microseconds (2019-08-12T13:36:10.268000), whole seconds, a FedEx-style +05:30, and a space.
 */
export function courierTime(ms: number, variant: number): string {
  const w = istWall(ms);
  switch (variant % 4) {
    case 0:
      return `${w}000`;
    case 1:
      return w.slice(0, 19);
    case 2:
      return `${w.slice(0, 19)}+05:30`;
    default:
      return `${w.slice(0, 10)} ${w.slice(11, 19)}`;
  }
}

/** "YYYY-MM-DD HH:mm:ss" in IST, as the booking reply's pickup slot reads. */
export function istDateTime(ms: number): string {
  const w = istWall(ms);
  return `${w.slice(0, 10)} ${w.slice(11, 19)}`;
}

/** DD/MM/YYYY of the IST calendar day (the NDR batch's date_added). */
export function istDay(ms: number): string {
  const w = istWall(ms);
  return `${w.slice(8, 10)}/${w.slice(5, 7)}/${w.slice(0, 4)}`;
}

export function trackView(s: SimIcarryShipment): Record<string, unknown> {
  const last = s.details[s.details.length - 1];
  return {
    courier_name: s.courierName.toUpperCase(),
    success: 1,
    eta_datetime: '',
    picked_datetime: s.datePicked ? courierTime(s.datePicked, 1) : '',
    delivered_datetime: s.dateDelivered ? courierTime(s.dateDelivered, 1) : '',
    receiver: s.dateDelivered ? 'Consignee' : '',
    status: s.text,
    location: last?.location ?? '',
    datetime: last ? courierTime(last.at, 0) : '',
    details: s.details.map((d, i) => ({ datetime: courierTime(d.at, i), location: d.location, notes: d.notes })),
  };
}

/** A msg[] entry of api_shipment_status_sync: string ids and codes, and the `"date_picked "` key. */
export function syncView(s: SimIcarryShipment): Record<string, string> {
  return {
    shipment_id: String(s.shipmentId),
    status: String(s.code),
    date_delivered: s.dateDelivered ? courierTime(s.dateDelivered, 0) : '',
    'date_picked ': s.datePicked ? courierTime(s.datePicked, 0) : '',
  };
}

/**
 * api_check_pincode. Built as text because IC-PDF's example repeats the `pickup` key (service name,
 * then flag) and JSON.stringify cannot.
 */
export function pincodeText(pincode: string): string {
  if (!/^\d{6}$/.test(pincode) || !isSimServiceable(pincode)) return '{"success":0,"msg":[]}';
  return (
    '{"success":1,"msg":[' +
    '{"pickup":"standard","prepaid":"Y","cod":"Y","pickup":"Y"},' +
    '{"pickup":"express","prepaid":"Y","cod":"N","pickup":"N"}]}'
  );
}

export const PHP_NOTICE =
  '<br />\n<b>Notice</b>:  Undefined index: alt_mobile in <b>/home/icarry/public_html/catalog/controller/api/shipment.php</b> on line <b>212</b><br />\n';
