// Shipping an order: only from `processing`, idempotent (a double click joins the same workflow and gets
// the same booking), and the AWB made known to the webhook inbox the moment the courier assigns it.
import type { Logger } from 'pino';
import type { CourierId } from '../domain/events';
import { OrderNotShippableError, shipmentRequestFor } from '../domain/shipment-request';
import type { AwbIndexRepo } from '../storage/awb-index-repo';
import type { InboxRepo } from '../storage/inbox-repo';
import type { OrdersRepo } from '../storage/orders-repo';
import { shipmentWorkflowId, type BookingOutcome, type ShipmentInput } from '../workflows/shipment/contract';
import { orderNotFound, ShipmentError } from './errors';
import type { BookingRetry, ShipmentGateway } from './gateway';

export interface ShipDeps {
  orders: OrdersRepo;
  shipments: Pick<ShipmentGateway, 'ship'>;
  awbs: AwbIndexRepo;
  inbox: InboxRepo;
  log: Logger;
  defaultCourier: CourierId;
  defaultItemWeightGrams: number;
  /** Builds the customer's signed tracking link (tracking page issue); absent → no link. */
  trackingPageUrl?: (orderId: string) => string;
}

export interface ShipResult {
  orderId: string;
  workflowId: string;
  courier: CourierId;
  awb: string;
  trackingUrl: string;
  carrierName: string | null;
}

/**
 * Booking refusals come back from the workflow as codes, e.g. `unserviceable` (pincode),
 * `auth_rejected` (courier refused our credentials), `missing_weight`; they answer 422 with the code in
 * `details.code`.
 */
export async function shipOrder(d: ShipDeps, id: string, requestedCourier?: CourierId): Promise<ShipResult> {
  const order = await d.orders.get(id);
  if (!order) throw orderNotFound(id);
  // A shipped order may only be "shipped" again by the same double click: the workflow answers it.
  if (order.status !== 'processing' && !order.shipment) throw new ShipmentError('conflict', `order ${id} is ${order.status}; only processing orders can ship`);
  if (order.shipment && requestedCourier && requestedCourier !== order.shipment.courier) {
    throw new ShipmentError('conflict', `order ${id} already ships with ${order.shipment.courier}`);
  }
  const courier = order.shipment?.courier ?? requestedCourier ?? d.defaultCourier;
  let input: ShipmentInput;
  try {
    input = { orderId: id, courier, request: shipmentRequestFor(order, d.defaultItemWeightGrams), trackingPageUrl: d.trackingPageUrl?.(id) };
  } catch (e) {
    if (e instanceof OrderNotShippableError) throw new ShipmentError('unprocessable', e.message, { code: e.code });
    throw e;
  }
  const workflowId = shipmentWorkflowId(id);
  // Locks the order's data before the workflow exists, so a store push cannot change what gets booked.
  await d.orders.setShipment(id, { courier, workflowId });
  return booked(d, id, await d.shipments.ship(input));
}

/**
 * After a permanent booking failure (e.g. unserviceable with this courier): book again through the
 * workflow, optionally with another courier. Idempotent per request id.
 */
export async function retryShipment(d: Omit<ShipDeps, 'shipments'> & { shipments: BookingRetry }, id: string, req: { requestId: string; courier?: CourierId }): Promise<ShipResult> {
  const order = await d.orders.get(id);
  if (!order) throw orderNotFound(id);
  if (!order.shipment) throw new ShipmentError('conflict', `order ${id} has not been shipped; ship it first`);
  return booked(d, id, await d.shipments.retryBooking(id, { requestId: req.requestId, ...(req.courier ? { courier: req.courier } : {}) }));
}

/** A booking answer: refused → 422 with its code; booked → recorded on the order and made known to the inbox. */
async function booked(d: Omit<ShipDeps, 'shipments'>, id: string, outcome: BookingOutcome): Promise<ShipResult> {
  const workflowId = shipmentWorkflowId(id);
  if (!outcome.ok) throw new ShipmentError('unprocessable', outcome.message, { code: outcome.code, workflowId });
  await d.orders.setShipment(id, { courier: outcome.courier, workflowId, awb: outcome.awb, trackingUrl: outcome.trackingUrl });
  const { conflictWith } = await d.awbs.register(outcome.courier, outcome.awb, id);
  if (conflictWith) d.log.error({ orderId: id, courier: outcome.courier, awb: outcome.awb, conflictWith }, 'courier assigned an AWB already held by another order');
  else await d.inbox.expedite(outcome.courier, outcome.awb);
  return { orderId: id, workflowId, courier: outcome.courier, awb: outcome.awb, trackingUrl: outcome.trackingUrl, carrierName: outcome.carrierName ?? null };
}
