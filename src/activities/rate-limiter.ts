// A token bucket per courier, in the worker process. Couriers publish per-account limits (Shiprocket
// and Delhivery answer 429 or a WAF 403 when exceeded), and every shipment's activities share one
// account, so the limit has to be enforced where the calls leave, not per workflow.

export interface RateLimit {
  /** Sustained calls per second. */
  perSecond: number;
  /** Calls allowed in a burst. */
  burst: number;
}

export class RateLimitWaitTooLong extends Error {
  override readonly name = 'RateLimitWaitTooLong';
  constructor(readonly waitMs: number) {
    super(`rate limit: next slot in ${waitMs} ms`);
  }
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.tokens = limit.burst;
    this.updatedAt = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((t - this.updatedAt) / 1000) * this.limit.perSecond);
    this.updatedAt = t;
  }

  /**
   * Takes a token, waiting up to maxWaitMs for one. Waiting longer than that is the caller's business:
   * an activity would rather give its slot back to Temporal and retry later than hold a worker slot.
   */
  async acquire(maxWaitMs: number): Promise<void> {
    this.refill();
    // Reserve now (tokens may go negative) so concurrent callers queue in order instead of racing.
    const waitMs = this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.limit.perSecond) * 1000);
    if (waitMs > maxWaitMs) throw new RateLimitWaitTooLong(waitMs);
    this.tokens -= 1;
    if (waitMs > 0) await this.sleep(waitMs);
  }
}
