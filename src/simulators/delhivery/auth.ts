// `Authorization: Token <api_token>`; a few GET endpoints also take `?token=`.
import type { NextFunction, Request, Response } from 'express';

export interface SimAuth {
  token: string;
  otherEnvToken: string;
}

export function presentedToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const m = header ? /^Token\s+(\S+)\s*$/i.exec(header) : null;
  if (m) return m[1];
  const q = req.query.token;
  return req.method === 'GET' && typeof q === 'string' && q ? q : undefined;
}

/**
 * 401 for a missing or unknown token. A token of the other environment passes when `allowOtherEnv`
 * (create answers it with Delhivery's end_date error) and is flagged in res.locals.otherEnv.
 */
export function requireToken(auth: SimAuth, allowOtherEnv = false) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = presentedToken(req);
    if (!token) {
      res.status(401).json({ detail: 'Authentication credentials were not provided.' });
      return;
    }
    if (token === auth.token) return next();
    if (token === auth.otherEnvToken && allowOtherEnv) {
      res.locals.otherEnv = true;
      return next();
    }
    res.status(401).json({ detail: 'Invalid token.' });
  };
}
