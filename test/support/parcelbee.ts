// ParcelBee: a fourth courier that exists only in tests. It is registered through the courier registry
// like any courier (src/couriers/registry.ts: registerCourier), with no file under src/ naming it, to
// prove that a courier is its own folder plus one registration. It has:
// - a small fake HTTP API (express, in-process): serviceability, booking (idempotent by order id), single
//   and bulk tracking, cancel; every call needs the `x-bee-key` API key;
// - a client for that API, built from the courier settings an admin stores (apiKey, fields.hubCode);
// - a webhook: JSON `{awb, code, at, where}` with the settings' webhookSecret in `x-bee-token`.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { z } from 'zod';
import { CourierError } from '../../src/couriers/common/errors';
import { headerValue, safeEqual } from '../../src/couriers/common/hmac';
import { defineCourier, type CourierDescriptor } from '../../src/couriers/descriptor';
import type { CourierClient, CourierDeps, ShipmentRef, TrackResult, TrackingEvent, WebhookParseResult, WebhookRequest } from '../../src/couriers/types';
import type { ShipmentStatus } from '../../src/domain/status';

export const PARCELBEE = 'parcelbee';

// ---------------------------------------------------------------------------------------------------
// The fake API

export interface BeeScan {
  code: string;
  at: string; // ISO-8601
  where: string;
}

export interface BeeApi {
  url: string;
  apiKey: string;
  bookings: Map<string, { awb: string; reference: string; hub: string; pincode: string }>;
  scans: Map<string, BeeScan[]>;
  cancelled: string[];
  /** Calls received, e.g. 'POST /shipments'. */
  calls: string[];
  scan(awb: string, s: BeeScan): void;
  close(): Promise<void>;
}

