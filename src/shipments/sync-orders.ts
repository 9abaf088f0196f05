// "Sync now": ask each order's workflow to poll its courier. The contract of the store's own
// syncOrderTracking from before Waybill — `{success, statusUpdated, status}`, never throwing for an order
// that cannot be synced — is kept for the batch call and the typed client; the single-order route maps
// failures to HTTP statuses instead.
import type { OrderStatus, ShipmentStatus } from '../domain/status';
import { ShipmentGatewayError, type ShipmentGateway } from './gateway';
import { mapLimit } from '../lib/map-limit';

export interface SyncOutcome {
  orderId: string;
  success: boolean;
  statusUpdated: boolean;
  status?: ShipmentStatus;
  orderStatus?: OrderStatus;
  /** Why it failed: not_found, unavailable, conflict… with the gateway's message. */
  error?: string;
}

export const SYNC_CONCURRENCY = 8;

export async function syncOrder(gateway: Pick<ShipmentGateway, 'refresh'>, orderId: string): Promise<SyncOutcome> {
  try {
    const r = await gateway.refresh(orderId);
    return { orderId, success: r.success, statusUpdated: r.statusUpdated, status: r.status, orderStatus: r.orderStatus, ...(r.error ? { error: r.error } : {}) };
  } catch (e) {
    if (e instanceof ShipmentGatewayError) return { orderId, success: false, statusUpdated: false, error: `${e.kind}: ${e.message}` };
    throw e;
  }
}

export function syncOrders(gateway: Pick<ShipmentGateway, 'refresh'>, orderIds: readonly string[], concurrency = SYNC_CONCURRENCY): Promise<SyncOutcome[]> {
  return mapLimit(orderIds, concurrency, (id) => syncOrder(gateway, id));
}
