// Waybill requests → Delhivery request bodies. Pure.
import type { NdrAction } from '../../domain/ndr';
import { CourierError } from '../common/errors';
import type { CreateShipmentRequest } from '../types';
import type { DelhiveryConfig } from './config';
import { hasForbiddenChars, sanitizeValue } from './sanitize';

/** Delhivery's limit on `order` ("oid does not pass the validator" beyond it). */
export const MAX_ORDER_ID_LENGTH = 50;
const MAX_PRODUCTS_DESC = 200;

const invalid = (operation: string, message: string) => new CourierError('delhivery', operation, 'permanent', 'invalid_request', message);

/**
 * The order id is both Delhivery's duplicate key and how a retried create finds its earlier booking
 * (ref_ids lookup), so it is never rewritten: one Delhivery refuses is refused here, before any call.
 */
export function assertOrderId(orderId: string): void {
  if (orderId.length === 0 || orderId.length > MAX_ORDER_ID_LENGTH) {
    throw invalid('createShipment', `order id must be 1-${MAX_ORDER_ID_LENGTH} characters for Delhivery (got ${orderId.length})`);
  }
  if (hasForbiddenChars(orderId) || /[\s,]/.test(orderId)) {
    throw invalid('createShipment', 'order id contains a character Delhivery cannot take (& # % ; \\, comma or space)');
  }
}

/**
 * The create payload. Every value that can carry free text is sanitised. Delhivery detects duplicates on
 * six fields (client, order id, total amount, product description, payment mode, consignee name), so
 * this must stay a pure function of the request: a retry has to reproduce them exactly to be caught.
 */
export function buildCreatePayload(req: CreateShipmentRequest, cfg: DelhiveryConfig): Record<string, unknown> {
  assertOrderId(req.orderId);
  const c = req.consignee;
  const cod = req.paymentMethod === 'cod';
  const quantity = req.items.reduce((n, i) => n + i.quantity, 0);
  const description = sanitizeValue(req.items.map((i) => (i.quantity > 1 ? `${i.name} x${i.quantity}` : i.name)).join(', ')).slice(0, MAX_PRODUCTS_DESC);
  const shipment: Record<string, unknown> = {
    name: sanitizeValue(c.name),
    add: sanitizeValue([c.address1, c.address2].filter(Boolean).join(', ')),
    pin: c.pincode,
    city: sanitizeValue(c.city),
    state: sanitizeValue(c.state),
    country: 'India',
    phone: sanitizeValue(c.phone),
    order: req.orderId,
    payment_mode: cod ? 'COD' : 'Prepaid',
    cod_amount: cod ? round2(req.codAmount) : 0,
    total_amount: round2(req.orderValue),
    products_desc: description,
    quantity: Math.max(1, quantity),
    weight: Math.round(req.parcel.weightGrams), // grams, unlike most couriers
    shipment_length: round2(req.parcel.lengthCm),
    shipment_width: round2(req.parcel.breadthCm),
    shipment_height: round2(req.parcel.heightCm),
    shipping_mode: cfg.shippingMode,
    address_type: 'home',
    waybill: '', // let Delhivery assign one: pre-fetched waybills cannot be used at once anyway
  };
  if (c.email) shipment.email = sanitizeValue(c.email);
  const r = cfg.returnAddress;
  if (r) {
    Object.assign(shipment, {
      return_name: sanitizeValue(r.name),
      return_add: sanitizeValue(r.address),
      return_city: sanitizeValue(r.city),
      return_state: sanitizeValue(r.state),
      return_pin: r.pincode,
      return_country: sanitizeValue(r.country),
      return_phone: sanitizeValue(r.phone),
    });
  }
  return { shipments: [shipment], pickup_location: { name: cfg.warehouseName } };
}

/**
 * The literal `format=json&data=<urlencoded JSON>` form body. Without the `format=json` pair Delhivery
 * answers "format key missing in the post".
 */
export function encodeCreateForm(payload: Record<string, unknown>): string {
  return `format=json&data=${encodeURIComponent(JSON.stringify(payload))}`;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

// ---------------------------------------------------------------------------------------------------
// NDR actions (POST /api/p/update)

export interface NdrUpdate {
  act: 'RE-ATTEMPT' | 'DEFER_DLV' | 'EDIT_DETAILS';
  action_data?: Record<string, string>;
}

/**
 * Waybill's NDR action → Delhivery's. RE-ATTEMPT is in the current docs; DEFER_DLV and EDIT_DETAILS come
 * from the older readme only (couriers.md §2.7) and may be refused by newer accounts. Delhivery has no
 * NDR "return" action, and EDIT_DETAILS takes name/phone/address only: a pincode change would move the
 * parcel to another delivery centre, which no Delhivery API offers.
 */
export function ndrUpdateFor(action: NdrAction): NdrUpdate {
  const unsupported = (message: string) => new CourierError('delhivery', 'ndrAction', 'permanent', 'unsupported', message);
  switch (action.type) {
    case 'reattempt':
      return { act: 'RE-ATTEMPT' };
    case 'reschedule':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(action.date)) throw invalid('ndrAction', `reschedule date must be YYYY-MM-DD (got "${action.date}")`);
      return { act: 'DEFER_DLV', action_data: { deferred_date: action.date } };
    case 'change_address':
      if (action.pincode) {
        throw unsupported('Delhivery cannot change the delivery pincode of a shipment in transit; cancel and rebook instead');
      }
      return { act: 'EDIT_DETAILS', action_data: { add: sanitizeValue([action.address1, action.address2].filter(Boolean).join(', ')) } };
    case 'change_phone':
      return { act: 'EDIT_DETAILS', action_data: { phone: sanitizeValue(action.phone) } };
    case 'return_to_origin':
      throw unsupported(
        'Delhivery has no NDR return-to-origin action; cancel the shipment instead (Delhivery turns a cancelled, picked-up shipment into an RTO)',
      );
  }
}

export function ndrUpdateBody(awb: string, update: NdrUpdate): string {
  const record: Record<string, unknown> = { waybill: awb, act: update.act };
  if (update.action_data) record.action_data = update.action_data;
  return JSON.stringify({ data: [record] });
}
