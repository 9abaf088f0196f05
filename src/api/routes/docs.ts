// The OpenAPI document and a browsable page, served from swagger-ui-dist's files (no CDN: works offline).
import { dirname, join } from 'node:path';
import { Router } from 'express';
import { notFound } from '../errors';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Waybill API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/swagger-ui-standalone-preset.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

// A file rather than an inline script, so a strict Content-Security-Policy can forbid inline code.
const INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

export function docsRouter(document: () => object): Router {
  const r = Router();
  const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
  r.get('/openapi.json', (_req, res) => {
    res.json(document());
  });
  r.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  r.get('/docs/init.js', (_req, res) => {
    res.type('text/javascript').send(INIT);
  });
  r.get('/docs/:asset', (req, res, next) => {
    const type = ASSETS[req.params.asset];
    if (!type) return next(notFound('asset'));
    res.type(type).sendFile(join(dir, req.params.asset), { maxAge: '1d' });
  });
  return r;
}
