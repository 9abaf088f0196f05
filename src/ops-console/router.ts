// The ops console, a server-rendered app mounted at /ops: sign-in with an admin token, then shipments
// (live), the NDR queue, stuck shipments, courier settings and sync analytics. See docs/ops-console.md.
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { serveAsset } from './assets';
import { mountAuth, mountLogout, requireSession } from './auth';
import type { OpsConsoleDeps } from './context';
import { html } from './html';
import { barePage } from './layout';
import { mountAnalytics } from './pages/analytics';
import { mountCouriers } from './pages/couriers';
import { mountNdr } from './pages/ndr';
import { mountShipment } from './pages/shipment';
import { mountShipments } from './pages/shipments';
import { mountStuck } from './pages/stuck';
import { mountStoreWebhooks } from './pages/store-webhooks';
import { SessionSigner } from './session';
import { ConsoleWeb } from './web';

/** No inline script or style, no framing, forms post only here, nothing loaded from elsewhere. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    // Pages hold live data and a CSRF token: never cached (assets override this).
    'Cache-Control': 'no-store',
  });
  next();
};

export function opsConsoleRouter(d: OpsConsoleDeps): Router {
  if (d.sessionSecret.length < 32) throw new Error('ops console: the session secret must be at least 32 characters (OPS_SESSION_SECRET)');
  const now = d.now ?? Date.now;
  const w = new ConsoleWeb(d, new SessionSigner(d.sessionSecret, d.adminTokens, (d.sessionHours ?? 12) * 3_600_000, now), now);
  const r = Router();
  r.use(securityHeaders);
  r.get('/assets/:name', serveAsset);
  r.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 200 }));
  mountAuth(r, w);
  r.use(requireSession(w));
  r.get('/', (_req, res) => w.redirect(res, `${w.base}/shipments`));
  mountLogout(r, w);
  mountShipments(r, w);
  mountShipment(r, w);
  mountNdr(r, w);
  mountStuck(r, w);
  mountCouriers(r, w);
  mountAnalytics(r, w);
  mountStoreWebhooks(r, w);
  r.use((_req, res) => w.problem(res, 404, 'Not found', 'There is no such page in the ops console.'));
  const errors: ErrorRequestHandler = (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // A body too large or unreadable: nothing was done.
      return w.render(res, status, barePage(w.base, 'Request refused', html`<p role="alert">The request could not be read.</p>`));
    }
    d.log.error({ err, method: req.method, path: req.path }, 'ops console request failed');
    w.render(res, 500, barePage(w.base, 'Something went wrong', html`<p role="alert">The console could not finish this request. Reload the page to see the current state before trying again.</p><p><a href="${w.base}/shipments">Back to shipments</a></p>`));
  };
  r.use(errors);
  return r;
}
