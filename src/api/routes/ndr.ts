// The open NDR queue, from the shipments projection (lists read MongoDB; live detail reads the workflow).
import { Router } from 'express';
import type { ShipmentsRepo } from '../../storage/shipments-repo';
import type { ShipmentDoc } from '../../storage/types';
import { handle, parse } from '../middleware';
import { ndrQuerySchema } from '../schemas';

export function ndrRouter(d: { shipmentsRepo: ShipmentsRepo; now?: () => number }): Router {
  const now = d.now ?? Date.now;
  const r = Router();
  r.get(
    '/',
    handle(async (req, res) => {
      const q = parse(ndrQuerySchema, req.query);
      const page = await d.shipmentsRepo.ndrQueue(q);
      res.json({ items: page.items.map((s) => ndrItem(s, now())), nextCursor: page.nextCursor ?? null });
    }),
  );
  return r;
}

function ndrItem(s: ShipmentDoc, now: number) {
  return {
    orderId: s.orderId,
    courier: s.courier,
    awb: s.awb ?? null,
    status: s.status,
    paymentMethod: s.paymentMethod ?? null,
    ndr: s.ndr,
    ageHours: s.ndr ? Math.round(((now - Date.parse(s.ndr.openedAt)) / 3_600_000) * 10) / 10 : 0,
    trackingUrl: s.trackingUrl ?? null,
  };
}
