// Stateless, signed sessions for the ops console. The cookie holds who signed in, when it expires, the
// session's CSRF token and a fingerprint of the admin token used (never the token): removing a token
// from ADMIN_API_TOKENS ends the sessions opened with it, and changing OPS_SESSION_SECRET ends them all.
// Every comparison of secret material is constant-time and checks all candidates (no early exit).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  /** `admin:<index of the token in ADMIN_API_TOKENS>`, as the API's requireAdmin names callers. */
  actor: string;
  /** Per-session token every POST form must echo. */
  csrf: string;
  expiresAt: number;
}

interface Payload {
  a: string;
  f: string; // token fingerprint
  c: string; // csrf
  e: number; // expiry, ms
}

const VERSION = 'v1';

function sameBytes(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  // Lengths are public (fixed-size MACs); compare equal-length buffers only.
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

export class SessionSigner {
  constructor(
    private readonly secret: string,
    private readonly adminTokens: readonly string[],
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(domain: string, value: string): string {
    return createHmac('sha256', this.secret).update(`${domain}\0${value}`).digest('base64url');
  }

  /** Which configured token `candidate` is (its index), or -1; the same work whichever one matches. */
  tokenIndex(candidate: string): number {
    const fp = this.mac('token', candidate);
    let found = -1;
    this.adminTokens.forEach((t, i) => {
      if (sameBytes(this.mac('token', t), fp) && found < 0) found = i;
    });
    return found;
  }

  /** A signed session cookie value for a sign-in with `token`, or null when it is not an admin token. */
  issue(token: string): { cookie: string; session: Session } | null {
    const i = this.tokenIndex(token);
    if (i < 0) return null;
    const p: Payload = { a: `admin:${i}`, f: this.mac('token', token), c: randomBytes(24).toString('base64url'), e: this.now() + this.ttlMs };
    const body = Buffer.from(JSON.stringify(p)).toString('base64url');
    return { cookie: `${VERSION}.${body}.${this.mac('session', body)}`, session: { actor: p.a, csrf: p.c, expiresAt: p.e } };
  }

  /** The session a cookie carries, or null when it is forged, expired, or its token was withdrawn. */
  read(cookie: string | undefined): Session | null {
    if (!cookie) return null;
    const [v, body, mac] = cookie.split('.');
    if (v !== VERSION || !body || !mac || !sameBytes(this.mac('session', body), mac)) return null;
    let p: Payload;
    try {
      p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
    } catch {
      return null;
    }
    if (typeof p.e !== 'number' || p.e <= this.now() || typeof p.f !== 'string' || typeof p.c !== 'string' || typeof p.a !== 'string') return null;
    let live = false;
    for (const t of this.adminTokens) live = sameBytes(this.mac('token', t), p.f) || live;
    return live ? { actor: p.a, csrf: p.c, expiresAt: p.e } : null;
  }

  /**
   * Sign-in CSRF: the login form carries a nonce, and a cookie carries the nonce's MAC. A page on another
   * site can post the form but cannot read or set the cookie, so it cannot sign a browser in.
   */
  loginNonce(): { nonce: string; cookie: string } {
    const nonce = randomBytes(24).toString('base64url');
    return { nonce, cookie: this.mac('login', nonce) };
  }

  checkLoginNonce(cookie: string | undefined, nonce: unknown): boolean {
    if (!cookie || typeof nonce !== 'string' || nonce.length === 0 || nonce.length > 100) return false;
    return sameBytes(this.mac('login', nonce), cookie);
  }

  /** A value the client may hold but not alter (flash messages). */
  seal(value: string): string {
    const body = Buffer.from(value).toString('base64url');
    return `${body}.${this.mac('seal', body)}`;
  }

  unseal(sealed: string | undefined): string | null {
    const [body, mac] = (sealed ?? '').split('.');
    if (!body || !mac || !sameBytes(this.mac('seal', body), mac)) return null;
    return Buffer.from(body, 'base64url').toString('utf8');
  }
}

/** The CSRF token a form echoed matches the session's. */
export function csrfMatches(session: Session, submitted: unknown): boolean {
  return typeof submitted === 'string' && submitted.length > 0 && sameBytes(session.csrf, submitted);
}

/** Cookies from a Cookie header (no cookie-parser dependency: the console reads three names). */
export function readCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      if (!out.has(name)) out.set(name, decodeURIComponent(value));
    } catch {
      /* a malformed cookie is ignored, as if absent */
    }
  }
  return out;
}
