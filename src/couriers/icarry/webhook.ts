// iCarry's callbacks (IC-PDF; couriers.md §3.6). One URL setting, three bodies:
//   sync_status            {awb, status: 3, token: <API key>}   content type unstated: JSON and form both read
//   ndr_status             {ndr_data: [{shipment_id, awb, type, date_added: "DD/MM/YYYY"}]}, JSON, daily,
//                          covering today and yesterday (so every entry comes twice); no token documented
//   new_weight_discrepancy {awb, old_weight, new_weight, …, token}: a billing matter, no tracking events
import { createHmac } from 'node:crypto';
import type { TrackingEvent } from '../../domain/events';
import { HMAC_HEADER, headerValue, safeEqual, verifyHmac } from '../common/hmac';
import { awbString, parseCourierTime } from '../common/units';
import type { CourierWebhook, WebhookAuthConfig, WebhookParseResult, WebhookRequest } from '../types';
import { ndrEvent, statusEvent } from './events';
import { decodeForm } from './form';
import { quoteLongAwbs } from './json';
import { normaliseStatusCode } from './status-map';

/**
 * The shared WebhookRequest carries no URL, but the NDR callback can only be authenticated by one (see
 * authenticate). The API passes the request URL (path and query) here when it has it.
 */
export type IcarryWebhookRequest = WebhookRequest & { url?: string };

/**
 * The value a merchant appends to the callback URL registered in iCarry (`…?token=<this>`), derived
 * from the API key so the key itself never sits in a URL or an access log.
 */
export function icarryCallbackUrlToken(apiKey: string): string {
  return createHmac('sha256', apiKey).update('waybill:icarry:callback-url').digest('hex').slice(0, 32);
}

export const icarryWebhook: CourierWebhook & {
  authenticate(req: IcarryWebhookRequest, auth: WebhookAuthConfig): boolean;
} = {
  /**
   * - scheme 'hmac-sha256': the generic x-waybill-signature header, for every callback.
   * - otherwise, a `token` in the body must equal the API key (status and weight callbacks carry it).
   * - a body without a token (the NDR batch, per IC-PDF) is accepted only with the URL token from
   *   icarryCallbackUrlToken in the callback URL's query. Accepting unauthenticated NDR batches would let
   *   anyone mark parcels undelivered; the URL token is the one secret iCarry can be told to send.
   */
  authenticate(req: IcarryWebhookRequest, auth: WebhookAuthConfig): boolean {
    try {
      if (!auth.secret) return false;
      if (auth.scheme === 'hmac-sha256') {
        return verifyHmac(auth.secret, headerValue(req.headers, HMAC_HEADER), req.rawBody, req.receivedAt, auth.toleranceSeconds);
      }
      // A body that does not decode still authenticates by its token (→ 400 from parse, not 401): the
      // sender holds the key, so it should hear that its body is broken, not that its key is wrong.
      const token = bodyToken(req);
      if (token !== undefined) return typeof token === 'string' && safeEqual(token, auth.secret);
      const urlToken = queryToken(req.url);
      return urlToken !== undefined && safeEqual(urlToken, icarryCallbackUrlToken(auth.secret));
    } catch {
      return false;
    }
  },

  parse(req: WebhookRequest): WebhookParseResult {
    try {
      const body = decodeBody(req);
      if (!body) return { ok: false, error: 'body is neither a JSON object nor a form' };
      const type = typeof body.callback_type === 'string' ? body.callback_type.trim() : undefined;
      if (type === 'ndr_status' || (type === undefined && body.ndr_data !== undefined)) return parseNdrBatch(body, req.receivedAt);
      if (type === 'sync_status' || (type === undefined && body.status !== undefined)) return parseStatus(body, req.receivedAt);
      // Weight disputes are settled in the iCarry panel; the raw body stays in the inbox for ops.
      if (type === 'new_weight_discrepancy') return { ok: true, events: [], kind: 'weight_discrepancy' };
      if (type) return { ok: true, events: [], kind: `ignored:${type.slice(0, 40)}` };
      return { ok: false, error: 'no callback_type, status or ndr_data' };
    } catch (e) {
      return { ok: false, error: `unreadable body: ${e instanceof Error ? e.message : String(e)}` };
    }
  },
};

