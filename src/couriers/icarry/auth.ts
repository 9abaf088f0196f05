// iCarry's session token: POST api_login (username, key) → api_token, valid 60 minutes (IC-PDF).
import { CourierError } from '../common/errors';
import type { CourierHttp } from '../common/http';
import type { IcarryConfig } from './config';
import { encodeForm } from './form';
import { parseReplyJson } from './json';
import { isIpRejection, rejectionOf } from './errors';

/** The token lives 60 minutes; renewing at 55 leaves room for clock skew and a slow request. */
export const TOKEN_REFRESH_AFTER_MS = 55 * 60_000;

export class IcarrySession {
  private current: { token: string; obtainedAt: number } | undefined;
  /** Recent tokens, current one included: an error body may echo a token that was just replaced. */
  private readonly issued: string[] = [];
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly config: IcarryConfig,
    private readonly http: CourierHttp,
    private readonly now: () => number,
  ) {}

  /** The token for the next request: cached, renewed ahead of expiry, one login shared by all callers. */
  async token(): Promise<string> {
    const c = this.current;
    if (c && this.now() - c.obtainedAt < TOKEN_REFRESH_AFTER_MS) return c.token;
    this.inflight ??= this.login().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** iCarry refused `token`: forget it unless a concurrent caller already replaced it. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  /** For redaction: tokens must never reach a log line or an error. */
  secretValues(): readonly string[] {
    return this.issued;
  }

  private async login(): Promise<string> {
    const operation = 'login';
    // Measured before sending: iCarry's 60 minutes start when it issues the token, which is after this.
    const started = this.now();
    const res = await this.http.send({
      operation,
      method: 'POST',
      url: `${this.config.baseUrl}/api_login`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: encodeForm({ username: this.config.username, key: this.config.apiKey }),
    });
    if (res.status < 200 || res.status >= 300) {
      const err = this.http.errorForStatus(operation, res, res.text);
      this.http.observe(operation, res.status, err.kind, started);
      throw err;
    }
    const body = parseReplyJson(res.text);
    const fail = (kind: 'permanent' | 'transient', code: 'auth_rejected' | 'bad_response', message: string, courierMessage?: string) => {
      this.http.observe(operation, res.status, kind, started);
      return new CourierError('icarry', operation, kind, code, this.http.scrub(message), {
        httpStatus: res.status,
        courierMessage: courierMessage === undefined ? undefined : this.http.scrub(courierMessage),
      });
    };
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw fail('transient', 'bad_response', 'login answered without a JSON object');
    const record = body as Record<string, unknown>;
    const rejection = rejectionOf(record);
    if (rejection && isIpRejection(rejection)) {
      throw fail(
        'permanent',
        'auth_rejected',
        `iCarry refuses API calls from this server's IP address; add it to the allow-list in iCarry (My Account → Integrations → API Credentials): ${rejection.fields.ip ?? rejection.text}`,
        rejection.text,
      );
    }
    if (rejection) throw fail('permanent', 'auth_rejected', `iCarry rejected the username or API key: ${rejection.text}`, rejection.text);
    const token = record.api_token;
    if (typeof token !== 'string' || token.trim() === '') throw fail('transient', 'bad_response', 'login answered without an api_token');
    this.current = { token: token.trim(), obtainedAt: started };
    this.issued.push(this.current.token);
    if (this.issued.length > 4) this.issued.shift();
    this.http.observe(operation, res.status, 'ok', started);
    return this.current.token;
  }
}
