// Reading Shiprocket's error envelopes (couriers.md §1.11, §1.12 #6):
//   422 {message, errors: {field: [msg]}, status_code} · 404 {message, status_code} · 400 {message, status_code}
//   500 {message: "Invalid argument supplied for foreach()", status_code} (PHP warnings)
//   200 {awb_assign_status: 0, response: {data: {awb_assign_error}}} · 200 {status: 404, message}
// SR-PM warns that a 200/202 can still carry an error, so 2xx bodies are inspected too.
import type { CourierErrorCode } from '../common/errors';
import { toStatusId } from './status-map';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** "errors": {"billing_phone": ["The billing phone must be 10 digits."]} → "billing_phone: The billing phone must be 10 digits." */
function fieldErrors(errors: unknown): string | undefined {
  if (!isRecord(errors)) return str(errors);
  const parts = Object.entries(errors).map(([field, msgs]) => {
    const list = Array.isArray(msgs) ? msgs.filter((m): m is string => typeof m === 'string') : [String(msgs)];
    return `${field}: ${list.join(' ')}`;
  });
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/**
 * The courier's own words from any of its envelopes, with per-field validation messages kept. Falls
 * back to the start of the raw text (an HTML error page, a PHP warning) when no envelope is found.
 */
export function vendorMessage(body: unknown, rawText: string): string {
  if (isRecord(body)) {
    const data = isRecord(body.response) && isRecord(body.response.data) ? body.response.data : undefined;
    const tracking = isRecord(body.tracking_data) ? body.tracking_data : undefined;
    const main = str(body.message) ?? str(data?.awb_assign_error) ?? str(body.error) ?? str(tracking?.error) ?? str(data?.message);
    const fields = fieldErrors(body.errors);
    if (main && fields) return `${main} (${fields})`;
    if (main ?? fields) return (main ?? fields)!;
  }
  const trimmed = rawText.replace(/\s+/g, ' ').trim();
  return trimmed === '' ? '(empty body)' : trimmed.slice(0, 300);
}

/**
 * An error status carried inside a 2xx body: `status_code` or a numeric `status` of 400 or more
 * (serviceability answers `{"status": 404, "message": …}`; success bodies carry `"status": 200`).
 */
export function embeddedErrorStatus(body: unknown): number | undefined {
  if (!isRecord(body)) return undefined;
  for (const key of ['status_code', 'status'] as const) {
    const n = toStatusId(body[key]);
    if (n !== undefined && n >= 400 && n < 600) return n;
  }
  return undefined;
}

/** Refusals whose words say more than their HTTP status does. */
const MESSAGE_RULES: ReadonlyArray<readonly [RegExp, CourierErrorCode]> = [
  [/not serviceable|unserviceable|non[- ]serviceable|no courier (is )?(available|serviceable)|not service(d|able)/i, 'unserviceable'],
  [/recharge|insufficient (wallet )?balance|low (wallet )?balance|wallet balance/i, 'insufficient_balance'],
];

export function codeFromMessage(message: string): CourierErrorCode | undefined {
  for (const [pattern, code] of MESSAGE_RULES) if (pattern.test(message)) return code;
  return undefined;
}

/** Shiprocket's own words for "this AWB/pickup already exists": progress, not failure, on a retried booking. */
export const ALREADY_ASSIGNED = /already (been )?assigned|cannot reassign/i;
export const ALREADY_IN_PICKUP_QUEUE = /already in pickup queue|pickup (is )?already (scheduled|generated)/i;
