import { describe, expect, it } from 'vitest';
import { RateLimitWaitTooLong, TokenBucket } from '../../src/activities/rate-limiter';

describe('TokenBucket', () => {
  it('lets a burst through, then spaces calls at the sustained rate', async () => {
    let now = 0;
    const waits: number[] = [];
    const bucket = new TokenBucket({ perSecond: 2, burst: 3 }, () => now, async (ms) => {
      waits.push(ms);
      now += ms;
    });
    for (let i = 0; i < 5; i++) await bucket.acquire(10_000);
    expect(waits).toEqual([500, 500]);
  });

  it('refuses to wait longer than allowed, so the activity can hand the retry to Temporal', async () => {
    const bucket = new TokenBucket({ perSecond: 1, burst: 1 }, () => 0, async () => undefined);
    await bucket.acquire(0);
    await expect(bucket.acquire(500)).rejects.toBeInstanceOf(RateLimitWaitTooLong);
  });

  it('refills with time', async () => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 1, burst: 1 }, () => now, async () => {
      throw new Error('should not wait');
    });
    await bucket.acquire(0);
    now += 1000;
    await bucket.acquire(0);
  });
});
