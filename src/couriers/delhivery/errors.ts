// Delhivery failure → CourierError. Delhivery's own rules, on top of the HTTP layer's:
// - 403 is usually its AWS WAF throttling (HTML page, "wait ≥30 s"), not an auth failure;
// - errors arrive under HTTP 200 (`success:false`, `rmk`, `remarks[]`);
// - a token for the other environment fails with "'NoneType' object has no attribute 'end_date'".
import { CourierError, type CourierErrorCode, type CourierErrorKind } from '../common/errors';
import { parseJsonLenient, retryAfterMs, type HttpResponse } from '../common/http';

/** Delhivery asks for at least 30 s after a WAF block, whatever Retry-After says. */
export const WAF_MIN_BACKOFF_MS = 30_000;

const AUTH_WORDS = /authenticat|credential|invalid token|token|api key|login|unauthori[sz]ed|permission|not allowed to access/i;
const TOKEN_ENV_MISMATCH = /'?NoneType'? object has no attribute '?end_date'?/i;
const UNKNOWN_AWB = /data does not exists? for provided waybill|no such waybill or order id found/i;

export const TOKEN_ENV_HINT =
  'Delhivery rejected the token for this environment (staging and production tokens differ): check that baseUrl and apiToken belong to the same environment';

export type Scrub = (text: string) => string;

function err(op: string, kind: CourierErrorKind, code: CourierErrorCode, message: string, details: CourierError['details'] = {}): CourierError {
  return new CourierError('delhivery', op, kind, code, message, details);
}

/** Every human-readable message a Delhivery body carries, in one string (for matching and reporting). */
export function bodyMessages(body: unknown): string {
  const out: string[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 3 || v === null || v === undefined) return;
    if (typeof v === 'string') {
      if (v.trim()) out.push(v.trim());
    } else if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
    } else if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (/^(rmk|remarks?|error|errors|message|detail|Error|msg)$/i.test(k) || k === 'packages') visit(x, depth + 1);
      }
    }
  };
  visit(body, 0);
  return [...new Set(out)].join('; ');
}

function looksLikeHtml(res: HttpResponse): boolean {
  return /html/i.test(res.headers['content-type'] ?? '') || /^\s*</.test(res.text);
}

export function isUnknownAwbMessage(text: string): boolean {
  return UNKNOWN_AWB.test(text);
}

const AUTH_PHRASES = /authentication credentials were not provided|login or api key required|invalid token/i;

/** Delhivery's own wording for a missing or wrong token, which some endpoints send with HTTP 200. */
export function looksLikeAuthFailure(text: string): boolean {
  return AUTH_PHRASES.test(text);
}

export function isTokenEnvMismatch(text: string): boolean {
  return TOKEN_ENV_MISMATCH.test(text);
}

/**
 * A non-2xx response → CourierError. Decisions:
 * - 403 with an HTML, empty or non-JSON body is the WAF: rate_limited, retry after ≥30 s. A JSON 403 whose
 *   message talks about auth (Django REST's "Authentication credentials were not provided.", "Invalid
 *   token.") is a rejected token: permanent. A JSON 403 without such words is still taken as the WAF (AWS
 *   WAF can answer custom JSON): wrongly retrying an auth failure costs a few calls, wrongly giving up on a
 *   throttle strands a shipment.
 * - 401 is always auth.
 * - 404 is a wrong baseUrl/path unless the body names an unknown waybill: never "not found" by status alone,
 *   since callers read not_found as "this AWB does not exist".
 */
export function classifyHttpFailure(op: string, res: HttpResponse, nowMs: number, scrub: Scrub): CourierError {
  // HTML is a WAF or error page: its markup says nothing useful. Plain text is kept (scrubbed).
  const html = looksLikeHtml(res);
  const body = html ? undefined : parseJsonLenient(res.text);
  const messages = scrub(html ? '' : body !== undefined ? bodyMessages(body) || res.text : res.text.trim()).slice(0, 300);
  const details = { httpStatus: res.status, courierMessage: messages || undefined };

  if (isTokenEnvMismatch(res.text)) return err(op, 'permanent', 'auth_rejected', TOKEN_ENV_HINT, details);
  if (res.status === 401) return err(op, 'permanent', 'auth_rejected', `HTTP 401: Delhivery rejected the API token${messages ? ` (${messages})` : ''}`, details);
  if (res.status === 403) {
    if (body !== undefined && typeof body === 'object' && AUTH_WORDS.test(messages)) {
      return err(op, 'permanent', 'auth_rejected', `HTTP 403: Delhivery rejected the API token (${messages})`, details);
    }
    const wait = Math.max(WAF_MIN_BACKOFF_MS, retryAfterMs(res.headers['retry-after'], nowMs, WAF_MIN_BACKOFF_MS));
    return err(op, 'rate_limited', 'rate_limited', 'HTTP 403 from Delhivery\'s WAF (rate limit or >50 waybills per call): back off', {
      ...details,
      courierMessage: body === undefined ? 'AWS WAF block page' : details.courierMessage,
      retryAfterMs: wait,
    });
  }
  if (res.status === 429) {
    return err(op, 'rate_limited', 'rate_limited', 'HTTP 429 from Delhivery', { ...details, retryAfterMs: retryAfterMs(res.headers['retry-after'], nowMs) });
  }
  if (res.status >= 500) return err(op, 'transient', 'server_error', `HTTP ${res.status} from Delhivery${messages ? `: ${messages}` : ''}`, details);
  if (isUnknownAwbMessage(messages)) return err(op, 'permanent', 'not_found', `Delhivery does not know this waybill: ${messages}`, details);
  if (body !== undefined && AUTH_WORDS.test(messages) && /login|api key|credential/i.test(messages)) {
    return err(op, 'permanent', 'auth_rejected', `HTTP ${res.status}: Delhivery rejected the API token (${messages})`, details);
  }
  if (res.status === 404) return err(op, 'permanent', 'invalid_request', `HTTP 404 from Delhivery: check baseUrl (${messages || 'no body'})`, details);
  return err(op, 'permanent', 'invalid_request', `HTTP ${res.status} from Delhivery${messages ? `: ${messages}` : ''}`, details);
}

