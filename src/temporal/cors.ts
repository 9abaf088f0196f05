// CORS for the codec server, small enough to read in one go (the `cors` package is not a dependency).
// The Temporal Web UI calls the codec server from the browser, with "include cross-origin credentials"
// when the UI is set up that way, and a credentialed request is only allowed with an exact origin echo:
// never `*`. A request from any other origin is refused outright, so a page on another site cannot use
// the browser's cookies to have payloads decrypted.
import type { RequestHandler } from 'express';

const ALLOW_HEADERS = 'Authorization, Content-Type, X-Namespace';
const ALLOW_METHODS = 'POST, OPTIONS';

/** `http://localhost:8233/` → `http://localhost:8233`; throws on anything that is not an http(s) origin. */
export function normaliseOrigin(o: string): string {
  if (o === '*') throw new Error('CODEC_CORS_ORIGINS: "*" cannot be used with credentials; list the Temporal UI origins');
  let url: URL;
  try {
    url = new URL(o);
  } catch {
    throw new Error(`CODEC_CORS_ORIGINS: "${o}" is not an origin like http://localhost:8233`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`CODEC_CORS_ORIGINS: "${o}" is not an http(s) origin`);
  return url.origin;
}

export function credentialedCors(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins.map(normaliseOrigin));
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.headers.origin;
    // No Origin: not a browser cross-origin call (CLI, curl, server-side); authentication still applies.
    if (origin === undefined) return next();
    if (!allowed.has(origin)) {
      res.status(403).json({ error: { code: 'forbidden', message: 'origin not allowed by CODEC_CORS_ORIGINS' } });
      return;
    }
    res.set('Access-Control-Allow-Origin', origin);
    res.set('Access-Control-Allow-Credentials', 'true');
    if (req.method === 'OPTIONS') {
      // Preflight: answered here, before authentication (browsers never send credentials on it).
      res.set('Access-Control-Allow-Methods', ALLOW_METHODS);
      res.set('Access-Control-Allow-Headers', ALLOW_HEADERS);
      res.set('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
