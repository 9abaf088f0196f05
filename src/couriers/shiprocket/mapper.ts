// Pure translation between Waybill's requests/results and Shiprocket's bodies (couriers.md §1.3–§1.9).
// Anything a request cannot express at Shiprocket is refused here, before a call is made.
import type { NdrAction } from '../../domain/ndr';
import { gramsToKg, parseCourierTime, toIst } from '../common/units';
import type { CreateShipmentRequest, Serviceability, ServiceabilityRequest } from '../types';
import type { ShiprocketConfig } from './config';
import type { CreateOrderBody, NdrActionBody, ServiceabilityResponse } from './wire';

/** Thrown for requests Shiprocket cannot carry; the courier turns it into a permanent CourierError. */
export class UnsupportedRequest extends Error {
  constructor(
    message: string,
    readonly code: 'invalid_request' | 'unsupported' = 'invalid_request',
  ) {
    super(message);
  }
}

const ORDER_ID_MAX = 50; // §1.3
const CITY_MAX = 30; // §1.3

export function toCreateOrderBody(req: CreateShipmentRequest, config: ShiprocketConfig): CreateOrderBody {
  if (req.orderId.length === 0 || req.orderId.length > ORDER_ID_MAX) {
    throw new UnsupportedRequest(`order id must be 1–${ORDER_ID_MAX} characters for Shiprocket`);
  }
  const orderedAt = Date.parse(req.orderDate);
  if (Number.isNaN(orderedAt)) throw new UnsupportedRequest(`order date is not ISO-8601: ${req.orderDate}`);
  // Shiprocket collects the order total on COD and has no separate amount field: a partial COD would
  // be collected wrongly, so it is refused rather than sent.
  if (req.paymentMethod === 'cod' && Math.abs(req.codAmount - req.orderValue) > 0.005) {
    throw new UnsupportedRequest('Shiprocket collects the full order value on COD; a COD amount different from the order value cannot be booked');
  }
  const ist = toIst(orderedAt);
  const c = req.consignee;
  const body: CreateOrderBody = {
    order_id: req.orderId,
    order_date: `${ist.date} ${ist.time}`,
    pickup_location: config.pickupLocation,
    billing_customer_name: c.name,
    billing_address: c.address1,
    // Shiprocket caps the city at 30 characters and refuses the whole order beyond that.
    billing_city: c.city.slice(0, CITY_MAX),
    // Strings, as the official sample sends them, though the schema types them integer.
    billing_pincode: c.pincode,
    billing_state: c.state,
    billing_country: 'India',
    billing_phone: c.phone,
    shipping_is_billing: true,
    order_items: req.items.map((i) => ({ name: i.name, sku: i.sku, units: i.quantity, selling_price: i.unitPrice })),
    payment_method: req.paymentMethod === 'cod' ? 'COD' : 'Prepaid',
    sub_total: req.orderValue,
    length: req.parcel.lengthCm,
    breadth: req.parcel.breadthCm,
    height: req.parcel.heightCm,
    weight: gramsToKg(req.parcel.weightGrams),
  };
  if (c.address2) body.billing_address_2 = c.address2;
  // Never invented: Shiprocket's 422 names the field if it insists on an email.
  if (c.email) body.billing_email = c.email;
  return body;
}

export function toServiceabilityQuery(req: ServiceabilityRequest): Record<string, string | number> {
  return {
    pickup_postcode: req.pickupPincode,
    delivery_postcode: req.deliveryPincode,
    cod: req.paymentMethod === 'cod' ? 1 : 0,
    weight: gramsToKg(req.weightGrams),
    declared_value: req.orderValue,
  };
}

function toInt(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v.trim()) : v;
  return typeof n === 'number' && Number.isFinite(n) ? Math.trunc(n) : undefined;
}

export function toServiceability(req: ServiceabilityRequest, body: ServiceabilityResponse, courierCompanyId?: number): Serviceability {
  const route = `${req.pickupPincode} → ${req.deliveryPincode}`;
  const all = body.data?.available_courier_companies ?? [];
  const rows = courierCompanyId === undefined ? all : all.filter((r) => toInt(r.courier_company_id) === courierCompanyId);
  if (rows.length === 0) {
    const reason =
      all.length === 0
        ? `no Shiprocket courier serves ${route} for ${req.paymentMethod === 'cod' ? 'COD' : 'prepaid'} at ${gramsToKg(req.weightGrams)} kg`
        : `the configured courier (${courierCompanyId}) does not serve ${route}; ${all.length} other courier(s) do`;
    return { serviceable: false, cod: false, prepaid: false, reason };
  }
  const cod = rows.some((r) => toInt(r.cod) === 1);
  const serviceable = req.paymentMethod === 'cod' ? cod : true;
  const recommendedId = courierCompanyId ?? toInt(body.data?.recommended_courier_company_id);
  const recommended = rows.find((r) => toInt(r.courier_company_id) === recommendedId);
  const days = (recommended ? [recommended] : rows).map((r) => toInt(r.estimated_delivery_days)).filter((d): d is number => d !== undefined && d > 0);
  const result: Serviceability = { serviceable, cod, prepaid: true };
  if (!serviceable) result.reason = `couriers serve ${route} but none collects COD`;
  if (days.length > 0) result.expectedDeliveryDays = Math.min(...days);
  return result;
}

const DEFAULT_COMMENT: Record<NdrAction['type'], string> = {
  reattempt: 'Re-attempt requested by the seller',
  reschedule: 'Customer asked for delivery on a later date',
  change_address: 'Re-attempt at the corrected address',
  change_phone: 'Re-attempt with the corrected phone number',
  return_to_origin: 'Return to origin requested by the seller',
};

/** Waybill's NDR actions → SR-SIM's body. Everything but an RTO is a re-attempt with extra details. */
export function toNdrActionBody(action: NdrAction): NdrActionBody {
  const comments = action.comment?.trim() || DEFAULT_COMMENT[action.type];
  switch (action.type) {
    case 'reattempt':
      return { action: 're-attempt', comments };
    case 'reschedule':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(action.date) || parseCourierTime(action.date) === undefined) {
        throw new UnsupportedRequest(`reschedule date must be a YYYY-MM-DD calendar date: ${action.date}`);
      }
      return { action: 're-attempt', comments, deferred_date: action.date };
    case 'change_address':
      // The NDR action has address lines but no pincode field.
      if (action.pincode) throw new UnsupportedRequest("Shiprocket's NDR action cannot change the pincode; book a new shipment instead", 'unsupported');
      return { action: 're-attempt', comments, address1: action.address1, ...(action.address2 ? { address2: action.address2 } : {}) };
    case 'change_phone':
      return { action: 're-attempt', comments, phone: action.phone };
    case 'return_to_origin':
      return { action: 'return', comments };
  }
}

/** track_url comes as "https://shiprocket.co//tracking/<awb>"; customers get it without the double slash. */
export function trackingUrl(awb: string, fromApi?: string | null): string {
  if (fromApi && /^https?:\/\//i.test(fromApi)) {
    try {
      const u = new URL(fromApi);
      u.pathname = u.pathname.replace(/\/{2,}/g, '/');
      return u.toString();
    } catch {
      // A malformed link is no reason to lose the tracking result: fall through to the known pattern.
    }
  }
  return `https://shiprocket.co/tracking/${encodeURIComponent(awb)}`;
}

/** Shiprocket's local timestamps ("2022-11-25 14:00:00", IST) → ISO-8601 UTC. */
export function isoFromCourier(value: string | null | undefined): string | undefined {
  return parseCourierTime(value ?? undefined);
}
