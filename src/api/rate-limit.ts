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

export function publicRateLimit(o: RateLimitOptions): RequestHandler {
  return rateLimit({
    windowMs: o.windowMs ?? 60_000,
    limit: o.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new ApiError('rate_limited', 'too many requests from this address; slow down')),
  });
}

/**
 * Failed webhook requests per IP per fixed window; past the limit, 429 until the window ends. Only a
 * request that has *finished* with a 4xx counts. express-rate-limit's skipSuccessfulRequests counts
 * every request as it starts and takes it back on success, so a courier with more than `limit`
 * webhooks in flight at once (any burst at a fast ack) was answered 429.
 */
export function webhookRateLimit(o: RateLimitOptions & { now?: () => number }): RequestHandler {
  const windowMs = o.windowMs ?? 60_000;
  const now = o.now ?? Date.now;
  const failures = new Map<string, { count: number; windowStart: number }>();
  const current = (ip: string) => {
    const t = now();
    let entry = failures.get(ip);
    if (!entry || t - entry.windowStart >= windowMs) {
      // Expired windows go when their address is seen again, and all at once if the map grows large.
      if (failures.size >= 100_000) for (const [k, v] of failures) if (t - v.windowStart >= windowMs) failures.delete(k);
      entry = { count: 0, windowStart: t };
      failures.set(ip, entry);
    }
    return entry;
  };
  return (req, res, next) => {
    const ip = req.ip ?? 'unknown';
    if (current(ip).count >= o.limit) return next(new ApiError('rate_limited', 'too many requests from this address; slow down'));
    res.once('finish', () => {
      // Only the client's own failures count against it: a courier whose webhooks met our outage (503) or
      // our overload must not be throttled for it once we are back.
      if (res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 429) current(ip).count++;
    });
    next();
  };
}
