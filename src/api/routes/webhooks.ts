// Courier webhooks. The body is read raw (signatures and tokens are checked on the exact bytes), the
// delivery is in the durable inbox before the 200 leaves, and workflows are signalled after.
import express, { Router, type Request } from 'express';
import type { CourierId } from '../../domain/events';
import { WEBHOOK_PATHS } from '../../webhooks/endpoints';
import type { WebhookIngestor } from '../../webhooks/ingest';
import { ApiError } from '../errors';
import { handle, parse } from '../middleware';
import { courierParamsSchema } from '../schemas';

export interface WebhooksRouteDeps {
  ingestor: WebhookIngestor;
  /** Largest body accepted, bytes; larger → 413, nothing written. */
  maxBodyBytes: number;
}

const BASE = '/api/webhooks';
const local = (path: string) => path.slice(BASE.length);

/** Mount at /api/webhooks, before any JSON body parser. */
export function webhooksRouter(d: WebhooksRouteDeps): Router {
  const r = Router();
  r.use(express.raw({ type: () => true, limit: d.maxBodyBytes }));

  const receive = (courierOf: (req: Request) => CourierId) =>
    handle(async (req, res) => {
      const courier = courierOf(req);
      const out = await d.ingestor.accept({
        courier,
        endpoint: req.baseUrl + req.path, // never the query: it may hold a token
        url: req.originalUrl,
        headers: req.headers,
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        receivedAt: Date.now(),
        ip: req.ip,
      });
      switch (out.kind) {
        case 'accepted':
          res.status(200).json({ ok: true, id: out.inboxId, duplicate: out.duplicate, events: out.events });
          return;
        case 'unsupported':
          throw new ApiError('not_found', `no webhook receiver for courier ${courier}`);
        case 'unauthenticated':
          throw new ApiError('unauthenticated', 'webhook authentication failed');
        case 'malformed':
          throw new ApiError('validation_failed', `malformed webhook: ${out.error}`);
      }
    });

  // Named routes first: they win over the generic one for the same path.
  r.post(local(WEBHOOK_PATHS.shiprocket), receive(() => 'shiprocket'));
  r.post(local(WEBHOOK_PATHS.shiprocketNamed), receive(() => 'shiprocket'));
  r.post(local(WEBHOOK_PATHS.delhivery), receive(() => 'delhivery'));
  r.post(local(WEBHOOK_PATHS.icarryStatus), receive(() => 'icarry'));
  r.post(local(WEBHOOK_PATHS.icarryNdr), receive(() => 'icarry'));
  r.post(
    local(WEBHOOK_PATHS.generic),
    receive((req) => {
      const p = courierParamsSchema.safeParse(req.params);
      if (!p.success) throw new ApiError('not_found', 'no such courier');
      return p.data.courierId;
    }),
  );
  return r;
}
