// The codec server the Temporal Web UI (and `temporal --codec-endpoint`) calls to show ops the payloads
// Waybill encrypts: POST /decode and POST /encode, body and reply `{"payloads":[…]}` in proto3 JSON, with
// an X-Namespace header. It is a decryption oracle for personal data, so it answers only the UI's
// origins (credentialed CORS) and, when tokens are configured, only bearers of one of them.
// Mount it on the API: app.use('/temporal-codec', codecRouter(codec, { allowedOrigins })).
import type { PayloadCodec } from '@temporalio/common';
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import { safeEqual } from '../couriers/common/hmac';
import { credentialedCors } from './cors';
import { PayloadDecryptionError } from './encryption-codec';
import { payloadFromJson, payloadsBody, payloadToJson } from './payload-json';

export interface CodecServerOptions {
  /** Browser origins of the Temporal Web UI (CODEC_CORS_ORIGINS). */
  allowedOrigins: readonly string[];
  /** Bearer tokens accepted (CODEC_AUTH_TOKENS); empty or absent: no authentication. */
  authTokens?: readonly string[];
  /** A page of history can carry many payloads of up to 2 MB each; default 8mb. */
  bodyLimit?: string;
}

export function codecRouter(codec: PayloadCodec, opts: CodecServerOptions): Router {
  const router = express.Router();
  router.use(credentialedCors(opts.allowedOrigins));
  if (opts.authTokens?.length) router.use(requireBearer(opts.authTokens));
  router.use(express.json({ limit: opts.bodyLimit ?? '8mb' }));
  router.post('/decode', transform((p) => codec.decode(p)));
  router.post('/encode', transform((p) => codec.encode(p)));
  router.use(codecErrors);
  return router;
}

function transform(fn: PayloadCodec['decode']): RequestHandler {
  return async (req, res) => {
    const body = payloadsBody.safeParse(req.body);
    if (!body.success) {
      const where = body.error.issues[0]?.path.join('.') || 'body';
      fail(res, 400, 'validation_failed', `expected an application/json body {"payloads":[{"metadata":{…},"data":"<base64>"}]} (${where} is invalid)`);
      return;
    }
    const out = await fn(body.data.payloads.map(payloadFromJson));
    res.json({ payloads: out.map(payloadToJson) });
  };
}

function requireBearer(tokens: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const h = req.headers.authorization;
    const token = typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
    let ok = false;
    for (const t of tokens) ok = safeEqual(token, t) || ok; // no early exit: same work whichever token matches
    if (ok) return next();
    res.set('WWW-Authenticate', 'Bearer');
    fail(res, 401, 'unauthenticated', 'a valid codec bearer token is required');
  };
}

const codecErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  if (res.headersSent) return next(err);
  const type = (err as { type?: unknown }).type;
  if (type === 'entity.too.large') return fail(res, 413, 'payload_too_large', 'request body too large');
  if (type === 'entity.parse.failed') return fail(res, 400, 'validation_failed', 'malformed JSON body');
  // Unknown key id, tampered or truncated data: the message names the key id only, never key material.
  if (err instanceof PayloadDecryptionError) return fail(res, 422, 'unprocessable', err.message);
  next(err);
};

function fail(res: express.Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}
