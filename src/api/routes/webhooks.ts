// Courier webhooks. The body is read raw (signatures and tokens are checked on the exact bytes), the
// delivery is in the durable inbox before the 200 leaves, and workflows are signalled after.
import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import type { WebhookOutcome } from '../../lib/metrics';
import type { CourierId } from '../../domain/events';
import { courierWebhookRoutes, WEBHOOK_PATHS } from '../../webhooks/endpoints';
import type { IngestOutcome, WebhookIngestor } from '../../webhooks/ingest';
import { isMongoUnavailable } from '../../storage/mongo';
import { ApiError } from '../errors';
import { handle, parse } from '../middleware';
import { courierParamsSchema } from '../schemas';

export interface WebhooksRouteDeps {
  ingestor: WebhookIngestor;
  /** Largest body accepted, bytes; larger → 413, nothing written. */
  maxBodyBytes: number;
  /** Every answer, for metrics (waybill_webhooks_total). */
  onOutcome?: (courier: string, outcome: WebhookOutcome) => void;
  /**
   * Webhook requests handled at once; beyond it, 503 + Retry-After before the body is read. A memory
   * guard only: an ack is one group-committed write, so requests do not pile up while deliveries are
   * slow (the stored backlog's bound, in the ingestor, is what sheds a sustained overload).
   */
  maxInflight?: number;
  /** Retry-After sent with a shed request, seconds. */
  shedRetryAfterSeconds?: number;
}

export const DEFAULT_WEBHOOK_MAX_INFLIGHT = 2048;

const BASE = '/api/webhooks';
const local = (path: string) => path.slice(BASE.length);

/** Mount at /api/webhooks, before any JSON body parser. */
export function webhooksRouter(d: WebhooksRouteDeps): Router {
  const r = Router();
  // The couriers registered when the router is built, and their own paths.
  const named = courierWebhookRoutes();
  const courierAt = new Map(named.map((n) => [n.path, n.courier]));
  const maxInflight = d.maxInflight ?? DEFAULT_WEBHOOK_MAX_INFLIGHT;
  let inflight = 0;
  r.use((req, res, next) => {
    if (inflight >= maxInflight) {
      d.onOutcome?.(courierFromPath(req.path, courierAt), 'shed');
      res.setHeader('Connection', 'close'); // the unread body is not worth keeping the socket for
      return next(new ApiError('unavailable', 'too many webhooks in flight; retry later', undefined, d.shedRetryAfterSeconds ?? 2));
    }
    inflight++;
    let released = false;
    const release = () => {
      if (!released) inflight--;
      released = true;
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  });
  r.use(express.raw({ type: () => true, limit: d.maxBodyBytes }));

  const receive = (courierOf: (req: Request) => CourierId) =>
    handle(async (req, res) => {
      const courier = courierOf(req);
      const incoming = {
        courier,
        endpoint: req.baseUrl + req.path, // never the query: it may hold a token
        url: req.originalUrl,
        headers: req.headers,
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        receivedAt: Date.now(),
        ip: req.ip,
      };
      const out = await d.ingestor.accept(incoming).catch((e: unknown) => {
        // Nothing was acknowledged: the courier keeps the delivery and retries it (503 + Retry-After).
        if (isMongoUnavailable(e)) d.onOutcome?.(courier, 'unavailable');
        throw e;
      });
      d.onOutcome?.(courier, outcomeOf(out));
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
        case 'overloaded':
          throw new ApiError('unavailable', 'too many webhooks waiting for delivery; retry later', undefined, out.retryAfterSeconds);
      }
    });

  // Each registered courier's own paths first: they win over the generic one for the same path.
  for (const n of named) r.post(local(n.path), receive(() => n.courier));
  r.post(
    local(WEBHOOK_PATHS.generic),
    receive((req) => {
      const p = courierParamsSchema.safeParse(req.params);
      if (!p.success) throw new ApiError('not_found', 'no such courier');
      return p.data.courierId;
    }),
  );
  // A body over the limit never reaches a handler: count it here, then let the error middleware answer 413.
  const countTooLarge: ErrorRequestHandler = (err: unknown, req, _res, next) => {
    if (typeof err === 'object' && err !== null && (err as { type?: unknown }).type === 'entity.too.large') {
      d.onOutcome?.(courierFromPath(req.path, courierAt), 'too_large');
    }
    next(err);
  };
  r.use(countTooLarge);
  return r;
}

function outcomeOf(out: IngestOutcome): WebhookOutcome {
  switch (out.kind) {
    case 'accepted':
      return out.duplicate ? 'duplicate' : 'accepted';
    case 'unauthenticated':
      return 'unauthorized';
    case 'overloaded':
      return 'shed';
    default:
      return 'malformed';
  }
}

function courierFromPath(path: string, courierAt: ReadonlyMap<string, string>): string {
  const full = BASE + path;
  return courierAt.get(full) ?? /\/courier\/([a-z0-9-]+)$/.exec(full)?.[1] ?? 'unknown';
}
