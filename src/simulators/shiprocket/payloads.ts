// Response and webhook bodies in Shiprocket's shapes (couriers.md §1.3–§1.10), built from the store.
import { istDateTime, istListTime, istWebhookTimestamp } from './time';
import { NDR_SCAN, ORDER_STATUS_FOR_SHIPMENT, SHIPMENT_LABEL, titleCase } from './scans';
import { currentShipmentStatus, type SimOrder } from './store';

const DAY = 86_400_000;
export const SIM_CHANNEL_ID = 3_422_553;
export const NOT_YET_SCANNED = 'Aahh! There is no activities found in our DB. Please have some patience it will be updated soon.';

export function etdOf(o: SimOrder): string | undefined {
  return o.awbAssignedAt !== undefined && o.courier ? istDateTime(o.awbAssignedAt + o.courier.etdDays * DAY) : undefined;
}

function label(status: number): string {
  return SHIPMENT_LABEL[status] ?? 'NA';
}

/**
 * `tracking_data` for one shipment. 'current' is the AWB endpoint's shape (activities newest-first with
 * courier code and sr-status, track_url with its double slash); 'legacy' is the bulk endpoint's older
 * sample (activities with date/activity/location only, another track_url host).
 */
export function trackingData(o: SimOrder, shape: 'current' | 'legacy'): Record<string, unknown> {
  if (o.scans.length === 0 || !o.awb) return { track_status: 0, error: NOT_YET_SCANNED };
  const status = currentShipmentStatus(o);
  const newestFirst = [...o.scans].reverse();
  const pickedUp = o.scans.find((s) => s.srStatus === 42);
  const delivered = o.scans.find((s) => s.srStatus === 7);
  const activities =
    shape === 'current'
      ? newestFirst.map((s) => ({
          date: istDateTime(s.at),
          status: s.code,
          activity: s.activity,
          location: s.location,
          'sr-status': String(s.srStatus),
          'sr-status-label': s.srLabel,
        }))
      : newestFirst.map((s) => ({ date: istDateTime(s.at), activity: s.activity, location: s.location }));
  return {
    track_status: 1,
    shipment_status: status,
    shipment_track: [
      {
        id: o.shipmentId,
        awb_code: o.awb,
        courier_company_id: o.courier?.id ?? null,
        shipment_id: o.shipmentId,
        order_id: o.srOrderId,
        pickup_date: pickedUp ? istDateTime(pickedUp.at) : null,
        delivered_date: delivered ? istDateTime(delivered.at) : null,
        weight: o.weightKg.toFixed(2),
        packages: 1,
        current_status: titleCase(label(status)),
        delivered_to: delivered ? o.customer.city : '',
        destination: o.customer.city,
        consignee_name: '',
        origin: 'Bengaluru',
        courier_agent_details: null,
        courier_name: o.courier?.name ?? '',
        edd: null,
        pod: delivered ? 'Available' : 'Not Available',
        pod_status: delivered ? 'OTP Based Delivery' : '',
      },
    ],
    shipment_track_activities: activities,
    track_url: shape === 'current' ? `https://shiprocket.co//tracking/${o.awb}` : `https://app.shiprocket.in/tracking/awb/${o.awb}`,
    etd: etdOf(o) ?? null,
    qc_response: { qc_image: '', qc_failed_reason: '' },
  };
}

/** The tracking webhook (§1.10): both enums, the odd current_timestamp, scans oldest-first. */
export function webhookBody(o: SimOrder): Record<string, unknown> {
  const status = currentShipmentStatus(o);
  const [orderStatusId, orderStatusLabel] = ORDER_STATUS_FOR_SHIPMENT[status] ?? [10, 'UNMAPPED'];
  const newest = o.scans[o.scans.length - 1];
  return {
    awb: o.awb,
    courier_name: o.courier?.name ?? '',
    current_status: orderStatusLabel,
    current_status_id: orderStatusId,
    shipment_status: label(status),
    shipment_status_id: status,
    current_timestamp: istWebhookTimestamp(newest?.at ?? o.createdAt),
    order_id: o.channelOrderId,
    sr_order_id: o.srOrderId,
    awb_assigned_date: o.awbAssignedAt !== undefined ? istDateTime(o.awbAssignedAt) : null,
    pickup_scheduled_date: o.pickup ? istDateTime(o.pickup.scheduledFor) : null,
    etd: etdOf(o) ?? null,
    scans: o.scans.map((s) => ({
      date: istDateTime(s.at),
      status: s.code,
      activity: s.activity,
      location: s.location,
      'sr-status': String(s.srStatus),
      'sr-status-label': s.srLabel,
    })),
    is_return: 0,
    channel_id: SIM_CHANNEL_ID,
    pod_status: status === 7 ? 'OTP Based Delivery' : '',
    pod: status === 7 ? 'Available' : 'Not Available',
    qc_image: '',
    qc_failure_reason: '',
  };
}

