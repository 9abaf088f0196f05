// Shiprocket's tracking webhook (couriers.md §1.10): one POST per new scan, authenticated only by the
// optional "security token" echoed in `x-api-key`. No signature, no timestamp, no event id.
import type { CourierWebhook, WebhookAuthConfig, WebhookParseResult, WebhookRequest } from '../types';
import { HMAC_HEADER, headerValue, safeEqual, verifyHmac } from '../common/hmac';
import { awbString, keyTime, parseCourierTime } from '../common/units';
import { buildEvents, readScans } from './events';
import { normaliseCurrentStatus, toStatusId } from './status-map';
import { webhookPayload } from './wire';

export const SHIPROCKET_TOKEN_HEADER = 'x-api-key';

function authenticate(req: WebhookRequest, auth: WebhookAuthConfig): boolean {
  try {
    if (auth.scheme === 'hmac-sha256') {
      return verifyHmac(auth.secret, req.headers[HMAC_HEADER], req.rawBody, req.receivedAt, auth.toleranceSeconds);
    }
    // Shiprocket lets a merchant leave the token empty. Waybill does not: with no secret configured
    // every delivery is refused, because an open endpoint would let anyone move a shipment's status.
    if (!auth.secret) return false;
    const presented = headerValue(req.headers, SHIPROCKET_TOKEN_HEADER);
    if (!presented) return false;
    return safeEqual(presented, auth.secret);
  } catch {
    return false;
  }
}

function parse(req: WebhookRequest): WebhookParseResult {
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody.toString('utf8'));
  } catch (e) {
    return { ok: false, error: `malformed JSON in Shiprocket webhook: ${e instanceof Error ? e.message : String(e)}` };
  }
  const parsed = webhookPayload.safeParse(json);
  if (!parsed.success) {
    const missingAwb = typeof json !== 'object' || json === null || !('awb' in json);
    return { ok: false, error: missingAwb ? 'Shiprocket webhook has no awb' : 'Shiprocket webhook body has an unexpected shape' };
  }
  const p = parsed.data;
  const awb = awbString(p.awb);
  if (!awb) return { ok: false, error: 'Shiprocket webhook has an empty awb' };

  const scans = readScans(p.scans);
  // Both enums arrive; the shipment one decides and the order one is only a fallback (§1.8b).
  const current = normaliseCurrentStatus({
    shipmentStatusId: p.shipment_status_id,
    orderStatusId: p.current_status_id,
    label: p.shipment_status ?? p.current_status,
  });
  // current_timestamp is "DD MM YYYY HH:mm:ss" IST, unlike every other date in the payload. Without
  // it the newest scan dates the status (as in tracking), and arrival time only as a last resort,
  // since a key built on arrival time would not dedupe.
  const stamped = parseCourierTime(p.current_timestamp ?? undefined);
  const { events } = buildEvents(
    awb,
    scans,
    current && {
      normalised: current,
      shipmentStatusId: toStatusId(p.shipment_status_id),
      at: stamped ?? (scans.length > 0 ? undefined : new Date(req.receivedAt).toISOString()),
      text: p.shipment_status ?? p.current_status ?? '',
    },
  );
  if (events.length === 0) return { ok: false, error: `Shiprocket webhook for ${awb} has neither a status nor a readable scan` };
  const currentAt = stamped ?? events[events.length - 1]!.occurredAt;
  // No event id exists, so the delivery is identified the way the reference suggests deduping it:
  // awb + current status + current timestamp.
  const statusPart = toStatusId(p.shipment_status_id) ?? toStatusId(p.current_status_id) ?? 'NA';
  return { ok: true, events, kind: `shiprocket:${awb}:${statusPart}:${keyTime(currentAt)}` };
}

export const shiprocketWebhook: CourierWebhook = {
  authenticate,
  parse: (req) => {
    try {
      return parse(req);
    } catch (e) {
      return { ok: false, error: `Shiprocket webhook could not be read: ${e instanceof Error ? e.message : String(e)}` };
    }
  },
};
