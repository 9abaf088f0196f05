// The thin HTTP layer every courier client uses: timeouts, redaction, observation, and the first cut of
// failure classification (network/timeout/5xx/429). Courier-specific rules (Delhivery's WAF 403, bodies
// that carry errors under HTTP 200) live in each client, which sees the raw response.
import { parseRetryAfter } from '../../lib/retry-after';
import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import type { CourierDeps, CourierId } from '../types';
import { CourierError } from './errors';
import { redactText, redactUrl } from './redact';

export interface HttpRequest {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface HttpOptions {
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Values to scrub from any error text (tokens, keys, passwords). */
  secrets?: () => ReadonlyArray<string | undefined>;
}

const shared = new Agent({ keepAliveTimeout: 10_000, connections: 64 });

export class CourierHttp {
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher;

  constructor(
    readonly courier: CourierId,
    private readonly deps: CourierDeps,
    private readonly options: HttpOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.dispatcher = options.dispatcher ?? shared;
  }

  /**
   * Sends the request. Throws CourierError (transient) only for network failures and timeouts, which it
   * also reports to deps.observe: right for clients that observe per HTTP request (iCarry). A client that
   * observes once per logical call builds its CourierHttp with deps lacking `observe` (Shiprocket, Delhivery).
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const started = this.deps.now();
    const timeout = req.timeoutMs ?? this.timeoutMs;
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout),
      });
      const text = await res.body.text();
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode, headers, text };
    } catch (e) {
      const timedOut =
        e instanceof undiciErrors.HeadersTimeoutError ||
        e instanceof undiciErrors.BodyTimeoutError ||
        (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'));
      this.observe(req.operation, undefined, 'transient', started);
      throw new CourierError(
        this.courier,
        req.operation,
        'transient',
        timedOut ? 'timeout' : 'network',
        timedOut ? `timed out after ${timeout} ms (${req.method} ${this.safeUrl(req.url)})` : `network error on ${req.method} ${this.safeUrl(req.url)}: ${this.scrub(e instanceof Error ? e.message : String(e))}`,
      );
    }
  }

  /** Record the outcome of one logical call (clients call this once they have classified the response). */
  observe(operation: string, httpStatus: number | undefined, outcome: 'ok' | 'permanent' | 'transient' | 'rate_limited', startedAt: number): void {
    this.deps.observe?.({ courier: this.courier, operation, httpStatus, outcome, durationMs: this.deps.now() - startedAt });
  }

  safeUrl(url: string): string {
    return redactUrl(url);
  }

  scrub(text: string): string {
    return redactText(text, this.options.secrets?.() ?? []);
  }

  /**
   * Default classification of a non-2xx status: 429 → rate_limited (Retry-After honoured), 5xx →
   * transient, 401/403 → auth_rejected, 404 → not_found, other 4xx → invalid_request.
   */
  errorForStatus(operation: string, res: HttpResponse, courierMessage: string): CourierError {
    const msg = this.scrub(courierMessage).slice(0, 500);
    const details = { httpStatus: res.status, courierMessage: msg };
    if (res.status === 429) {
      return new CourierError(this.courier, operation, 'rate_limited', 'rate_limited', `HTTP 429: ${msg}`, {
        ...details,
        retryAfterMs: retryAfterMs(res.headers['retry-after'], this.deps.now()),
      });
    }
    if (res.status >= 500) return new CourierError(this.courier, operation, 'transient', 'server_error', `HTTP ${res.status}: ${msg}`, details);
    if (res.status === 401 || res.status === 403) return new CourierError(this.courier, operation, 'permanent', 'auth_rejected', `HTTP ${res.status}: ${msg}`, details);
    if (res.status === 404) return new CourierError(this.courier, operation, 'permanent', 'not_found', `HTTP 404: ${msg}`, details);
    return new CourierError(this.courier, operation, 'permanent', 'invalid_request', `HTTP ${res.status}: ${msg}`, details);
  }
}

/** Retry-After as seconds or an HTTP date → ms from now (default 30 s when absent or unparsable). */
export function retryAfterMs(header: string | undefined, nowMs: number, fallbackMs = 30_000): number {
  return parseRetryAfter(header, nowMs) ?? fallbackMs;
}

/**
 * JSON.parse that tolerates what PHP backends put before the JSON (iCarry's notices and warnings):
 * parses from the first '{' or '['. Returns undefined when no JSON can be found.
 */
export function parseJsonLenient(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    const i = trimmed.search(/[{[]/);
    if (i <= 0) return undefined;
    try {
      return JSON.parse(trimmed.slice(i));
    } catch {
      return undefined;
    }
  }
}