/** An element of GET /orders (SR-OA "Get all Orders"). */
export function orderListItem(o: SimOrder): Record<string, unknown> {
  const status = currentShipmentStatus(o);
  // Before any AWB the order is NEW (1); cancelled orders report CANCELED (5).
  const [statusCode, statusLabel] = !o.awb
    ? o.cancelRequestedAt !== undefined
      ? [5, 'CANCELED']
      : [1, 'NEW']
    : (ORDER_STATUS_FOR_SHIPMENT[status] ?? [10, 'UNMAPPED']);
  return {
    id: o.srOrderId,
    channel_id: SIM_CHANNEL_ID,
    channel_name: 'CUSTOM',
    base_channel_code: 'CS',
    channel_order_id: o.channelOrderId,
    customer_name: o.customer.name,
    customer_email: o.customer.email ?? '',
    customer_phone: o.customer.phone,
    pickup_location: o.pickupLocation,
    payment_status: '',
    total: o.subTotal.toFixed(2),
    tax: '0.00',
    status: statusLabel,
    status_code: statusCode,
    payment_method: o.paymentMethod === 'COD' ? 'cod' : 'prepaid',
    channel_created_at: istListTime(o.createdAt),
    created_at: istListTime(o.createdAt),
    products: o.items.map((i, n) => ({ id: o.srOrderId * 10 + n, name: i.name, channel_sku: i.sku, quantity: i.units })),
    shipments: [
      {
        id: o.shipmentId,
        isd_code: '+91',
        courier: o.courier?.name ?? '',
        weight: o.weightKg,
        dimensions: o.dimensionsCm.map((d) => d.toFixed(2)).join('x'),
        pickup_scheduled_date: o.pickup ? istDateTime(o.pickup.scheduledFor) : null,
        pickup_token_number: o.pickup?.token ?? null,
        awb: o.awb ?? '',
        return_awb: '',
        volumetric_weight: 0,
        pod: null,
        etd: etdOf(o) ?? 'NA',
        delivered_date: null,
      },
    ],
    errors: [],
  };
}

/** An element of GET /ndr/all and GET /ndr/{awb} (§1.9). */
export function ndrItem(o: SimOrder): Record<string, unknown> {
  const ndrScans = o.scans.filter((s) => s.srStatus === 21);
  const latest = ndrScans[ndrScans.length - 1];
  const reason = latest?.ndrReason ?? NDR_SCAN.other[1];
  return {
    id: o.shipmentId + 1_000_000,
    shipment_id: o.shipmentId,
    customer_name: o.customer.name,
    customer_email: o.customer.email ?? '',
    customer_phone: o.customer.phone,
    customer_address: o.customer.address,
    customer_address_2: o.customer.address2 ?? '',
    customer_city: o.customer.city,
    customer_state: o.customer.state,
    customer_pincode: o.customer.pincode,
    payment_status: o.paymentMethod === 'COD' ? '1' : '2',
    status: 'UNDELIVERED',
    status_code: 36,
    payment_method: o.paymentMethod === 'COD' ? 'cod' : 'prepaid',
    created_at: istListTime(o.createdAt),
    reason,
    attempts: ndrScans.length,
    ndr_raised_at: latest ? istDateTime(latest.at) : '',
    courier: o.courier?.name ?? '',
    awb_code: o.awb,
    escalation_status: 'N/A',
    product_name: o.items[0]?.name ?? '',
    product_price: String(o.items[0]?.sellingPrice ?? ''),
    shipment_channel_id: 1,
    history: ndrScans.map((s, i) => ({
      id: o.shipmentId * 10 + i,
      ndr_id: o.shipmentId + 1_000_000,
      ndr_reason: s.ndrReason ?? reason,
      action_by: 3,
      ndr_attempt: i + 1,
      medium: null,
      ndr_push_status: 0,
      comment: o.ndrActions[i]?.comments ?? '',
      call_center_call_recording: '',
      call_center_recording_date: '',
      proof_recording: null,
      proof_image: null,
      sms_response: 'No Response',
      ndr_raised_at: istDateTime(s.at),
    })),
    delivered_date: '',
  };
}
