// Signing in and out, the session gate in front of every page, and the CSRF check on every POST.
// Sign-in takes an admin token (ADMIN_API_TOKENS) once and leaves a signed session cookie, so the token
// never sits in the browser's storage or in a URL.
import type { NextFunction, Request, Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { html } from './html';
import { barePage } from './layout';
import { csrfMatches, readCookies } from './session';
import { COOKIES, type ConsoleWeb } from './web';

const LOGIN_NONCE_MS = 60 * 60_000;

function loginPage(w: ConsoleWeb, nonce: string, next: string, error?: string): string {
  return barePage(
    w.base,
    'Sign in to Waybill ops',
    html`${error ? html`<div class="flash flash-error" role="alert" id="login-error">${error}</div>` : ''}
<form method="post" action="${w.base}/login" class="card">
  <input type="hidden" name="nonce" value="${nonce}">
  <input type="hidden" name="next" value="${next}">
  <div class="settings-form"><div class="row">
    <label for="token">Admin token</label>
    <input id="token" name="token" type="password" autocomplete="current-password" required maxlength="500"${error ? html` aria-invalid="true" aria-describedby="login-error"` : ''}>
    <span class="hint">One of the API's admin tokens (ADMIN_API_TOKENS). It is checked once; the console then keeps a signed session cookie.</span>
  </div></div>
  <button type="submit">Sign in</button>
</form>`,
  );
}

export function mountAuth(r: Router, w: ConsoleWeb): void {
  const sessionMs = (w.d.sessionHours ?? 12) * 3_600_000;

  const showLogin = (req: Request, res: Response, status: number, error?: string) => {
    const { nonce, cookie } = w.signer.loginNonce();
    w.setCookie(req, res, COOKIES.login, cookie, LOGIN_NONCE_MS);
    const next = w.safeReturn(req.method === 'GET' ? req.query.next : (req.body as Record<string, unknown> | undefined)?.next, `${w.base}/shipments`);
    w.render(res, status, loginPage(w, nonce, next, error));
  };

  r.get('/login', (req, res) => {
    if (w.signer.read(readCookies(req.headers.cookie).get(COOKIES.session))) return w.redirect(res, w.safeReturn(req.query.next, `${w.base}/shipments`));
    showLogin(req, res, 200);
  });

  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: w.d.loginAttemptsPer15Min ?? 20,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => w.render(res, 429, barePage(w.base, 'Too many attempts', html`<p role="alert">Too many failed sign-ins from this address. Wait 15 minutes and try again.</p>`)),
  });

  r.post('/login', limiter, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const cookies = readCookies(req.headers.cookie);
    if (!w.signer.checkLoginNonce(cookies.get(COOKIES.login), body.nonce)) {
      return showLogin(req, res, 403, 'This sign-in form has expired or did not come from this console. Try again.');
    }
    const issued = typeof body.token === 'string' && body.token.length <= 500 ? w.signer.issue(body.token.trim()) : null;
    if (!issued) {
      w.d.log.info({ ip: req.ip }, 'ops console: sign-in refused');
      return showLogin(req, res, 401, 'That token is not valid.');
    }
    w.clearCookie(req, res, COOKIES.login);
    w.setCookie(req, res, COOKIES.session, issued.cookie, sessionMs);
    w.d.log.info({ actor: issued.session.actor }, 'ops console: signed in');
    w.redirect(res, w.safeReturn(body.next, `${w.base}/shipments`));
  });
}

/** Every route after this needs a session; every POST after this needs the session's CSRF token. */
export function requireSession(w: ConsoleWeb) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const cookies = readCookies(req.headers.cookie);
    const session = w.signer.read(cookies.get(COOKIES.session));
    if (!session) {
      if (req.get('X-Requested-With') === 'fetch') {
        res.status(401).type('text').send('signed out');
        return;
      }
      // A POST without a session does nothing; the user signs in and comes back to the page.
      return w.redirect(res, req.method === 'GET' ? `${w.base}/login?next=${encodeURIComponent(req.originalUrl)}` : `${w.base}/login`);
    }
    res.locals.session = session;
    if (req.method === 'POST') {
      if (!csrfMatches(session, (req.body as Record<string, unknown> | undefined)?._csrf)) {
        w.d.log.warn({ actor: session.actor, path: req.path }, 'ops console: POST without a valid CSRF token refused');
        return w.problem(res, 403, 'Form expired', 'This form has expired or did not come from this console. Reload the page and try again.');
      }
    } else if (req.get('X-Requested-With') !== 'fetch') {
      const flash = w.takeFlash(req, res, cookies.get(COOKIES.flash));
      if (flash) res.locals.flash = flash;
    }
    next();
  };
}

export function mountLogout(r: Router, w: ConsoleWeb): void {
  r.post('/logout', (req, res) => {
    w.clearCookie(req, res, COOKIES.session);
    w.redirect(res, `${w.base}/login`);
  });
}
