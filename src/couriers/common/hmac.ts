import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time string equality. Both sides are hashed first so neither the content nor the length of
 * the expected secret leaks through timing.
 */
export function safeEqual(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export const HMAC_HEADER = 'x-waybill-signature';

/**
 * Generic scheme for couriers configured with HMAC: header `x-waybill-signature: t=<unix s>,v1=<hex>`
 * where v1 = HMAC-SHA256(secret, `${t}.${rawBody}`). The timestamp bounds replay.
 */
export function signHmac(secret: string, rawBody: Buffer | string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.`).update(rawBody).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export function verifyHmac(
  secret: string | undefined,
  header: string | string[] | undefined,
  rawBody: Buffer,
  nowMs: number,
  toleranceSeconds = 300,
): boolean {
  if (!secret || typeof header !== 'string') return false;
  const parts = Object.fromEntries(
    header.split(',').map((p) => {
      const i = p.indexOf('=');
      return i < 0 ? [p.trim(), ''] : [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  ) as Record<string, string | undefined>;
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return false;
  if (Math.abs(nowMs / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
  return safeEqual(expected, parts.v1.toLowerCase());
}

/** Case-insensitive header lookup (Node lowercases incoming names; hand-built maps may not). */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let v = headers[wanted];
  if (v === undefined) for (const [k, val] of Object.entries(headers)) if (k.toLowerCase() === wanted) v = val;
  return Array.isArray(v) ? v[0] : v;
}
