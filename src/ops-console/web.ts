// Request plumbing shared by the console's pages: cookies, the page context, flash messages, safe
// redirects back, and the error pages.
import type { Request, Response } from 'express';
import type { Flash, OpsConsoleDeps, PageContext } from './context';
import { html } from './html';
import { page } from './layout';
import type { Session, SessionSigner } from './session';

export const COOKIES = { session: 'ops_session', login: 'ops_login', flash: 'ops_flash' } as const;

export class ConsoleWeb {
  readonly base: string;

  constructor(
    readonly d: OpsConsoleDeps,
    readonly signer: SessionSigner,
    readonly now: () => number,
  ) {
    this.base = (d.basePath ?? '/ops').replace(/\/+$/, '');
  }

  /** HttpOnly, SameSite=Strict, scoped to the console; Secure over HTTPS (or when configured). */
  setCookie(req: Request, res: Response, name: string, value: string, maxAgeMs: number): void {
    res.cookie(name, value, { httpOnly: true, sameSite: 'strict', secure: this.d.secureCookies === true || req.secure, path: this.base, maxAge: maxAgeMs });
  }

  clearCookie(req: Request, res: Response, name: string): void {
    res.clearCookie(name, { httpOnly: true, sameSite: 'strict', secure: this.d.secureCookies === true || req.secure, path: this.base });
  }

  session(res: Response): Session {
    return res.locals.session as Session;
  }

  ctx(res: Response): PageContext {
    return {
      base: this.base,
      session: this.session(res),
      ...(res.locals.flash ? { flash: res.locals.flash as Flash } : {}),
      timeZone: this.d.timeZone,
      temporal: this.d.temporal,
      now: this.now(),
    };
  }

  flash(req: Request, res: Response, f: Flash): void {
    this.setCookie(req, res, COOKIES.flash, this.signer.seal(JSON.stringify(f)), 60_000);
  }

  /** The flash left by the previous POST, read once. */
  takeFlash(req: Request, res: Response, cookie: string | undefined): Flash | undefined {
    if (!cookie) return undefined;
    this.clearCookie(req, res, COOKIES.flash);
    const raw = this.signer.unseal(cookie);
    if (!raw) return undefined;
    try {
      const f = JSON.parse(raw) as Flash;
      return (f.kind === 'ok' || f.kind === 'error') && typeof f.text === 'string' ? f : undefined;
    } catch {
      return undefined;
    }
  }

  /** A console path to return to after a POST: only this console's own pages (no open redirect). */
  safeReturn(value: unknown, fallback: string): string {
    if (typeof value !== 'string' || value.length > 1000) return fallback;
    const ok = (value === this.base || value.startsWith(`${this.base}/`) || value.startsWith(`${this.base}?`)) && !/[\\\s]|\/\//.test(value);
    return ok ? value : fallback;
  }

  redirect(res: Response, to: string): void {
    res.redirect(303, to);
  }

  render(res: Response, status: number, body: string): void {
    res.status(status).type('html').send(body);
  }

  /** An error page inside the console's shell (the user is signed in). */
  problem(res: Response, status: number, title: string, message: string): void {
    this.render(res, status, page(this.ctx(res), { title, body: html`<div class="card" role="alert"><p>${message}</p><p><a href="${this.base}/shipments">Back to shipments</a></p></div>` }));
  }
}
