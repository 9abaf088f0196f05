import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { safeEqual } from '../couriers/common/hmac';
import { InvalidCursorError } from '../lib/cursor';
import { ShipmentError } from '../shipments/errors';
import { ShipmentGatewayError } from '../shipments/gateway';
import { isMongoUnavailable } from '../storage/mongo';
import { ApiError, databaseUnavailable, fromGatewayError, fromInvalidCursor, fromShipmentError } from './errors';
import { idempotencyKeySchema } from './schemas';
import { StoreWebhookError } from '../store-webhooks/service';

/** Wraps an async handler so a rejection reaches the error middleware (Express 5 does this too; explicit is clearer). */
export const handle =
  (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res, next: NextFunction) =>
    fn(req, res).catch(next);

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new ApiError(
      'validation_failed',
      'request validation failed',
      r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return r.data;
}

/** Bearer-token check, constant time against every configured token. */
export function requireAdmin(tokens: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    const h = req.headers.authorization;
    const token = typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
    let ok = false;
    for (const t of tokens) ok = safeEqual(token, t) || ok; // no early exit: same work whichever token matches
    if (!ok) return next(new ApiError('unauthenticated', 'a valid admin bearer token is required'));
    (req as Request & { actor?: string }).actor = `admin:${tokens.indexOf(token!)}`;
    next();
  };
}

export function actorOf(req: Request): string {
  return (req as Request & { actor?: string }).actor ?? 'anonymous';
}

/**
 * The request id for a workflow update: the caller's `Idempotency-Key` (so a retried request is answered
 * by the workflow, not applied twice), else a fresh one.
 */
export function requestIdOf(req: Request): string {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return randomUUID();
  return parse(idempotencyKeySchema, Array.isArray(key) ? key[0] : key);
}

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let e: ApiError;
    if (err instanceof ApiError) e = err;
    else if (err instanceof ShipmentGatewayError) e = fromGatewayError(err);
    else if (err instanceof ShipmentError) e = fromShipmentError(err);
    else if (err instanceof InvalidCursorError) e = fromInvalidCursor(err);
    else if (err instanceof StoreWebhookError) e = new ApiError(err.kind === 'not_found' ? 'not_found' : 'validation_failed', err.message);
    else if (isMongoUnavailable(err)) e = databaseUnavailable();
    else if (isBodyParserError(err)) {
      e =
        err.type === 'entity.too.large'
          ? new ApiError('payload_too_large', 'request body too large')
          : new ApiError('validation_failed', err.type === 'entity.parse.failed' ? 'malformed JSON body' : 'unreadable request body');
    } else e = new ApiError('internal', 'internal error');
    // Temporal or the database being unreachable is an outage to notice, not a bug to debug: no stack trace per request.
    if (e.code === 'unavailable') log.warn({ code: e.code, method: req.method, path: req.path, reason: e.message }, 'request failed: dependency unavailable');
    else if (e.status >= 500) log.error({ err, method: req.method, path: req.path }, 'request failed');
    else log.info({ code: e.code, method: req.method, path: req.path }, 'request rejected');
    if (e.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(e.retryAfterSeconds));
    res.status(e.status).json({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } });
  };
}

function isBodyParserError(err: unknown): err is { type: string; status: number } {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string' && typeof (err as { status?: unknown }).status === 'number';
}
