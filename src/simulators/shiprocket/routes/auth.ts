// POST /auth/login and the bearer check in front of everything else (couriers.md §1.1).
import type { NextFunction, Request, Response, Router } from 'express';
import { bodyOf, type SimContext } from '../context';

export function mountAuth(r: Router, ctx: SimContext): void {
  r.post('/auth/login', (req, res) => {
    const { email, password } = bodyOf(req);
    if (typeof email !== 'string' || typeof password !== 'string' || email === '' || password === '') {
      res.status(422).json({
        message: 'Required field missing',
        errors: { ...(email ? {} : { email: ['The email field is required.'] }), ...(password ? {} : { password: ['The password field is required.'] }) },
        status_code: 422,
      });
      return;
    }
    if (email !== ctx.credentials.email || password !== ctx.credentials.password) {
      // The real wording for bad credentials is unpublished; the status and envelope are Shiprocket's.
      res.status(400).json({ message: 'Invalid email and password combination', status_code: 400 });
      return;
    }
    const now = ctx.clock.now();
    res.json({
      id: 1_000_001,
      first_name: 'API',
      last_name: 'User',
      email,
      company_id: 25_149,
      created_at: new Date(now).toISOString().slice(0, 19).replace('T', ' '),
      token: ctx.store.issueToken(),
    });
  });
}

/** 401 for missing, unknown and expired tokens, as the real API does once the 10 days are over. */
export function requireToken(ctx: SimContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '');
    const state = m ? ctx.store.tokenState(m[1]!) : 'unknown';
    if (state === 'valid') return next();
    res.status(401).json({ message: state === 'expired' ? 'Token has expired' : 'Unauthenticated.', status_code: 401 });
  };
}
