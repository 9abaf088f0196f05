// Per-IP limits for the unauthenticated endpoints. Webhooks count only *rejected* requests: a courier
// pushing a burst of genuine scans is never throttled (Delhivery retries once, then drops), while a
// client guessing tokens is cut off after a few failures.
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ApiError } from './errors';

export interface RateLimitOptions {
  /** Requests (or, for webhooks, failed requests) per IP per window. */
  limit: number;
  windowMs?: number;
}

function limiter(o: RateLimitOptions, failuresOnly: boolean): RequestHandler {
  return rateLimit({
    windowMs: o.windowMs ?? 60_000,
    limit: o.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: failuresOnly,
    // Only the client's own failures count against it: a courier whose webhooks met our outage (503) or
    // our overload must not be throttled for it once we are back.
    ...(failuresOnly ? { requestWasSuccessful: (_req, res) => res.statusCode < 400 || res.statusCode >= 500 } : {}),
    handler: (_req, _res, next) => next(new ApiError('rate_limited', 'too many requests from this address; slow down')),
  });
}

export const webhookRateLimit = (o: RateLimitOptions) => limiter(o, true);
export const publicRateLimit = (o: RateLimitOptions) => limiter(o, false);
