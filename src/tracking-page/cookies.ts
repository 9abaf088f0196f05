// The one cookie the page sets, read and written by hand (one name, one shape: no parser dependency).
import type { Request, Response } from 'express';
import { COOKIE_DAYS } from './signing';

export const ACCESS_COOKIE = 'wb_track';

/** Every value of the access cookie the browser sent (several orders' cookies can share a name by path). */
export function accessCookies(req: Request): string[] {
  const header = req.headers.cookie;
  if (!header) return [];
  return header
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p.startsWith(`${ACCESS_COOKIE}=`))
    .map((p) => p.slice(ACCESS_COOKIE.length + 1))
    .slice(0, 4);
}

/** Scoped to one order's pages by Path, so it opens that order and nothing else. */
export function setAccessCookie(res: Response, path: string, value: string, secure: boolean): void {
  const attrs = [`${ACCESS_COOKIE}=${value}`, `Path=${path}`, `Max-Age=${COOKIE_DAYS * 86_400}`, 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])];
  res.append('Set-Cookie', attrs.join('; '));
}
