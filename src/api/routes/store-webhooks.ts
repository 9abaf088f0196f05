// The store's webhook endpoints (admin): subscribe, change, rotate the signing secret, see deliveries,
// replay. Secrets go in and never come out. GET /api/events (events.ts) is the catch-up side.
import { Router } from 'express';
import type { StoreWebhooks } from '../../store-webhooks/service';
import { actorOf, handle, parse } from '../middleware';
import { createEndpointSchema, deliveriesQuery, endpointIdParams, replaySchema, rotateSecretSchema, updateEndpointSchema } from '../store-webhook-schemas';

export function storeWebhooksRouter(d: { storeWebhooks: StoreWebhooks }): Router {
  const r = Router();
  const sw = d.storeWebhooks;

  r.get(
    '/',
    handle(async (_req, res) => {
      res.json({ items: await sw.list() });
    }),
  );
  r.post(
    '/',
    handle(async (req, res) => {
      const body = parse(createEndpointSchema, req.body);
      res.status(201).json(await sw.create({ url: body.url, eventTypes: body.eventTypes, secret: body.secret, ...(body.description ? { description: body.description } : {}) }, actorOf(req)));
    }),
  );
  r.get(
    '/:id',
    handle(async (req, res) => {
      res.json(await sw.get(parse(endpointIdParams, req.params).id));
    }),
  );
  r.patch(
    '/:id',
    handle(async (req, res) => {
      const { id } = parse(endpointIdParams, req.params);
      const b = parse(updateEndpointSchema, req.body);
      res.json(
        await sw.update(
          id,
          {
            ...(b.url !== undefined ? { url: b.url } : {}),
            ...(b.description !== undefined ? { description: b.description } : {}),
            ...(b.eventTypes !== undefined ? { eventTypes: b.eventTypes } : {}),
            ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
          },
          actorOf(req),
        ),
      );
    }),
  );
  r.delete(
    '/:id',
    handle(async (req, res) => {
      await sw.remove(parse(endpointIdParams, req.params).id);
      res.status(204).end();
    }),
  );
  r.post(
    '/:id/rotate-secret',
    handle(async (req, res) => {
      const { id } = parse(endpointIdParams, req.params);
      const b = parse(rotateSecretSchema, req.body);
      res.json(await sw.rotateSecret(id, b.secret, b.overlapHours, actorOf(req)));
    }),
  );
  r.get(
    '/:id/deliveries',
    handle(async (req, res) => {
      const { id } = parse(endpointIdParams, req.params);
      const { limit } = parse(deliveriesQuery, req.query);
      res.json({ items: await sw.deliveries(id, limit) });
    }),
  );
  r.post(
    '/:id/replay',
    handle(async (req, res) => {
      const { id } = parse(endpointIdParams, req.params);
      res.status(202).json(await sw.replay(id, parse(replaySchema, req.body)));
    }),
  );
  return r;
}
