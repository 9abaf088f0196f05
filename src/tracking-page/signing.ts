// Everything that grants access to one order's tracking page is an HMAC-SHA256 over the order id and an
// expiry, under a key only the API knows: the link in messages (`?t=`), the cookie set after the customer
// confirms a phone or email, and the token in each form. Nothing is stored, so nothing needs cleaning up,
// and a guessed order id gets nowhere without the key.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** 128 bits: far beyond online guessing, and it keeps links short enough for WhatsApp and SMS. */
const MAC_BYTES = 16;
const DAY_S = 86_400;
export const COOKIE_DAYS = 7;

export type Purpose = 'link' | 'cookie' | 'csrf' | 'ndr-request';

/** The credential a request presented, once verified. It is what form tokens are bound to. */
export interface Access {
  via: 'link' | 'cookie';
  credential: string;
  expiresAt: number; // unix seconds
}

export type Verdict = { ok: true; access: Access } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

export class TrackingSigner {
  /** keys[0] signs; every key verifies (the older ones are there so a rotation breaks no link already sent). */
  constructor(private readonly keys: readonly string[]) {
    if (keys.length === 0) throw new Error('TrackingSigner needs at least one key');
  }

  /** `?t=` value: expiry (base 36) and MAC. The expiry is rounded up to a UTC day so one day's links are identical. */
  linkToken(orderId: string, ttlDays: number, nowMs: number): string {
    const exp = Math.ceil(nowMs / 1000 / DAY_S + ttlDays) * DAY_S;
    return this.credential('link', orderId, exp);
  }

  cookieValue(orderId: string, nowMs: number): string {
    return this.credential('cookie', orderId, Math.floor(nowMs / 1000) + COOKIE_DAYS * DAY_S);
  }

  verifyLink(orderId: string, token: unknown, nowMs: number): Verdict {
    return this.verifyCredential('link', orderId, token, nowMs);
  }

  verifyCookie(orderId: string, value: unknown, nowMs: number): Verdict {
    return this.verifyCredential('cookie', orderId, value, nowMs);
  }

  /** Form token bound to the order and to the credential the page was opened with. */
  csrfToken(orderId: string, access: Access): string {
    return this.mac('csrf', [orderId, access.via, access.credential]);
  }

  verifyCsrf(orderId: string, access: Access, token: unknown): boolean {
    return typeof token === 'string' && this.matches('csrf', [orderId, access.via, access.credential], token);
  }

  /**
   * Update id for a customer's NDR answer: the same answer to the same failed attempt is the same id, so
   * a double submit or a browser re-POST is answered by the workflow once, and a different answer is new.
   */
  ndrRequestId(orderId: string, ndrKey: string, action: unknown): string {
    return `tp-${this.mac('ndr-request', [orderId, ndrKey, JSON.stringify(action)])}`;
  }

  private credential(purpose: 'link' | 'cookie', orderId: string, exp: number): string {
    const e = exp.toString(36);
    return `${e}.${this.mac(purpose, [orderId, e])}`;
  }

  private verifyCredential(purpose: 'link' | 'cookie', orderId: string, value: unknown, nowMs: number): Verdict {
    if (typeof value !== 'string' || value.length > 64) return { ok: false, reason: 'malformed' };
    const m = /^([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$/.exec(value);
    if (!m) return { ok: false, reason: 'malformed' };
    const [, e, mac] = m as unknown as [string, string, string];
    // The MAC is checked before the expiry, so "expired" is only ever said of a link we really made.
    if (!this.matches(purpose, [orderId, e], mac)) return { ok: false, reason: 'forged' };
    const exp = parseInt(e, 36);
    if (exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
    return { ok: true, access: { via: purpose, credential: value, expiresAt: exp } };
  }

  private mac(purpose: Purpose, parts: readonly string[], key = this.keys[0]!): string {
    return digest(key, purpose, parts).toString('base64url');
  }

  /** Constant time, and every key is tried (no early exit), so timing tells nothing about which matched. */
  private matches(purpose: Purpose, parts: readonly string[], presented: string): boolean {
    const got = Buffer.from(presented, 'base64url');
    if (got.length !== MAC_BYTES || got.toString('base64url') !== presented) return false;
    let ok = false;
    for (const key of this.keys) ok = timingSafeEqual(digest(key, purpose, parts), got) || ok;
    return ok;
  }
}

function digest(key: string, purpose: Purpose, parts: readonly string[]): Buffer {
  const h = createHmac('sha256', key).update(`waybill-tracking-v1:${purpose}`);
  // Length-prefixed, so no two different part lists ever hash the same bytes.
  for (const p of parts) h.update(`\n${p.length}:${p}`);
  return h.digest().subarray(0, MAC_BYTES);
}
