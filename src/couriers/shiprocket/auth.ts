// Shiprocket's bearer token: one login serves every call for 10 days (couriers.md §1.1).

export const TOKEN_LIFETIME_MS = 10 * 24 * 3_600_000;
/** Refresh a day early so a call never leaves with a token that dies in flight or on a skewed clock. */
export const TOKEN_REFRESH_AFTER_MS = 9 * 24 * 3_600_000;

/**
 * Caches the token and refreshes it ahead of expiry on the injected clock. Concurrent callers share one
 * in-flight login, so a burst of calls after expiry (or after a 401) logs in once, not once per call.
 */
export class TokenCache {
  private current: { token: string; obtainedAt: number } | undefined;
  /** The last token dropped: error bodies of calls still in flight may echo it. */
  private dropped: string | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly login: () => Promise<string>,
    private readonly now: () => number,
    private readonly refreshAfterMs: number = TOKEN_REFRESH_AFTER_MS,
  ) {}

  async get(): Promise<string> {
    const c = this.current;
    if (c && this.now() - c.obtainedAt < this.refreshAfterMs) return c.token;
    this.inflight ??= this.login()
      .then((token) => {
        this.current = { token, obtainedAt: this.now() };
        return token;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /**
   * Drop a token the API refused. Only the token that failed is dropped: when several calls fail with
   * the same old token, the first one's fresh login is not thrown away by the others.
   */
  invalidate(token: string): void {
    if (this.current?.token === token) {
      this.current = undefined;
      this.dropped = token;
    }
  }

  /** Tokens that may still appear in error text, to scrub them out. */
  secrets(): Array<string | undefined> {
    return [this.current?.token, this.dropped];
  }
}
