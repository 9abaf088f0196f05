// HTTP to Shiprocket and nothing else: bearer auth with one re-login on 401, JSON in and out, and the
// classification of every failure into a CourierError. Operations live in courier.ts and booking.ts.
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { CourierError, isCourierError, type CourierErrorCode } from '../common/errors';
import { CourierHttp, parseJsonLenient, type HttpResponse } from '../common/http';
import type { CourierDeps } from '../types';
import { TokenCache } from './auth';
import type { ShiprocketConfig } from './config';
import { codeFromMessage, embeddedErrorStatus, vendorMessage } from './errors';
import { loginResponse } from './wire';

/** Per logical call: what the single observation reports. */
export interface CallContext {
  operation: string;
  httpStatus?: number;
}

export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export class ShiprocketHttp {
  readonly http: CourierHttp;
  private readonly tokens: TokenCache;

  constructor(
    private readonly config: ShiprocketConfig,
    deps: CourierDeps,
    dispatcher?: Dispatcher,
  ) {
    // CourierHttp observes network failures itself; observations are made once per logical call by the
    // courier instead, so it gets the clock only.
    this.http = new CourierHttp('shiprocket', { now: deps.now }, {
      timeoutMs: config.timeoutMs,
      dispatcher,
      secrets: () => [this.config.password, ...this.tokens.secrets()],
    });
    this.tokens = new TokenCache(() => this.login(), deps.now);
  }

  /**
   * An authenticated call whose 2xx body must hold no error. Throws a classified CourierError otherwise.
   * The body is returned parsed (and checked against `schema` when given).
   */
  async call<T = unknown>(ctx: CallContext, req: ApiRequest, schema?: z.ZodType<T>): Promise<T> {
    const res = await this.send(ctx, req);
    const failure = this.classify(ctx.operation, res);
    if (failure) throw failure;
    return schema ? this.expectShape(ctx.operation, schema, res.body) : (res.body as T);
  }

  /** An authenticated call returning whatever came back (for callers that read non-2xx answers). */
  async send(ctx: CallContext, req: ApiRequest): Promise<ApiResponse & { raw: HttpResponse }> {
    let token = await this.tokens.get();
    let raw = await this.sendOnce(ctx, req, token);
    if (raw.status === 401) {
      // Tokens can die before their 10 days (logout elsewhere, password change): log in again, once.
      this.tokens.invalidate(token);
      token = await this.tokens.get();
      raw = await this.sendOnce(ctx, req, token);
    }
    return { status: raw.status, body: parseJsonLenient(raw.text), raw };
  }

  /**
   * The classified failure in a response, or undefined when it is a success: non-2xx statuses, and 2xx
   * bodies that carry an error status of their own.
   */
  classify(operation: string, res: ApiResponse & { raw: HttpResponse }): CourierError | undefined {
    const ok = res.status >= 200 && res.status < 300;
    const status = ok ? embeddedErrorStatus(res.body) : res.status;
    if (status === undefined) {
      if (ok && res.body === undefined && res.raw.text.trim() !== '') {
        // A 2xx that is not JSON: a maintenance or proxy page. Worth another try later.
        return this.error(operation, 'transient', 'bad_response', `unreadable 2xx response: ${vendorMessage(undefined, res.raw.text)}`, res.status);
      }
      return undefined;
    }
    const message = vendorMessage(res.body, res.raw.text);
    const base = this.http.errorForStatus(operation, { ...res.raw, status }, message);
    if (status === 401 && base.code === 'auth_rejected') {
      return this.error(operation, 'permanent', 'auth_rejected', `token refused after a fresh login: ${message}`, status);
    }
    if (base.kind === 'permanent') {
      const code = codeFromMessage(message);
      if (code) return this.error(operation, 'permanent', code, `HTTP ${status}: ${message}`, status);
    }
    return base;
  }

  /** Validate a vendor body; a shape we cannot read is a permanent bad_response (the API changed). */
  expectShape<T>(operation: string, schema: z.ZodType<T>, body: unknown): T {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    // Paths and codes only: values could be personal data.
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'} ${i.code}`)
      .join('; ');
    throw this.error(operation, 'permanent', 'bad_response', `unexpected response shape (${where})`);
  }

  error(operation: string, kind: CourierError['kind'], code: CourierErrorCode, message: string, httpStatus?: number, courierMessage?: string): CourierError {
    const text = this.http.scrub(message);
    return new CourierError('shiprocket', operation, kind, code, text, {
      httpStatus,
      courierMessage: courierMessage === undefined ? text : this.http.scrub(courierMessage),
    });
  }

  private url(req: ApiRequest): string {
    const qs = req.query ? `?${new URLSearchParams(Object.entries(req.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
    return `${this.config.baseUrl}${req.path}${qs}`;
  }

  private async sendOnce(ctx: CallContext, req: ApiRequest, token: string): Promise<HttpResponse> {
    const res = await this.http.send({
      operation: ctx.operation,
      method: req.method,
      url: this.url(req),
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${token}`,
        ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
    });
    ctx.httpStatus = res.status;
    return res;
  }

  /** POST /auth/login. Any refusal is permanent: retrying bad credentials only risks a lockout. */
  private async login(): Promise<string> {
    const operation = 'login';
    const raw = await this.http.send({
      operation,
      method: 'POST',
      url: `${this.config.baseUrl}/auth/login`,
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ email: this.config.email, password: this.config.password }),
    });
    const res = { status: raw.status, body: parseJsonLenient(raw.text), raw };
    const failure = this.classify(operation, res);
    if (failure) {
      if (failure.kind !== 'permanent') throw failure;
      throw this.error(operation, 'permanent', 'auth_rejected', `login refused (HTTP ${raw.status}): ${vendorMessage(res.body, raw.text)}`, raw.status);
    }
    const body = loginResponse.safeParse(res.body);
    const token = body.success ? body.data.token : undefined;
    if (!token) {
      // MFA-enabled users get a 200 with an OTP challenge instead of a token (SR-MCP auth.ts).
      const why = body.success && body.data.is_mfa_enabled ? 'the API user has MFA enabled; use an API user without MFA' : 'no token in the response';
      throw this.error(operation, 'permanent', 'auth_rejected', `login failed: ${why}`, raw.status);
    }
    return token;
  }
}

/** Anything thrown below an operation, as a CourierError (unexpected exceptions become bad_response). */
export function asCourierError(api: ShiprocketHttp, operation: string, e: unknown): CourierError {
  if (isCourierError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return api.error(operation, 'permanent', 'bad_response', `unexpected failure: ${message}`);
}
