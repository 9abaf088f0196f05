// Batch "sync now" for the store: per-order results, bounded in size, a few workflows at a time.
import { Router } from 'express';
import { handle, parse } from '../middleware';
import { batchSyncBodySchema } from '../schemas';
import type { ShipmentGateway } from '../../shipments/gateway';
import { syncOrders } from '../../shipments/sync-orders';

export function trackingRouter(d: { shipments: Pick<ShipmentGateway, 'refresh'> }): Router {
  const r = Router();
  r.post(
    '/sync',
    handle(async (req, res) => {
      const { orderIds } = parse(batchSyncBodySchema, req.body);
      res.json({ results: await syncOrders(d.shipments, orderIds) });
    }),
  );
  return r;
}
