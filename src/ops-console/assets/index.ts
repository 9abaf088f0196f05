// Static assets under content-hashed names, so they can be cached for a year and a deploy never serves a
// page with yesterday's script.
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { SCRIPT } from './script';
import { STYLES } from './styles';

interface Asset {
  name: string;
  type: string;
  body: string;
}

function hashed(base: string, ext: string, type: string, body: string): Asset {
  const h = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { name: `${base}.${h}.${ext}`, type, body };
}

const CSS = hashed('ops', 'css', 'text/css; charset=utf-8', STYLES);
const JS = hashed('ops', 'js', 'text/javascript; charset=utf-8', SCRIPT);
export const STYLESHEET_FILE = CSS.name;
export const SCRIPT_FILE = JS.name;

export const serveAsset: RequestHandler = (req, res, next) => {
  const a = [CSS, JS].find((x) => x.name === req.params.name);
  if (!a) return next();
  res.set('Cache-Control', 'public, max-age=31536000, immutable').type(a.type).send(a.body);
};
