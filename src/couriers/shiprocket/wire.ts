// Shiprocket's response shapes, as far as Waybill reads them (couriers.md §1). Internal to this folder.
//
// Every object is loose (unknown fields pass) and nearly every field optional: Shiprocket adds fields
// freely, types ids as numbers in one response and strings in the next, and answers errors in several
// envelopes. The mappers decide what is required; these schemas only pin the types they rely on.
import { z } from 'zod';

/** Ids: integers in most responses, numeric strings in some. */
const id = z.union([z.number(), z.string()]);
const text = z.string().nullish();

export const loginResponse = z.looseObject({
  token: z.string().nullish(),
  is_mfa_enabled: z.boolean().nullish(),
});

export const createOrderResponse = z.looseObject({
  order_id: id,
  shipment_id: id,
  status: text,
  status_code: id.nullish(),
  awb_code: id.nullish(),
  courier_company_id: id.nullish(),
  courier_name: text,
});
export type CreateOrderResponse = z.infer<typeof createOrderResponse>;

export const assignAwbResponse = z.looseObject({
  awb_assign_status: id.nullish(),
  message: text,
  response: z
    .looseObject({
      data: z
        .looseObject({
          awb_code: id.nullish(),
          courier_company_id: id.nullish(),
          courier_name: text,
          awb_assign_error: text,
          pickup_scheduled_date: text,
        })
        .nullish(),
    })
    .nullish(),
});
export type AssignAwbResponse = z.infer<typeof assignAwbResponse>;

export const pickupResponse = z.looseObject({
  pickup_status: id.nullish(),
  message: text,
  response: z
    .looseObject({
      pickup_scheduled_date: text,
      pickup_token_number: text,
      status: id.nullish(),
      data: text,
    })
    .nullish(),
});
export type PickupResponse = z.infer<typeof pickupResponse>;

/** One scan: tracking activities and webhook scans share it; the older bulk shape lacks status/sr-status. */
export const scan = z.looseObject({
  date: z.string(),
  status: text,
  activity: text,
  location: text,
  'sr-status': id.nullish(),
  'sr-status-label': text,
});
export type Scan = z.infer<typeof scan>;

export const shipmentTrack = z.looseObject({
  awb_code: id.nullish(),
  shipment_id: id.nullish(),
  order_id: id.nullish(),
  current_status: text,
  courier_name: text,
  edd: text,
  pickup_date: text,
  delivered_date: text,
});

export const trackingData = z.looseObject({
  track_status: id.nullish(),
  shipment_status: id.nullish(),
  shipment_track: z.array(shipmentTrack).nullish(),
  // Scans are validated one by one (see tracking.ts): one malformed scan must not hide the others.
  shipment_track_activities: z.array(z.unknown()).nullish(),
  track_url: text,
  etd: text,
  error: text,
});
export type TrackingData = z.infer<typeof trackingData>;

export const trackResponse = z.looseObject({ tracking_data: trackingData });

export const orderSearchResponse = z.looseObject({
  data: z.array(
    z.looseObject({
      id,
      channel_order_id: id.nullish(),
      status: text,
      status_code: id.nullish(),
      shipments: z
        .array(
          z.looseObject({
            id,
            awb: id.nullish(),
            courier: text,
            pickup_scheduled_date: text,
          }),
        )
        .nullish(),
    }),
  ),
});
export type OrderSearchResponse = z.infer<typeof orderSearchResponse>;

export const serviceabilityResponse = z.looseObject({
  data: z
    .looseObject({
      available_courier_companies: z
        .array(
          z.looseObject({
            courier_company_id: id,
            courier_name: text,
            cod: id.nullish(),
            estimated_delivery_days: id.nullish(),
          }),
        )
        .nullish(),
      recommended_courier_company_id: id.nullish(),
    })
    .nullish(),
});
export type ServiceabilityResponse = z.infer<typeof serviceabilityResponse>;

export const webhookPayload = z.looseObject({
  awb: id,
  courier_name: text,
  current_status: text,
  current_status_id: id.nullish(),
  shipment_status: text,
  shipment_status_id: id.nullish(),
  current_timestamp: text,
  etd: text,
  is_return: id.nullish(),
  scans: z.array(z.unknown()).nullish(),
});

/** The create-order body (§1.3). */
export interface CreateOrderBody {
  order_id: string;
  order_date: string;
  pickup_location: string;
  billing_customer_name: string;
  billing_address: string;
  billing_address_2?: string;
  billing_city: string;
  billing_pincode: string;
  billing_state: string;
  billing_country: string;
  billing_email?: string;
  billing_phone: string;
  shipping_is_billing: true;
  order_items: Array<{ name: string; sku: string; units: number; selling_price: number }>;
  payment_method: 'COD' | 'Prepaid';
  sub_total: number;
  length: number;
  breadth: number;
  height: number;
  weight: number;
}

export type NdrActionBody = {
  action: 're-attempt' | 'return';
  comments: string;
  phone?: string;
  address1?: string;
  address2?: string;
  deferred_date?: string;
};
