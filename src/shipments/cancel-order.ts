// Cancelling: an order that never shipped is cancelled in place; a shipment is cancelled by its workflow
// (which tells the courier, or refuses once the parcel is beyond cancelling).
import type { OrdersRepo } from '../storage/orders-repo';
import type { CancelRequest, CancelResult } from '../workflows/shipment/contract';
import { orderNotFound } from './errors';
import type { ShipmentGateway } from './gateway';

export interface CancelOutcome extends CancelResult {
  orderId: string;
}

export async function cancelOrder(d: { orders: OrdersRepo; shipments: Pick<ShipmentGateway, 'cancel'> }, id: string, req: CancelRequest): Promise<CancelOutcome> {
  const order = await d.orders.get(id);
  if (!order) throw orderNotFound(id);
  if (order.shipment) return { orderId: id, ...(await d.shipments.cancel(id, req)) };
  if (order.status === 'cancelled') return { orderId: id, cancelled: true, status: 'cancelled', message: 'already cancelled' };
  const done = await d.orders.cancelUnshipped(id, { by: req.by, reason: req.reason, key: `manual:cancel:${req.requestId}` });
  // Lost a race with the ship button: the workflow owns it now.
  if (!done) return { orderId: id, ...(await d.shipments.cancel(id, req)) };
  return { orderId: id, cancelled: true, status: 'cancelled' };
}
