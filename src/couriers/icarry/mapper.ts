// Pure translation between Waybill's courier types and iCarry's fields and replies.
import type { TrackingEvent } from '../../domain/events';
import { awbString, parseCourierTime } from '../common/units';
import type { Booking, CreateShipmentRequest, Serviceability, ServiceabilityRequest } from '../types';
import type { IcarryConfig } from './config';
import { scanEvent, statusEvent } from './events';
import type { FormFields } from './form';
import { normaliseStatusCode } from './status-map';
import { icarryStateCode } from './state-codes';
import { bookingReply, syncEntry, type SyncEntry, type TrackReply } from './wire';

const CONTENTS_MAX = 255;
const ITEM_NAME_MAX = 50;

export type Mapped<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** 10 digits, no 0 / +91 prefix (IC-PDF). Callers normalise, but stray prefixes are common enough to strip. */
export function icarryMobile(phone: string): string | undefined {
  let digits = phone.replace(/\D/g, '');
  if (digits.length === 12 && digits.startsWith('91')) digits = digits.slice(2);
  else if (digits.length === 11 && digits.startsWith('0')) digits = digits.slice(1);
  return /^\d{10}$/.test(digits) ? digits : undefined;
}

/**
 * At most `maxBytes` UTF-8 bytes, cut on a code point and marked with "...". PHP's strlen counts bytes,
 * so a limit of 255 "characters" is safest read as 255 bytes when names are in Devanagari or Tamil.
 */
export function clip(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  let bytes = 3;
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return `${out}...`;
}

/** api_add_shipment_surface / _air fields. Every problem is reported at once, before anything is sent. */
export function bookingFields(req: CreateShipmentRequest, config: IcarryConfig): Mapped<FormFields> {
  const problems: string[] = [];
  const c = req.consignee;
  const mobile = icarryMobile(c.phone);
  if (!mobile) problems.push('consignee phone must be a 10-digit Indian mobile number');
  const state = icarryStateCode(c.state, c.pincode);
  if (!state) problems.push(`unknown Indian state "${c.state}" (iCarry needs its own 2-letter state code)`);
  if (!/^\d{6}$/.test(c.pincode)) problems.push('consignee pincode must be 6 digits');
  if (c.name.trim() === '') problems.push('consignee name is required');
  if (c.address1.trim() === '') problems.push('consignee address is required');
  if (c.city.trim() === '') problems.push('consignee city is required');
  if (req.items.length === 0) problems.push('at least one item is required');
  const p = req.parcel;
  if (!(p.weightGrams > 0)) problems.push('parcel weight must be positive');
  if (!(p.lengthCm > 0 && p.breadthCm > 0 && p.heightCm > 0)) problems.push('parcel dimensions must be positive');
  const cod = req.paymentMethod === 'cod';
  if (cod && !(req.codAmount > 0)) problems.push('a COD shipment needs a positive COD amount');
  if (problems.length) return { ok: false, problems };

  const contents = req.items.map((i) => `${i.quantity} x ${i.name.trim()}`).join(', ');
  return {
    ok: true,
    value: {
      pickup_address_id: config.pickupAddressId,
      // Empty means "the pickup address" to iCarry; a configured return address serves returns and RTOs.
      return_address_id: config.returnAddressId,
      rto_address_id: config.returnAddressId,
      client_order_id: req.orderId,
      consignee: {
        name: c.name.trim(),
        mobile: mobile!,
        address: [c.address1, c.address2].map((a) => a?.trim()).filter(Boolean).join(', '),
        city: c.city.trim(),
        pincode: c.pincode,
        state: state!,
        country_code: 'IN',
      },
      parcel: {
        // IC-PDF's field list says 'Prepaid' | 'COD'; its JSON example's "C" is one of several slips in
        // that example (it also sends Delhi as "DL"), so the documented enum wins.
        type: cod ? 'COD' : 'Prepaid',
        // iCarry has one value field: for COD it is what the courier collects, so it must be the COD
        // amount (a part-prepaid order must not be collected in full).
        value: cod ? req.codAmount : req.orderValue,
        currency: 'INR',
        contents: clip(contents, CONTENTS_MAX),
        items: req.items.map((i) => ({ name: clip(i.name.trim(), ITEM_NAME_MAX), pid: i.sku, price: i.unitPrice, quantity: i.quantity })),
        dimensions: { length: Math.ceil(p.lengthCm), breadth: Math.ceil(p.breadthCm), height: Math.ceil(p.heightCm), unit: 'cm' },
        // Grams only (IC-PDF): the booking API has no kg unit.
        weight: { weight: Math.max(1, Math.round(p.weightGrams)), unit: 'gm' },
      },
    },
  };
}

