// GET /order-tracking/:orderId and its companions: the customer's tracking page, its live stream, the
// "confirm your phone or email" way in, and the answer to a failed delivery. Everything here answers in
// HTML (never the API's JSON errors), and nothing says whether an order exists before access is proven.
import { createHash } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { ShipmentGatewayError, type ShipmentGateway } from '../shipments/gateway';
import { isTerminal } from '../domain/status';
import { contactMatches } from './contact';
import { accessCookies, setAccessCookie } from './cookies';
import { DEFAULT_LIVE, LiveHub, type LiveOptions } from './live';
import type { PageModel } from './model';
import { parseNdrForm } from './ndr-form';
import type { TrackingPageSettings } from './settings';
import { TrackingSigner, type Access } from './signing';
import { TrackingSource, type TrackingStore } from './source';
import { createLayout } from './views/layout';
import { accessMain, messageMain, type AccessProblem } from './views/pages';
import { FLASHES, headlineOf, renderSections, trackingMain, wantsRefresh, type Flash, type FormError, type Sections, type ViewContext } from './views/tracking';

export const TRACKING_PATH = '/order-tracking';
/** The store's order ids (as the API accepts them): anything else cannot be an order. */
const ORDER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/;

export interface VerifyLimits {
  /** Failed confirmations per client address per window. */
  perIp: number;
  /** Failed confirmations per order per window (guessing one order's contact from many addresses). */
  perOrder: number;
  windowMs: number;
}

export interface TrackingPageDeps {
  settings: TrackingPageSettings;
  gateway: Pick<ShipmentGateway, 'tracking' | 'resolveNdr'>;
  store: TrackingStore;
  log: Logger;
  now?: () => number;
  /** How long a page waits for the workflow before showing the stored copy (default 3 s). */
  queryTimeoutMs?: number;
  verifyLimits?: Partial<VerifyLimits>;
  /** Overrides of settings.live and the per-order cap and connection lifetime. */
  live?: Partial<LiveOptions>;
}

export interface TrackingPage {
  /** Mount at the app's root: it serves /order-tracking/… only. */
  router: Router;
  /** The signed link for the customer (ship route, notifications). */
  trackingLink(orderId: string): string;
  /** Ends open live streams (call before server.close()). */
  close(): void;
}

