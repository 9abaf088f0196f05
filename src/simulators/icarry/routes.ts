// iCarry's API endpoints. Every path is `/api_<name>&api_token=<token>`: with no "?", the token is part
// of the path, so routing reads the path itself. (`?api_token=` works too: OpenCart's URL rewrite turns
// both into the same query, and the store's current code sends that form.)
import type { Request, RequestHandler, Response } from 'express';
import type { ScenarioEngine, ScenarioName, SimClock } from '../scenario';
import { validateBooking } from './booking';
import { BOOKED, CODE_NAMES } from './codes';
import type { IcarryQuirks } from './defaults';
import { arr, type PhpArray, phpPost, str } from './php-form';
import type { IcarryStore } from './store';
import { istDateTime, PHP_NOTICE, pincodeText, syncView, trackView } from './views';

export interface IcarryApiContext {
  store: IcarryStore;
  engine: ScenarioEngine;
  clock: SimClock;
  quirks: () => IcarryQuirks;
  username: string;
  apiKey: string;
  pickupAddressIds: readonly string[];
  tokenTtlMs: number;
  scenarioFor(clientOrderId: string): ScenarioName;
}

type Reply = { status?: number; json?: unknown; text?: string; html?: string };

// OpenCart 3's stock api/login and permission messages, which IC-PDF's login error matches word for word.
const NO_PERMISSION = { error: { warning: 'Warning: You do not have permission to access the API!' } };
const PICKUP_CENTRE = 'Bengaluru_Bomsndra_PC (Karnataka)';

export function icarryApi(ctx: IcarryApiContext): RequestHandler {
  return (req, res) => {
    const m = /^\/(api_[A-Za-z0-9_]+)(?:&(.*))?$/.exec(req.path);
    if (!m) return send(res, ctx, notFound());
    const endpoint = m[1]!;
    const token = new URLSearchParams(m[2] ?? '').get('api_token') ?? (typeof req.query.api_token === 'string' ? req.query.api_token : undefined);
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const post = req.method === 'POST' ? phpPost(req.get('content-type'), raw) : {};

    if (endpoint === 'api_login') return send(res, ctx, login(ctx, post, clientIp(req)));
    const handler = ENDPOINTS[endpoint];
    if (!handler) return send(res, ctx, DOCUMENTED_ELSEWHERE.has(endpoint) ? { json: { error: `${endpoint} is not simulated. ` } } : notFound());
    if (!ctx.store.tokenValid(token, ctx.clock.now(), ctx.tokenTtlMs)) return send(res, ctx, { json: NO_PERMISSION });
    return send(res, ctx, handler(ctx, post, endpoint, origin(req)));
  };
}

function login(ctx: IcarryApiContext, post: PhpArray, ip: string): Reply {
  if (str(post.username) !== ctx.username || str(post.key) !== ctx.apiKey) return { json: { error: { key: 'Warning: Incorrect API Key!' } } };
  const allowed = ctx.quirks().allowedIps;
  if (allowed && !allowed.includes(ip)) return { json: { error: { ip: `Warning: Your IP ${ip} is not allowed to access this API!` } } };
  return { json: { success: 'Success: API session successfully started!', api_token: ctx.store.issueToken(ctx.clock.now()) } };
}

type Handler = (ctx: IcarryApiContext, post: PhpArray, endpoint: string, origin: string) => Reply;

const ENDPOINTS: Record<string, Handler> = {
  api_add_shipment_surface: book,
  api_add_shipment_air: book,
  api_track_shipment: (ctx, post) => {
    const s = ctx.store.find(str(post.shipment_id));
    return s ? { json: trackView(s) } : { json: { error: 'Shipment id not found. ' } };
  },
  api_shipment_status_sync: (ctx, post) => {
    const list = arr(post.shipment_ids);
    const ids = list ? Object.values(list).filter((v): v is string => typeof v === 'string') : (str(post.shipment_ids)?.split(',') ?? []);
    if (ids.length === 0) return { json: { error: 'Shipment ids are mandatory. ' } };
    const found = ids.map((id) => ctx.store.find(id)).filter((s) => s !== undefined);
    return { json: { success: 'Shipment statuses synced successfully', msg: found.map(syncView) } };
  },
  api_cancel_shipment: cancel,
  api_check_pincode: (_ctx, post) => ({ text: pincodeText(str(post.pincode)?.trim() ?? '') }),
};