/** The booking reply → Booking. `awb` comes as a JSON number (long ones quoted by json.ts first). */
export function bookingFromReply(body: Record<string, unknown>, baseUrl: string): Mapped<Omit<Booking, 'recovered'>> & { shipmentId?: string } {
  const parsed = bookingReply.safeParse(body);
  if (!parsed.success) return { ok: false, problems: ['booking reply has no shipment_id'] };
  const r = parsed.data;
  const shipmentId = String(r.shipment_id);
  const awb = awbString(r.awb);
  if (!awb) return { ok: false, problems: [`iCarry created shipment ${shipmentId} but returned no AWB`], shipmentId };
  const scheduled = /pick\s*up scheduled for\s*:\s*(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?)/i.exec(r.success ?? '')?.[1];
  return {
    ok: true,
    shipmentId,
    value: {
      awb,
      courierShipmentId: shipmentId,
      ...(r.courier_name ? { carrierName: r.courier_name } : {}),
      trackingUrl: trackingUrl(r.tracking_url, baseUrl, shipmentId, awb),
      ...(scheduled && parseCourierTime(scheduled) ? { pickupScheduledAt: parseCourierTime(scheduled) } : {}),
    },
  };
}

/** IC-PDF's sample URL reads "track- shipment": whitespace never belongs in a URL, so it is dropped. */
export function trackingUrl(given: string | null | undefined, baseUrl: string, shipmentId: string, awb: string): string {
  const cleaned = given?.replace(/\s+/g, '');
  if (cleaned && /^https?:\/\//i.test(cleaned)) return cleaned;
  return `${baseUrl}/track-shipment?shipment_id=${encodeURIComponent(shipmentId)}&awb=${encodeURIComponent(awb)}`;
}

/** api_track_shipment's details → timeline scans, oldest first; lines without a readable time are left out. */
export function scanEvents(awb: string, reply: TrackReply): TrackingEvent[] {
  const out: TrackingEvent[] = [];
  for (const d of reply.details ?? []) {
    const at = parseCourierTime(d.datetime);
    const notes = d.notes?.trim();
    if (!at || !notes) continue;
    out.push(scanEvent(awb, at, notes, d.location?.trim() || undefined));
  }
  return out.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

export interface SyncStatus {
  shipmentId: string;
  code: string;
  pickedAt?: string;
  deliveredAt?: string;
}

/** api_shipment_status_sync's msg[] → one status per shipment id; malformed entries are skipped. */
export function syncStatuses(msg: readonly unknown[] | null | undefined): Map<string, SyncStatus> {
  const out = new Map<string, SyncStatus>();
  for (const raw of msg ?? []) {
    const parsed = syncEntry.safeParse(raw);
    if (!parsed.success) continue;
    const e: SyncEntry = parsed.data;
    const code = normaliseStatusCode(e.status);
    if (!code) continue;
    const pickedAt = parseCourierTime(e['date_picked '] ?? e.date_picked);
    const deliveredAt = parseCourierTime(e.date_delivered);
    out.set(String(e.shipment_id).trim(), { shipmentId: String(e.shipment_id).trim(), code, ...(pickedAt ? { pickedAt } : {}), ...(deliveredAt ? { deliveredAt } : {}) });
  }
  return out;
}

/**
 * The status event for a polled code. When iCarry dates the change (date_picked for Shipped,
 * date_delivered for Delivered) that is the time; otherwise the poll time, as the webhook copy uses
 * its receive time. The key does not depend on the time, so both copies dedupe either way.
 */
export function syncStatusEvent(awb: string, s: SyncStatus, polledAt: string): TrackingEvent {
  const at = s.code === '21' ? s.deliveredAt : s.code === '3' ? s.pickedAt : undefined;
  return statusEvent(awb, s.code, at ?? polledAt);
}

type Flag = 'Y' | 'N' | 'U';
const flag = (v: unknown): Flag | undefined => (v === 'Y' || v === 'N' || v === 'U' ? v : typeof v === 'string' && /^[YNU]$/i.test(v.trim()) ? (v.trim().toUpperCase() as Flag) : undefined);

/**
 * api_check_pincode → Serviceability for the delivery pincode. One msg entry per service level, each
 * with Y/N/U flags; a level counts only on an explicit Y (U = iCarry does not know). IC-PDF's example
 * repeats the `pickup` key for the flag and the service name, so whichever JSON.parse kept is read for
 * what it is and never trusted as a flag unless it is Y/N/U.
 */
export function serviceabilityFromReply(body: Record<string, unknown>, req: ServiceabilityRequest): Serviceability {
  const entries = Array.isArray(body.msg) ? body.msg : body.msg && typeof body.msg === 'object' ? Object.values(body.msg) : [];
  const levels = entries.filter((e): e is Record<string, unknown> => !!e && typeof e === 'object');
  const success = String(body.success ?? '') === '1' || body.success === true;
  if (!success || levels.length === 0) {
    return { serviceable: false, cod: false, prepaid: false, reason: `iCarry does not deliver to pincode ${req.deliveryPincode}` };
  }
  const prepaid = levels.some((l) => flag(l.prepaid) === 'Y');
  const cod = levels.some((l) => flag(l.cod) === 'Y');
  const wanted = req.paymentMethod === 'cod' ? cod : prepaid;
  if (wanted) return { serviceable: true, cod, prepaid };
  const unknown = levels.some((l) => flag(req.paymentMethod === 'cod' ? l.cod : l.prepaid) === 'U');
  const what = req.paymentMethod === 'cod' ? 'cash on delivery' : 'prepaid delivery';
  return {
    serviceable: false,
    cod,
    prepaid,
    reason: unknown ? `iCarry does not know whether it offers ${what} to pincode ${req.deliveryPincode}` : `iCarry offers no ${what} to pincode ${req.deliveryPincode}`,
  };
}