function parseStatus(body: Record<string, unknown>, receivedAt: number): WebhookParseResult {
  const awb = awbString(body.awb);
  const code = normaliseStatusCode(body.status);
  if (!awb) return { ok: false, error: 'status callback without an awb' };
  if (!code) return { ok: false, error: `status callback with a non-numeric status ${JSON.stringify(body.status)}` };
  // The callback has no timestamp of its own: it happened no later than it arrived.
  return { ok: true, events: [statusEvent(awb, code, new Date(receivedAt).toISOString())], kind: 'status' };
}

function parseNdrBatch(body: Record<string, unknown>, receivedAt: number): WebhookParseResult {
  const raw = body.ndr_data;
  const entries = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : undefined;
  if (!entries) return { ok: false, error: 'ndr_status callback without an ndr_data list' };
  const events: TrackingEvent[] = [];
  for (const entry of entries) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    const awb = awbString(e.awb);
    const type = typeof e.type === 'string' ? e.type.trim().toUpperCase() : '';
    // An entry without an AWB cannot be matched to a shipment; the rest of the batch still counts.
    if (!awb || !type) continue;
    const dated = ndrDay(e.date_added, receivedAt);
    events.push(dated ? ndrEvent(awb, type, dated.day, dated.at) : ndrEvent(awb, type, `undated-${String(e.date_added ?? '').trim().slice(0, 20)}`, new Date(receivedAt).toISOString()));
  }
  if (events.length === 0 && entries.length > 0) return { ok: false, error: 'no ndr_data entry had both an awb and a type' };
  return { ok: true, events, kind: 'ndr_batch' };
}

/** "23/01/2025" → the IST day and its start; undefined for anything that is not a real DD/MM/YYYY date. */
/**
 * An NDR entry carries only its day. It is stamped at the END of that IST day, but never later than the
 * batch's arrival: stamped at midnight it would sort before the same day's out-for-delivery scan and the
 * failed attempt would never show as the status; stamped on arrival, yesterday's entry re-sent today would
 * sort after today's scans. (Re-sends keep their first stamp anyway: the key is type + day.)
 */
function ndrDay(value: unknown, receivedAt: number): { day: string; at: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
  const startOfDay = m ? parseCourierTime(value) : undefined;
  if (!m || !startOfDay) return undefined;
  const endOfDay = Date.parse(startOfDay) + 86_400_000 - 1_000;
  return { day: `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`, at: new Date(Math.min(endOfDay, receivedAt)).toISOString() };
}

/** JSON or form, whatever the content type claims: iCarry does not say which it sends. */
function decodeBody(req: WebhookRequest): Record<string, unknown> | undefined {
  const text = req.rawBody.toString('utf8').replace(/^\uFEFF/, '').trim();
  if (text === '') return undefined;
  if (text.startsWith('{')) {
    const parsed: unknown = JSON.parse(quoteLongAwbs(text));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  }
  if (text.startsWith('[')) return undefined;
  const form = decodeForm(text);
  return Object.keys(form).length > 0 ? form : undefined;
}

/** The body's `token` (undefined when it has none); read from the raw text when the body is truncated or broken. */
function bodyToken(req: WebhookRequest): unknown {
  let body: Record<string, unknown> | undefined;
  try {
    body = decodeBody(req);
  } catch {
    body = undefined;
  }
  if (body) return body.token;
  const text = req.rawBody.toString('utf8');
  const json = /"token"\s*:\s*"([^"\\]*)"/.exec(text);
  if (json) return json[1];
  const form = /(?:^|&)token=([^&]*)/.exec(text.trim());
  if (!form) return undefined;
  try {
    return decodeURIComponent(form[1]!.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function queryToken(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get('token') ?? undefined;
}
