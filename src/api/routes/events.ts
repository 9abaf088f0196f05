// GET /api/events: every store event after a cursor, for a store catching up on webhooks it missed
// (or never subscribed to). Kept 30 days.
import { Router } from 'express';
import type { StoreWebhooks } from '../../store-webhooks/service';
import { handle, parse } from '../middleware';
import { eventsQuery } from '../store-webhook-schemas';

export function eventsRouter(d: { storeWebhooks: StoreWebhooks }): Router {
  const r = Router();
  r.get(
    '/',
    handle(async (req, res) => {
      const q = parse(eventsQuery, req.query);
      res.json(await d.storeWebhooks.events({ limit: q.limit, ...(q.after ? { after: q.after } : {}), ...(q.type ? { types: q.type } : {}), ...(q.orderId ? { orderId: q.orderId } : {}) }));
    }),
  );
  return r;
}
