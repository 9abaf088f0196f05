// Fault injection for the courier simulators: error rate, latency, timeouts, 429 bursts with
// Retry-After. Deterministic when seeded, so a failing test can be replayed.
import type { NextFunction, Request, Response } from 'express';
import { seededRandom } from '../lib/seeded-random';

export interface FaultConfig {
  /** Share of requests answered 500 (0..1). */
  errorRate?: number;
  /** Share of requests that never answer (the client's timeout fires). */
  timeoutRate?: number;
  /** Added latency per request, ms. */
  latencyMs?: number;
  /** After every `every` requests, answer the next `length` with 429 + Retry-After. */
  burst429?: { every: number; length: number; retryAfterSeconds: number };
  /** Status used for rate limiting: 429 (Shiprocket) or 403 (Delhivery's WAF). */
  rateLimitStatus?: 429 | 403;
  seed?: number;
}

export class Faults {
  private config: FaultConfig;
  private rand: () => number = Math.random;
  private count = 0;
  readonly stats = { requests: 0, errors: 0, timeouts: 0, rateLimited: 0 };
  private readonly hanging = new Set<Response>();

  /** `defaults` survive every set(): e.g. Delhivery rate-limits with 403, whatever a test injects. */
  constructor(private readonly defaults: FaultConfig = {}) {
    this.config = { ...defaults };
  }

  set(config: FaultConfig): void {
    this.config = { ...this.defaults, ...config };
    this.rand = config.seed === undefined ? Math.random : seededRandom(config.seed);
    this.count = 0;
  }

  get current(): FaultConfig {
    return this.config;
  }

  /** Express middleware; mount before the courier routes (control routes under /__sim stay unaffected). */
  middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (req.path.startsWith('/__sim')) return next();
    this.stats.requests++;
    const c = this.config;
    const n = this.count++;
    if (c.burst429 && c.burst429.every > 0 && n % (c.burst429.every + c.burst429.length) >= c.burst429.every) {
      this.stats.rateLimited++;
      res.setHeader('Retry-After', String(c.burst429.retryAfterSeconds));
      const status = c.rateLimitStatus ?? 429;
      res.status(status);
      if (status === 403) res.type('html').send('<html><head><title>403 Forbidden</title></head><body>Request blocked.</body></html>');
      else res.json({ message: 'Too Many Attempts.', status_code: 429 });
      return;
    }
    if (c.timeoutRate && this.rand() < c.timeoutRate) {
      this.stats.timeouts++;
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return; // never answers
    }
    if (c.errorRate && this.rand() < c.errorRate) {
      this.stats.errors++;
      res.status(500).json({ message: 'Server Error', status_code: 500 });
      return;
    }
    if (c.latencyMs) setTimeout(next, c.latencyMs);
    else next();
  };

  /** Drop hanging connections (on shutdown). */
  releaseHanging(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }
}
