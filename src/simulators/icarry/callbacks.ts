// iCarry's outgoing callbacks (IC-PDF §3.6).
import type { WebhookDelivery } from '../webhook-pusher';
import type { SimIcarryShipment, SimNdrEntry } from './store';
import { istDay } from './views';

/**
 * Status change. IC-PDF's fields plus shipment_id and client_order_id, which two integrators
 * (IC-MANSARA, IC-INT1) read from it. The token is the account's API key.
 */
export function statusCallback(s: SimIcarryShipment, token: string, encoding: 'form' | 'json'): WebhookDelivery {
  const fields = { client_name: 'icarry', callback_type: 'sync_status', awb: String(s.awb), status: s.code, shipment_id: s.shipmentId, client_order_id: s.clientOrderId, token };
  if (encoding === 'json') return { body: JSON.stringify(fields), headers: { 'content-type': 'application/json' } };
  const form = new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]));
  return { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

/**
 * The daily NDR batch: every entry recorded on the IST day of `now` or the day before, so each entry
 * is sent on two consecutive days. JSON; no token unless asked (IC-PDF lists none).
 */
export function ndrBatch(entries: readonly SimNdrEntry[], now: number, token: string | undefined): { delivery: WebhookDelivery; count: number } {
  const days = new Set([istDay(now), istDay(now - 86_400_000)]);
  const ndr_data = entries
    .filter((e) => days.has(istDay(e.at)))
    .map((e) => ({ shipment_id: e.shipmentId, awb: e.awb, type: e.type, date_added: istDay(e.at) }));
  const body = { client_name: 'icarry', callback_type: 'ndr_status', ndr_data, ...(token ? { token } : {}) };
  return { delivery: { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }, count: ndr_data.length };
}

export function weightDiscrepancyCallback(s: SimIcarryShipment, oldGrams: number, newGrams: number, token: string): WebhookDelivery {
  const body = {
    client_name: 'icarry',
    callback_type: 'new_weight_discrepancy',
    awb: String(s.awb),
    shipment_id: s.shipmentId,
    status: 1,
    old_weight: oldGrams,
    old_dimensions: '10x10x10',
    new_weight: newGrams,
    new_dimensions: '20x15x10',
    courier_products: s.courierName,
    token,
  };
  return { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
}