/**
 * A 2xx body that is not the JSON the endpoint promises (a proxy's maintenance page, a truncated body):
 * transient, since a retry usually gets the real answer and every operation is safe to repeat.
 */
export function badBody(op: string, res: HttpResponse): CourierError {
  return err(op, 'transient', 'bad_response', `Delhivery answered HTTP ${res.status} with an unreadable body`, { httpStatus: res.status });
}

/** How a failed create remark reads. Ordered: the first match wins. */
const CREATE_REMARKS: ReadonlyArray<{ re: RegExp; kind: CourierErrorKind; code: CourierErrorCode; message: (remark: string, ctx: { warehouse: string }) => string }> = [
  { re: TOKEN_ENV_MISMATCH, kind: 'permanent', code: 'auth_rejected', message: () => TOKEN_ENV_HINT },
  {
    re: /ClientWarehouse matching query does not exist/i,
    kind: 'permanent',
    code: 'invalid_request',
    message: (_r, { warehouse }) =>
      `pickup location "${warehouse}" is not a warehouse registered with Delhivery (names are case-sensitive: use the exact name from the Delhivery panel)`,
  },
  { re: /warehouse is not active|wrong\/inactive center/i, kind: 'permanent', code: 'invalid_request', message: (r, { warehouse }) => `pickup location "${warehouse}" is inactive at Delhivery: ${r}` },
  { re: /insufficient balance|wallet/i, kind: 'permanent', code: 'insufficient_balance', message: (r) => `Delhivery wallet balance too low (keep at least ₹500): ${r}` },
  { re: /non[- ]?serviceable|not serviceable/i, kind: 'permanent', code: 'unserviceable', message: (r) => `Delhivery cannot serve this shipment: ${r}` },
  { re: /client is not active/i, kind: 'permanent', code: 'auth_rejected', message: (r) => `Delhivery account is inactive: ${r}` },
  { re: /format key missing/i, kind: 'permanent', code: 'invalid_request', message: (r) => `Delhivery did not read the form body: ${r}` },
  { re: /unterminated string|expecting value|'unicode' object|shipment list contains no data/i, kind: 'permanent', code: 'invalid_request', message: (r) => `Delhivery could not parse the shipment: ${r}` },
  { re: /incorrect phone/i, kind: 'permanent', code: 'invalid_request', message: (r) => `Delhivery refused the phone number: ${r}` },
  { re: /oid does not pass the validator/i, kind: 'permanent', code: 'invalid_request', message: (r) => `Delhivery refused the order id: ${r}` },
  { re: /duplicate waybill|unable to consume waybill/i, kind: 'permanent', code: 'invalid_request', message: (r) => `Delhivery refused the waybill: ${r}` },
  { re: /suspicious|failure rate of the seller/i, kind: 'permanent', code: 'not_allowed', message: (r) => `Delhivery refused to book: ${r}` },
];

const CAPACITY = /exceeded the available capacity/i;
export const DUPLICATE_ORDER = /duplicate order id/i;

/**
 * A create that came back `success:false` (HTTP 200) → CourierError. Duplicate order ids are handled by the
 * caller (they mean "already booked") and never reach here.
 */
export function classifyCreateRemark(remark: string, ctx: { warehouse: string; nowMs: number; httpStatus: number }): CourierError {
  const details = { httpStatus: ctx.httpStatus, courierMessage: remark.slice(0, 300) };
  for (const rule of CREATE_REMARKS) {
    if (rule.re.test(remark)) return err('createShipment', rule.kind, rule.code, rule.message(remark, ctx), details);
  }
  if (CAPACITY.test(remark)) {
    // "try again after midnight": the pincode's daily manifest capacity is used up.
    return err('createShipment', 'rate_limited', 'rate_limited', `Delhivery's daily capacity for this pincode is full: ${remark}`, {
      ...details,
      retryAfterMs: msUntilIstMidnight(ctx.nowMs),
    });
  }
  return err('createShipment', 'permanent', 'bad_response', `Delhivery refused the shipment: ${remark || 'no reason given'}`, details);
}

const IST_OFFSET_MS = 330 * 60_000;
export function msUntilIstMidnight(nowMs: number): number {
  const day = 86_400_000;
  const ist = nowMs + IST_OFFSET_MS;
  return day - (((ist % day) + day) % day);
}
