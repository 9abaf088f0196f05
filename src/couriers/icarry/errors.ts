// How iCarry says "no": every endpoint answers HTTP 200 (IC-PDF gives no other code, §5 q18) with an
// `error` member that is either a string of concatenated sentences ("Pickup Address is mandatory.
// Consignee array is mandatory. ") or an object of messages ({"ip": "...", "key": "..."}). Success
// bodies carry `"error": ""`, so only a non-empty error counts.
import type { CourierErrorCode } from '../common/errors';

export interface IcarryRejection {
  /** Every message, in order, joined into one string an admin can read. */
  text: string;
  /** The object form's keys (ip, key, token, warning, …); empty for the string form. */
  fields: Record<string, string>;
}

export function rejectionOf(body: Record<string, unknown>): IcarryRejection | undefined {
  const error = body.error;
  if (typeof error === 'string') return error.trim() === '' ? undefined : { text: error.trim(), fields: {} };
  if (Array.isArray(error)) {
    const parts = error.filter((e): e is string => typeof e === 'string' && e.trim() !== '');
    return parts.length ? { text: parts.join(' ').trim(), fields: {} } : undefined;
  }
  if (error && typeof error === 'object') {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(error)) if (v !== null && v !== undefined && String(v).trim() !== '') fields[k] = String(v).trim();
    return Object.keys(fields).length ? { text: Object.values(fields).join(' '), fields } : undefined;
  }
  return undefined;
}

/** The IP allow-list refusal: no amount of re-logging-in fixes it. */
export function isIpRejection(r: IcarryRejection): boolean {
  return r.fields.ip !== undefined || /\bIP\b.*\bnot allowed\b/i.test(r.text);
}

/**
 * The session token was refused (expired after its 60 minutes, or invalidated server-side). IC-INT1
 * re-logs-in on `error.key`; OpenCart's stock API answers "You do not have permission to access the
 * API" when its session is gone. Both mean: log in again and retry once.
 */
export function isTokenRejection(r: IcarryRejection): boolean {
  if (r.fields.key !== undefined || r.fields.token !== undefined || r.fields.api_token !== undefined) return true;
  return /\b(api[_ ]?)?token\b|\bsession\b|permission to access the api/i.test(r.text);
}

/**
 * A business rejection → the most specific permanent code. The sentences are iCarry's own and vary, so
 * only unambiguous words decide; everything else is invalid_request with the text kept.
 */
export function codeForRejection(text: string): CourierErrorCode {
  if (/not\s+found|does not exist|invalid shipment id/i.test(text)) return 'not_found';
  if (/already\s+(exists|booked|created)|duplicate/i.test(text)) return 'duplicate';
  if (/insufficient|wallet|recharge|low balance/i.test(text)) return 'insufficient_balance';
  if (/not\s+serviceable|unserviceable|no courier/i.test(text)) return 'unserviceable';
  return 'invalid_request';
}
