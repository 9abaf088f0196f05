// HTTP to Delhivery and nothing else: the static `Authorization: Token …` header, and turning every
// answer that is not a readable 2xx into a classified CourierError (errors.ts). Operations live in
// courier.ts.
import type { Dispatcher } from 'undici';
import { CourierError } from '../common/errors';
import { CourierHttp, parseJsonLenient, type HttpResponse } from '../common/http';
import type { CourierDeps } from '../types';
import type { DelhiveryConfig } from './config';
import { TOKEN_ENV_HINT, bodyMessages, classifyHttpFailure, isTokenEnvMismatch, looksLikeAuthFailure } from './errors';

/** Per logical call: the last HTTP status seen, for the single observation. */
export interface CallCtx {
  httpStatus?: number;
}

export interface Sent {
  res: HttpResponse;
  json: unknown;
}

export class DelhiveryHttp {
  private readonly http: CourierHttp;

  constructor(
    private readonly cfg: DelhiveryConfig,
    private readonly deps: CourierDeps,
    options: { dispatcher?: Dispatcher } = {},
  ) {
    // CourierHttp gets no observe hook: it would report network failures itself, and every logical call
    // (a create that also looks up its earlier booking counts as one) is observed exactly once, by the courier.
    this.http = new CourierHttp('delhivery', { now: deps.now }, { timeoutMs: cfg.timeoutMs, dispatcher: options.dispatcher, secrets: () => [cfg.apiToken] });
  }

  /** Removes every secret from text that may leave the client. */
  scrub(text: string): string {
    return this.http.scrub(text);
  }

  /** One HTTP exchange. Throws the classified CourierError for anything but a readable 2xx. */
  async send(ctx: CallCtx, op: string, method: 'GET' | 'POST', path: string, query?: string, body?: { text: string; contentType: string }): Promise<Sent> {
    const headers: Record<string, string> = { authorization: `Token ${this.cfg.apiToken}`, accept: 'application/json' };
    if (body) headers['content-type'] = body.contentType;
    const res = await this.http.send({ operation: op, method, url: `${this.cfg.baseUrl}${path}${query ? `?${query}` : ''}`, headers, body: body?.text });
    ctx.httpStatus = res.status;
    const scrub = (s: string) => this.http.scrub(s);
    if (res.status < 200 || res.status >= 300) throw classifyHttpFailure(op, res, this.deps.now(), scrub);
    if (isTokenEnvMismatch(res.text)) throw new CourierError('delhivery', op, 'permanent', 'auth_rejected', scrub(TOKEN_ENV_HINT), { httpStatus: res.status });
    const json = /^\s*</.test(res.text) ? undefined : parseJsonLenient(res.text);
    if (json !== undefined && looksLikeAuthFailure(bodyMessages(json))) {
      const messages = scrub(bodyMessages(json)).slice(0, 300);
      throw new CourierError('delhivery', op, 'permanent', 'auth_rejected', scrub(`Delhivery rejected the API token (${messages})`), { httpStatus: res.status, courierMessage: messages });
    }
    return { res, json };
  }
}
