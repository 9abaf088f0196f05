// Standard Webhooks (https://www.standardwebhooks.com/): how Waybill signs the events it sends to the
// store's own system, and how a receiver checks them. Three headers travel with the raw body:
//   webhook-id         the event's id (stable across retries: receivers dedupe on it)
//   webhook-timestamp  unix seconds of this attempt
//   webhook-signature  space-separated `v1,<base64 HMAC-SHA256(key, "${id}.${timestamp}.${body}")>`
// A secret is `whsec_<base64 key>`; the HMAC key is the decoded part. During a rotation the sender
// signs with the old and the new secret (one `v1,` entry each) and the receiver accepts either.
//
// node:crypto only. Not for workflow code (it is not deterministic and needs Node built-ins).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export const WEBHOOK_HEADERS = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

// A type literal, not an interface, so that it passes wherever a plain header record is expected.
export type SignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export type WebhookVerificationFailure = 'missing-headers' | 'bad-timestamp' | 'timestamp-too-old' | 'timestamp-too-new' | 'no-matching-signature';

/** A request that did not prove it came from the holder of a secret, or came outside the time window. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookVerificationFailure,
    message: string = DEFAULT_MESSAGE[reason],
  ) {
    super(message);
  }
}

const DEFAULT_MESSAGE: Record<WebhookVerificationFailure, string> = {
  'missing-headers': 'webhook-id, webhook-timestamp and webhook-signature are all required',
  'bad-timestamp': 'webhook-timestamp is not a unix time in seconds',
  'timestamp-too-old': 'webhook-timestamp is older than the tolerance (a replay, or a clock far behind)',
  'timestamp-too-new': 'webhook-timestamp is further in the future than the tolerance',
  'no-matching-signature': 'no signature matches any of the secrets',
};

/** A new secret: `whsec_` + `bytes` random bytes (24–64, default 32) in base64. */
export function generateSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 24 || bytes > 64) throw new RangeError('a webhook secret has 24 to 64 bytes');
  return SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The HMAC key of a secret (`whsec_` prefix optional, as the official libraries accept). Strict base64:
 * Node's decoder skips characters it does not know, so a mangled secret would otherwise become some
 * other key and fail every request quietly instead of failing loudly at start-up.
 */
export function secretKey(secret: string): Buffer {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (b64.length === 0 || !BASE64.test(b64)) throw new TypeError('a webhook secret is whsec_ followed by base64');
  return Buffer.from(b64, 'base64');
}

type Body = string | Uint8Array;

function sign(key: Buffer, id: string, seconds: number, body: Body): string {
  const mac = createHmac('sha256', key).update(`${id}.${seconds}.`, 'utf8');
  mac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return `v1,${mac.digest('base64')}`;
}

/** The three headers for one attempt: one `v1,` signature per secret (several while a rotation overlaps). */
export function signatureHeaders(a: { id: string; timestamp: Date; body: Body; secrets: readonly string[] }): SignatureHeaders {
  if (a.secrets.length === 0) throw new TypeError('signing needs at least one secret');
  if (!a.id || /[\r\n]/.test(a.id)) throw new TypeError('a webhook id is a non-empty header value');
  const ms = a.timestamp.getTime();
  if (!Number.isFinite(ms)) throw new TypeError('invalid timestamp');
  const seconds = Math.floor(ms / 1000);
  const keys = [...new Set(a.secrets)].map(secretKey);
  return {
    'webhook-id': a.id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': keys.map((k) => sign(k, a.id, seconds, a.body)).join(' '),
  };
}

/** A plain object (any-case keys; Express's `req.headers` is lowercase) or a fetch-style `Headers`. */
export type HeadersInput = { get(name: string): string | null | undefined } | Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: HeadersInput, name: string): string | undefined {
  let v: unknown;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    v = (headers as { get(name: string): unknown }).get(name);
  } else {
    const rec = headers as Readonly<Record<string, unknown>>;
    v = rec[name];
    if (v === undefined) {
      const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
      v = key === undefined ? undefined : rec[key];
    }
  }
  // A repeated header arrives as an array from some frameworks: one value is fine, several are ambiguous.
  if (Array.isArray(v)) v = v.length === 1 ? v[0] : undefined;
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export interface VerifyOptions {
  headers: HeadersInput;
  /** The raw body exactly as received (not re-serialised JSON: any byte changed fails). */
  body: Body;
  /** Every secret currently valid (the new and the old one while a rotation overlaps). */
  secrets: readonly string[];
  /** How far the timestamp may be from now, either way (default 300 s). */
  toleranceSeconds?: number;
  now?: Date;
}

/**
 * Accepts when any `v1` signature in the header matches any of the secrets and the timestamp is within
 * the tolerance of now; otherwise throws WebhookVerificationError with the reason. Returns the id (the
 * receiver dedupes on it) and the timestamp.
 */
export function verifyWebhook(o: VerifyOptions): { id: string; timestamp: Date } {
  if (o.secrets.length === 0) throw new TypeError('verifying needs at least one secret');
  const keys = o.secrets.map(secretKey);
  const tolerance = o.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!(tolerance >= 0)) throw new RangeError('toleranceSeconds must be zero or more');

  const id = header(o.headers, WEBHOOK_HEADERS.id);
  const ts = header(o.headers, WEBHOOK_HEADERS.timestamp);
  const sigs = header(o.headers, WEBHOOK_HEADERS.signature);
  if (id === undefined || ts === undefined || sigs === undefined) throw new WebhookVerificationError('missing-headers');

  // Digits only: parseInt would take "1614265330abc" or "1e3".
  if (!/^\d{1,15}$/.test(ts)) throw new WebhookVerificationError('bad-timestamp');
  const seconds = Number(ts);
  const nowSeconds = Math.floor((o.now ?? new Date()).getTime() / 1000);
  if (nowSeconds - seconds > tolerance) throw new WebhookVerificationError('timestamp-too-old');
  if (seconds - nowSeconds > tolerance) throw new WebhookVerificationError('timestamp-too-new');

  // Entries of other versions (`v1a,` asymmetric signatures, future schemes) are skipped, as the spec asks.
  const passed = sigs
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s, 'utf8'));
  let matched = false;
  for (const key of keys) {
    const expected = Buffer.from(sign(key, id, seconds, o.body), 'utf8');
    for (const p of passed) {
      // The length is public (an HMAC-SHA256 in base64 is always 47 bytes with its prefix); the content
      // is compared in constant time. No early exit, so the time does not say which secret matched.
      if (p.length === expected.length && timingSafeEqual(p, expected)) matched = true;
    }
  }
  if (!matched) throw new WebhookVerificationError('no-matching-signature');
  return { id, timestamp: new Date(seconds * 1000) };
}