export async function startBeeApi(apiKey: string): Promise<BeeApi> {
  const bookings: BeeApi['bookings'] = new Map();
  const scans: BeeApi['scans'] = new Map();
  const cancelled: string[] = [];
  const calls: string[] = [];
  let seq = 0;
  const app = express();
  app.use(express.json());
  app.use((req, res, next) => {
    calls.push(`${req.method} ${req.path}`);
    if (req.header('x-bee-key') !== apiKey) return void res.status(401).json({ error: 'bad key' });
    next();
  });
  app.get('/serviceability', (req, res) => {
    const ok = !String(req.query.pincode).startsWith('9');
    res.json({ ok, cod: ok, prepaid: ok, days: 3 });
  });
  app.post('/shipments', (req, res) => {
    const body = req.body as { reference: string; hub: string; pincode: string };
    const existing = [...bookings.values()].find((b) => b.reference === body.reference);
    if (existing) return void res.json({ awb: existing.awb, existing: true });
    const awb = `BEE${String(++seq).padStart(7, '0')}`;
    bookings.set(awb, { awb, reference: body.reference, hub: body.hub, pincode: body.pincode });
    scans.set(awb, []);
    res.status(201).json({ awb, existing: false });
  });
  const tracked = (awb: string) => ({ awb, scans: scans.get(awb) ?? [] });
  app.get('/shipments/:awb', (req, res) => (bookings.has(req.params.awb) ? res.json(tracked(req.params.awb)) : res.status(404).json({ error: 'unknown awb' })));
  app.post('/track', (req, res) => res.json({ results: (req.body as { awbs: string[] }).awbs.filter((a) => bookings.has(a)).map(tracked) }));
  app.post('/shipments/:awb/cancel', (req, res) => {
    cancelled.push(req.params.awb);
    res.json({ cancelled: true });
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    bookings,
    scans,
    cancelled,
    calls,
    scan: (awb, s) => scans.set(awb, [...(scans.get(awb) ?? []), s]),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

// ---------------------------------------------------------------------------------------------------
// The courier: status table, mapping, client, webhook, descriptor

const STATUS: Record<string, ShipmentStatus> = {
  BOOKED: 'booked',
  PICKED: 'picked_up',
  MOVING: 'in_transit',
  OFD: 'out_for_delivery',
  DONE: 'delivered',
  BACK: 'rto_delivered',
};

export function beeEvent(awb: string, s: BeeScan): TrackingEvent {
  const status = STATUS[s.code];
  const occurredAt = new Date(s.at).toISOString();
  return {
    key: `${PARCELBEE}:${awb}:${s.code}:${occurredAt.slice(0, 19)}`,
    courier: PARCELBEE,
    awb,
    status: status ?? null,
    rawCode: s.code,
    rawLabel: s.code,
    description: `ParcelBee ${s.code}`,
    location: s.where,
    occurredAt,
    ...(status ? {} : { unmapped: true }),
  };
}

const trackResult = (t: { awb: string; scans: BeeScan[] }): TrackResult => {
  if (t.scans.length === 0) return { kind: 'not_yet', awb: t.awb };
  const events = t.scans.map((s) => beeEvent(t.awb, s)).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  return { kind: 'tracked', awb: t.awb, status: events.at(-1)!.status, events };
};

function createBeeClient(cfg: { baseUrl: string; apiKey: string; hubCode: string }, deps: CourierDeps): CourierClient {
  const call = async <T>(operation: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const started = deps.now();
    let res: Response;
    try {
      res = await fetch(`${cfg.baseUrl}${path}`, { method, headers: { 'x-bee-key': cfg.apiKey, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    } catch (e) {
      throw new CourierError(PARCELBEE, operation, 'transient', 'network', e instanceof Error ? e.message : String(e));
    }
    const outcome = res.ok ? 'ok' : res.status >= 500 ? 'transient' : 'permanent';
    deps.observe?.({ courier: PARCELBEE, operation, httpStatus: res.status, outcome, durationMs: deps.now() - started });
    if (res.status === 401) throw new CourierError(PARCELBEE, operation, 'permanent', 'auth_rejected', 'ParcelBee refused the API key', { httpStatus: 401 });
    if (res.status === 404) throw new CourierError(PARCELBEE, operation, 'permanent', 'not_found', `ParcelBee does not know ${path}`, { httpStatus: 404 });
    if (!res.ok) throw new CourierError(PARCELBEE, operation, outcome === 'transient' ? 'transient' : 'permanent', outcome === 'transient' ? 'server_error' : 'invalid_request', `HTTP ${res.status}`, { httpStatus: res.status });
    return (await res.json()) as T;
  };
  return {
    id: PARCELBEE,
    capabilities: parcelbeeCourier.supports,
    async checkServiceability(req) {
      const r = await call<{ ok: boolean; cod: boolean; prepaid: boolean; days: number }>('checkServiceability', 'GET', `/serviceability?pincode=${req.deliveryPincode}`);
      return { serviceable: r.ok, cod: r.cod, prepaid: r.prepaid, expectedDeliveryDays: r.days, ...(r.ok ? {} : { reason: `ParcelBee does not serve ${req.deliveryPincode}` }) };
    },
    async createShipment(req) {
      const r = await call<{ awb: string; existing: boolean }>('createShipment', 'POST', '/shipments', { reference: req.orderId, hub: cfg.hubCode, pincode: req.consignee.pincode });
      return { awb: r.awb, trackingUrl: `${cfg.baseUrl}/t/${r.awb}`, recovered: r.existing };
    },
    async track(ref: ShipmentRef) {
      return trackResult(await call<{ awb: string; scans: BeeScan[] }>('track', 'GET', `/shipments/${ref.awb}`));
    },
    async trackMany(refs: ShipmentRef[]) {
      const r = await call<{ results: Array<{ awb: string; scans: BeeScan[] }> }>('trackMany', 'POST', '/track', { awbs: refs.map((x) => x.awb) });
      return Object.fromEntries(r.results.map((t) => [t.awb, trackResult(t)]));
    },
    async cancel(ref: ShipmentRef) {
      return call<{ cancelled: boolean }>('cancel', 'POST', `/shipments/${ref.awb}/cancel`);
    },
    async ndrAction() {
      throw new CourierError(PARCELBEE, 'ndrAction', 'permanent', 'unsupported', 'ParcelBee has no NDR API');
    },
  };
}

const webhookBody = z.object({ awb: z.string().min(1), code: z.string().min(1), at: z.iso.datetime({ offset: true }), where: z.string().default('') });

export const BEE_TOKEN_HEADER = 'x-bee-token';

const parcelbeeWebhook = {
  authenticate(req: WebhookRequest, auth: { secret?: string }): boolean {
    const presented = headerValue(req.headers, BEE_TOKEN_HEADER);
    return !!auth.secret && presented !== undefined && safeEqual(presented, auth.secret);
  },
  parse(req: WebhookRequest): WebhookParseResult {
    let json: unknown;
    try {
      json = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      return { ok: false, error: 'not JSON' };
    }
    const b = webhookBody.safeParse(json);
    if (!b.success) return { ok: false, error: 'not a ParcelBee scan' };
    return { ok: true, kind: 'scan', events: [beeEvent(b.data.awb, b.data)] };
  },
};

export const parcelbeeCourier: CourierDescriptor<'parcelbee'> = defineCourier({
  id: 'parcelbee',
  displayName: 'ParcelBee',
  supports: { ndrActions: false, cancel: true, bulkTrackLimit: 20, serviceability: true },
  settings: {
    fields: z.object({ hubCode: z.string().regex(/^[A-Z]{3}\d{2}$/, 'a hub code like BLR01').optional() }).strict(),
    required: ['hubCode'],
    fieldLabels: { hubCode: 'Hub code' },
    secretLabels: { apiKey: 'API key', apiSecret: 'API secret (unused by ParcelBee)', webhookSecret: 'Webhook token' },
  },
  createClient: (s, { deps }) => {
    if (!s.baseUrl || !s.apiKey || !s.fields.hubCode) throw new Error('baseUrl, apiKey and fields.hubCode are required');
    return createBeeClient({ baseUrl: s.baseUrl, apiKey: s.apiKey, hubCode: s.fields.hubCode }, deps);
  },
  webhook: {
    receiver: parcelbeeWebhook,
    routes: [],
    auth: (s) => ({ scheme: 'courier', secret: s.webhookSecret }),
    secretName: 'webhookSecret',
    setupUrls: (base) => [{ purpose: 'scans', url: `${base}/api/webhooks/courier/parcelbee` }],
    setupAuth: (s) => ({ scheme: 'header', header: BEE_TOKEN_HEADER, value: 'the webhookSecret stored in Waybill', configured: !!s?.webhookSecret }),
    instructions: 'ParcelBee console → Webhooks: paste the URL and the token.',
  },
});