/** Documented by IC-PDF but outside what Waybill uses; answered in iCarry's error form. */
const DOCUMENTED_ELSEWHERE = new Set([
  'api_get_estimate',
  'api_get_estimate_b2b',
  'api_get_estimate_international',
  'api_add_multibox_shipment',
  'api_add_shipment_international',
  'api_add_reverse_shipment',
  'api_shipment_billing_sync',
  'api_print_shipment_label',
  'api_add_pickup_address',
  'api_edit_pickup_address',
  'api_delete_pickup_address',
]);

function book(ctx: IcarryApiContext, post: PhpArray, endpoint: string, base: string): Reply {
  const valid = validateBooking(post, ctx.pickupAddressIds);
  if (!valid.ok) return { json: { error: valid.error } };
  const now = ctx.clock.now();
  const air = endpoint === 'api_add_shipment_air';
  // iCarry takes a second booking for the same client_order_id without complaint: nothing documents a
  // uniqueness check, and the simulator must not hide the double-booking risk the client guards against.
  const s = ctx.store.add({
    clientOrderId: valid.value.clientOrderId,
    mode: air ? 'E' : 'S',
    courierId: air ? 12 : 7,
    courierName: air ? 'Delhivery Air' : 'Delhivery Surface',
    bookedAt: now,
    code: BOOKED.code,
    text: BOOKED.text,
    location: PICKUP_CENTRE,
    details: [{ at: now, location: PICKUP_CENTRE, notes: BOOKED.notes }],
    request: post,
  });
  ctx.engine.add(String(s.awb), s.clientOrderId || `icarry-${s.shipmentId}`, ctx.scenarioFor(s.clientOrderId));
  const pickupId = 13_784_202 + s.shipmentId;
  return {
    json: {
      error: '',
      success: `Success: You have added a new shipment with id ${s.shipmentId}. | Successfully created Pickup Id ${pickupId} | Shipments Expected : 1 | Pick up scheduled for : ${istDateTime(now + 2 * 3_600_000)} | Pickup center : Bengaluru_Bomsndra_PC`,
      shipment_id: s.shipmentId,
      pickup_id: pickupId,
      courier_id: s.courierId,
      courier_name: s.courierName,
      awb: s.awb,
      cost_estimate: air ? 78.5 : 41.3,
      // Sic: IC-PDF's sample URL has this space.
      tracking_url: `${base}/track- shipment?shipment_id=${s.shipmentId}&awb=${s.awb}&courier_id=${s.courierId}`,
    },
  };
}

function cancel(ctx: IcarryApiContext, post: PhpArray): Reply {
  const s = ctx.store.find(str(post.shipment_id));
  const sim = s && ctx.engine.get(String(s.awb));
  if (!s || !sim) return { json: { error: 'Shipment id not found. ' } };
  if (sim.cancelled) return { json: { error: 'Shipment is already cancelled. ' } };
  const outcome = ctx.engine.cancel(String(s.awb));
  if (outcome === 'too_late') return { json: { error: `Shipment cannot be cancelled as it is ${CODE_NAMES[s.code] ?? 'closed'}. ` } };
  // Before pickup the underlying courier is never told: its tracking still reads "Manifested", and only
  // this note (and status code 7, once processed) shows the cancellation.
  s.details.push({ at: ctx.clock.now(), location: s.location, notes: outcome === 'cancelled' ? 'Seller cancelled the order' : 'Return to origin requested by seller' });
  return { json: { success: `Cancelled iCarry Shipment Id ${s.shipmentId}`, shipment_id: String(s.shipmentId) } };
}

function send(res: Response, ctx: IcarryApiContext, reply: Reply): void {
  if (reply.html !== undefined) {
    res.status(reply.status ?? 200).type('html').send(reply.html);
    return;
  }
  const text = reply.text ?? JSON.stringify(reply.json);
  res
    .status(reply.status ?? 200)
    .type('application/json')
    .send((ctx.quirks().phpNotice ? PHP_NOTICE : '') + text);
}

function notFound(): Reply {
  return { status: 404, html: '<!DOCTYPE html><html><head><title>The page you requested cannot be found!</title></head><body><h1>The page you requested cannot be found!</h1></body></html>' };
}

function clientIp(req: Request): string {
  return (req.ip ?? req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

function origin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'www.icarry.in'}`;
}
