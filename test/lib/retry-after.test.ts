import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/lib/retry-after';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-07T10:00:00.000Z');
  it('reads delay-seconds and HTTP dates; undefined for absent or unreadable values', () => {
    expect(parseRetryAfter('42', now)).toBe(42_000);
    expect(parseRetryAfter('1.5', now)).toBe(1_500);
    expect(parseRetryAfter('Mon, 07 Dec 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Mon, 07 Dec 2026 09:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