export function createTrackingPage(d: TrackingPageDeps): TrackingPage {
  const s = d.settings;
  const now = d.now ?? Date.now;
  const signer = new TrackingSigner(s.keys);
  const source = new TrackingSource(d.gateway, d.store, { queryTimeoutMs: d.queryTimeoutMs ?? 3_000, log: d.log });
  const layout = createLayout(s.branding);
  const liveOptions: LiveOptions = { ...DEFAULT_LIVE, pollMs: s.live.pollMs, maxConnections: s.live.maxConnections, ...d.live };
  const hub = new LiveHub((id) => source.load(id), liveOptions);
  const secureCookies = s.publicBaseUrl.startsWith('https:');
  const limits: VerifyLimits = { perIp: 10, perOrder: 5, windowMs: 15 * 60_000, ...d.verifyLimits };

  const pathOf = (orderId: string) => `${TRACKING_PATH}/${orderId}`;
  const queryOf = (a: Access) => (a.via === 'link' ? `?t=${encodeURIComponent(a.credential)}` : '');
  const withParam = (url: string, kv: string) => `${url}${url.includes('?') ? '&' : '?'}${kv}`;

  function authorize(req: Request, orderId: string): { ok: true; access: Access } | { ok: false; problem?: AccessProblem } {
    const t = now();
    let problem: AccessProblem | undefined;
    if (req.query.t !== undefined) {
      const v = signer.verifyLink(orderId, req.query.t, t);
      if (v.ok) return v;
      problem = v.reason === 'expired' ? 'expired' : 'invalid';
    }
    for (const c of accessCookies(req)) {
      const v = signer.verifyCookie(orderId, c, t);
      if (v.ok) return v;
    }
    return { ok: false, ...(problem ? { problem } : {}) };
  }

  function context(orderId: string, access: Access, formError?: FormError): ViewContext {
    return { timeZone: s.timeZone, nowMs: now(), path: pathOf(orderId), query: queryOf(access), csrf: signer.csrfToken(orderId, access), ...(formError ? { formError } : {}) };
  }

  function send(res: Response, status: number, title: string, body: Parameters<typeof layout.render>[0]['body'], extra: { script?: boolean; refreshSeconds?: number; version?: string } = {}) {
    layout.headers(res);
    res.status(status).type('html').send(layout.render({ title, body, script: extra.script ?? false, ...extra }));
  }

  const accessPage = (res: Response, orderId: string, status: number, problem?: AccessProblem) => send(res, status, `Track order ${orderId}`, accessMain(orderId, pathOf(orderId), problem));

  const unavailablePage = (res: Response, orderId: string, access?: Access) =>
    send(res, 503, 'Tracking unavailable', messageMain('Tracking is not available right now', 'Please try again in a few minutes.', access ? { href: pathOf(orderId) + queryOf(access), label: 'Try again' } : undefined));

  async function loadOr503(res: Response, orderId: string, access: Access): Promise<PageModel | null | undefined> {
    try {
      return await source.load(orderId);
    } catch (e) {
      d.log.warn({ err: e, orderId }, 'tracking page: no source answered');
      unavailablePage(res, orderId, access);
      return undefined;
    }
  }

  function showTracking(res: Response, orderId: string, access: Access, model: PageModel | null, o: { flash?: Flash; formError?: FormError; status?: number } = {}) {
    if (!model) {
      return send(res, 200, `Order ${orderId}`, messageMain(`Order ${orderId}`, 'Your order has not been handed to a courier yet. Tracking starts here as soon as it ships.', { href: pathOf(orderId) + queryOf(access), label: 'Refresh' }), { refreshSeconds: 300 });
    }
    const c = context(orderId, access, o.formError);
    const sections = renderSections(model, c);
    // The version is of the page as the live stream renders it (no form error): otherwise the stream would
    // see a difference at once and replace the form, with the customer's error and input, by a blank one.
    const version = versionOf(o.formError ? renderSections(model, context(orderId, access)) : sections);
    const live = liveOptions.maxConnections > 0 && !isTerminal(model.status);
    const eventsUrl = live ? withParam(`${c.path}/events${c.query}`, `v=${version}`) : undefined;
    send(res, o.status ?? 200, `Order ${orderId}`, trackingMain(model, sections, { ...c, ...(eventsUrl ? { eventsUrl } : {}), ...(o.flash ? { flash: o.flash } : {}) }), {
      script: true,
      version,
      ...(wantsRefresh(model) && !o.formError ? { refreshSeconds: 60 } : {}),
    });
  }

  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });
  const limited = (keyed?: (req: Request) => string, limit = limits.perIp) =>
    rateLimit({
      windowMs: limits.windowMs,
      limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // Only failed confirmations count: a customer who gets in is never slowed down.
      skipSuccessfulRequests: true,
      ...(keyed ? { keyGenerator: keyed } : {}),
      handler: (req, res) => accessPage(res, String(req.params.orderId), 429, 'limited'),
    });

  // Every route takes an order id; a malformed one is a plain 404, whatever the credentials.
  r.param('orderId', (req, res, next, id: string) => {
    if (ORDER_ID.test(id)) return next();
    send(res, 404, 'Not found', messageMain('Page not found', 'Check the link you opened.'));
  });

  r.get(`${TRACKING_PATH}/:orderId`, async (req, res) => {
    const orderId = req.params.orderId!;
    const auth = authorize(req, orderId);
    if (!auth.ok) return accessPage(res, orderId, auth.problem ? 403 : 200, auth.problem);
    const model = await loadOr503(res, orderId, auth.access);
    if (model === undefined) return;
    const flash = FLASHES.find((f) => f === req.query.r);
    showTracking(res, orderId, auth.access, model, flash ? { flash } : {});
  });

  r.post(
    `${TRACKING_PATH}/:orderId/verify`,
    limited(),
    limited((req) => `order:${String(req.params.orderId)}`, limits.perOrder),
    form,
    async (req: Request, res: Response) => {
      const orderId = String(req.params.orderId);
      let contact;
      try {
        contact = await d.store.contact(orderId);
      } catch (e) {
        d.log.warn({ err: e, orderId }, 'tracking page: order contact unreadable');
        return unavailablePage(res, orderId);
      }
      if (!contactMatches((req.body as Record<string, unknown> | undefined)?.contact, contact)) return accessPage(res, orderId, 403, 'mismatch');
      setAccessCookie(res, pathOf(orderId), signer.cookieValue(orderId, now()), secureCookies);
      layout.headers(res);
      res.redirect(303, pathOf(orderId));
    },
  );

  r.post(`${TRACKING_PATH}/:orderId/ndr`, form, async (req, res) => {
    const orderId = req.params.orderId!;
    const auth = authorize(req, orderId);
    if (!auth.ok) return accessPage(res, orderId, 403, auth.problem);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const back = pathOf(orderId) + queryOf(auth.access);
    if (!signer.verifyCsrf(orderId, auth.access, body.csrf)) {
      return send(res, 403, 'Please try again', messageMain('Please try again', 'This form could not be checked (it may have been open for too long).', { href: back, label: 'Open the tracking page again' }));
    }
    const model = await loadOr503(res, orderId, auth.access);
    if (model === undefined) return;
    const redirect = (flash: Flash) => {
      layout.headers(res);
      res.redirect(303, withParam(back, `r=${flash}`));
    };
    const ndr = model?.ndr;
    if (!model || !ndr?.open || ndr.resolution) return redirect('closed');
    const parsed = parseNdrForm(body, now(), s.timeZone);
    const action = typeof body.action === 'string' ? body.action : '';
    if (!parsed.ok) return showTracking(res, orderId, auth.access, model, { status: 422, formError: { action, field: parsed.field, message: parsed.message, values: parsed.values } });
    try {
      const result = await d.gateway.resolveNdr(orderId, { requestId: signer.ndrRequestId(orderId, ndr.key, parsed.action), action: parsed.action, by: 'customer' });
      if (result.accepted) return redirect(result.sentToCourier ? 'sent' : 'recorded');
      return redirect(result.message === 'no open NDR' ? 'closed' : 'failed');
    } catch (e) {
      if (!(e instanceof ShipmentGatewayError)) throw e;
      d.log.info({ orderId, kind: e.kind }, 'tracking page: NDR answer not taken');
      if (e.kind === 'unavailable') return redirect('unavailable');
      if (e.kind === 'invalid') {
        return showTracking(res, orderId, auth.access, model, { status: 422, formError: { action, field: 'action', message: 'Please check what you entered and try again.', values: Object.fromEntries(Object.entries(parsed.action).map(([k, v]) => [k, String(v)])) } });
      }
      return redirect('closed');
    }
  });

  r.get(`${TRACKING_PATH}/:orderId/events`, (req, res) => {
    const orderId = req.params.orderId!;
    layout.headers(res);
    const auth = authorize(req, orderId);
    if (!auth.ok) return void res.status(403).type('text').send('forbidden');
    // 204 tells EventSource to stop reconnecting: live updates are switched off.
    if (liveOptions.maxConnections === 0) return void res.status(204).end();
    const access = auth.access;
    let last = typeof req.query.v === 'string' ? req.query.v.slice(0, 32) : '';
    const opened = hub.stream(res, orderId, (reading, emit) => {
      if (!('model' in reading) || !reading.model) return 'continue';
      const model = reading.model;
      const sections = renderSections(model, context(orderId, access));
      const version = versionOf(sections);
      const final = isTerminal(model.status);
      if (version !== last || final) {
        last = version;
        emit('update', { version, sections, headline: headlineOf(model), final });
      }
      return final ? 'end' : 'continue';
    });
    if (!opened) return void res.status(503).set('Retry-After', '30').type('text').send('too many live connections; reload later');
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'X-Accel-Buffering': 'no', Connection: 'keep-alive' });
    res.flushHeaders();
    res.write('retry: 10000\n\n');
  });

  // Errors of these routes become an HTML page; the API's JSON error middleware never sees them.
  r.use(TRACKING_PATH, (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
    if (status >= 500) d.log.error({ err, path: req.path }, 'tracking page failed');
    send(res, status >= 400 && status < 500 ? 400 : 500, 'Something went wrong', messageMain('Something went wrong', 'Please go back and try again.'));
  });

  return {
    router: r,
    trackingLink: (orderId) => `${s.publicBaseUrl}${TRACKING_PATH}/${encodeURIComponent(orderId)}?t=${signer.linkToken(orderId, s.linkTtlDays, now())}`,
    close: () => hub.close(),
  };
}

/** Identifies what a page shows, so the live stream sends only real changes. */
function versionOf(sections: Sections): string {
  return createHash('sha256').update(JSON.stringify(sections)).digest('base64url').slice(0, 16);
}
