// Delhivery sits behind AWS WAF: over-limit calls (and tracking calls with more than 50 waybills) get an
// HTML 403 page, not a 429 and not JSON. Limits are per client IP per 5 minutes, on the simulator's clock.
import type { Response } from 'express';
import type { SimClock } from '../scenario';

export const WAF_PAGE =
  '<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n</body>\r\n</html>\r\n';

export function sendWafBlock(res: Response): void {
  res.status(403).type('html').send(WAF_PAGE);
}

const WINDOW_MS = 5 * 60_000;

/** Fixed 5-minute windows per (bucket, IP). */
export class WafLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly clock: SimClock) {}

  /** Counts one request; false when it is over `limit` in the current window. */
  allow(bucket: string, ip: string, limit: number): boolean {
    const now = this.clock.now();
    const key = `${bucket}|${ip}`;
    let w = this.windows.get(key);
    if (!w || now - w.start >= WINDOW_MS) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return w.count <= limit;
  }
}
