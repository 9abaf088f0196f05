// Delhivery's scan push. Delhivery signs nothing: the merchant names a static header and value when it
// asks Delhivery (by email) to set the webhook up, and Delhivery sends that header on every push.
import type { TrackingEvent } from '../../domain/events';
import { HMAC_HEADER, safeEqual, verifyHmac } from '../common/hmac';
import { awbString, parseCourierTime } from '../common/units';
import type { CourierWebhook, WebhookAuthConfig, WebhookParseResult, WebhookRequest } from '../types';
import { mapTrackedShipment, scanEvent, statusScan } from './tracking-mapper';
import { shipmentSchema, type DlvShipment } from './wire';

export const DEFAULT_WEBHOOK_HEADER = 'authorization';

/**
 * The configured value may be sent as is, or behind a "Bearer " / "Token " scheme (Delhivery's own
 * requirement form shows `Authorization: Bearer <x>`): all three forms are accepted. Both comparisons
 * always run, in constant time. No secret configured → rejected: an unauthenticated endpoint would take
 * status updates from anyone.
 */
function staticHeaderMatches(req: WebhookRequest, auth: WebhookAuthConfig): boolean {
  const secret = auth.secret;
  if (!secret) return false;
  const value = header(req.headers, auth.headerName?.trim() || DEFAULT_WEBHOOK_HEADER);
  if (value === undefined) return false;
  const raw = value.trim();
  const schemed = /^(?:bearer|token)\s+(.+)$/i.exec(raw)?.[1];
  const rawOk = safeEqual(raw, secret);
  const schemedOk = safeEqual(schemed ?? '', secret);
  return rawOk || schemedOk;
}

/** Case-insensitive: Node lower-cases header names, hand-built requests may not. */
function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return Array.isArray(v) ? v[0] : v;
  return undefined;
}

function authenticate(req: WebhookRequest, auth: WebhookAuthConfig): boolean {
  try {
    if (auth.scheme === 'hmac-sha256') {
      return verifyHmac(auth.secret, header(req.headers, HMAC_HEADER), req.rawBody, req.receivedAt, auth.toleranceSeconds);
    }
    return staticHeaderMatches(req, auth);
  } catch {
    return false;
  }
}

/**
 * The documented push is one `{"Shipment": {...}}`; a bare array of those or a tracking-API style
 * `{"ShipmentData": [...]}` batch are accepted too, since the payload is customised per client.
 */
function shipmentsOf(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body.map((x) => (x && typeof x === 'object' && 'Shipment' in x ? (x as { Shipment: unknown }).Shipment : x));
  if (!body || typeof body !== 'object') return undefined;
  const o = body as Record<string, unknown>;
  if (Array.isArray(o.ShipmentData)) return shipmentsOf(o.ShipmentData);
  if (o.Shipment !== undefined) return [o.Shipment];
  return undefined;
}

/**
 * One pushed Shipment → events. A push carrying a Scans list (tracking-API shape) is read like a tracking
 * response; the usual push carries just the current Status, with its NSL code at Shipment level. A push
 * without a parsable time is stamped with the receive time (never dropped); its key then cannot match the
 * tracking API's copy, which the workflow absorbs as a peer update.
 */
function eventsOf(shipment: DlvShipment, receivedAtIso: string): TrackingEvent[] | string {
  const awb = awbString(shipment.AWB);
  if (!awb) return 'a Shipment without an AWB';
  if (shipment.Scans && shipment.Scans.some((s) => s.ScanDetail)) {
    return mapTrackedShipment(shipment)?.events ?? [];
  }
  const scan = statusScan(shipment);
  if (!scan.status?.trim() && !scan.statusType?.trim() && !scan.nsl?.trim()) return `no status for AWB ${awb}`;
  const mapped = scanEvent(awb, scan, { rtoStartedAt: parseCourierTime(shipment.RTOStartedDate), fallbackTime: receivedAtIso });
  return mapped ? [mapped.event] : `unreadable scan for AWB ${awb}`;
}

function parse(req: WebhookRequest): WebhookParseResult {
  try {
    let body: unknown;
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      return { ok: false, error: 'body is not JSON' };
    }
    const raw = shipmentsOf(body);
    if (!raw || raw.length === 0) return { ok: false, error: 'no Shipment in the body (expected {"Shipment": {...}})' };
    const receivedAtIso = new Date(req.receivedAt).toISOString();
    const events: TrackingEvent[] = [];
    for (const item of raw) {
      const parsed = shipmentSchema.safeParse(item);
      if (!parsed.success || typeof item !== 'object' || item === null) return { ok: false, error: 'a Shipment is not an object' };
      const out = eventsOf(parsed.data, receivedAtIso);
      if (typeof out === 'string') return { ok: false, error: out };
      events.push(...out);
    }
    return { ok: true, events, kind: 'scan' };
  } catch (e) {
    return { ok: false, error: `unparsable push: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export const delhiveryWebhook: CourierWebhook = { authenticate, parse };
