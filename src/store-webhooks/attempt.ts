// One delivery attempt of a store event to one endpoint, and what its answer means. Classified here,
// where the endpoint is called: 2xx delivered; 410 the endpoint is gone (disabled, never retried);
// anything else, a timeout or a refused connection is transient (retried with backoff, honouring
// Retry-After on 429 and 503).
import { storeEventBody, type StoreEvent } from '../domain/store-events';
import { parseRetryAfter } from '../lib/retry-after';
import { signatureHeaders } from '../lib/standard-webhooks';

export type AttemptResult =
  | { kind: 'delivered'; statusCode: number; latencyMs: number }
  | { kind: 'gone'; statusCode: 410; latencyMs: number }
  | { kind: 'failed'; statusCode?: number; error: string; latencyMs: number; retryAfterMs?: number };

export const USER_AGENT = 'Waybill-Webhooks/1';
/** Longest Retry-After honoured: a longer one would outlast the retry budget's spacing for no reason. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

export async function attemptDelivery(
  endpoint: { url: string; secrets: string[] },
  event: StoreEvent,
  opts: { timeoutMs: number; now: () => number; fetch?: typeof fetch },
): Promise<AttemptResult> {
  const body = storeEventBody(event);
  const headers = signatureHeaders({ id: event.id, timestamp: new Date(opts.now()), body, secrets: endpoint.secrets });
  const started = opts.now();
  try {
    const res = await (opts.fetch ?? fetch)(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs),
      redirect: 'manual',
    });
    // The body is not used; read it so the connection can be reused.
    await res.arrayBuffer().catch(() => undefined);
    const latencyMs = opts.now() - started;
    if (res.status >= 200 && res.status < 300) return { kind: 'delivered', statusCode: res.status, latencyMs };
    if (res.status === 410) return { kind: 'gone', statusCode: 410, latencyMs };
    const asked = parseRetryAfter(res.headers.get('retry-after'), opts.now());
    const retryAfterMs = asked === undefined ? undefined : Math.min(asked, MAX_RETRY_AFTER_MS);
    return { kind: 'failed', statusCode: res.status, error: `HTTP ${res.status}`, latencyMs, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  } catch (e) {
    const latencyMs = opts.now() - started;
    const name = e instanceof Error ? e.name : '';
    const error = name === 'TimeoutError' || name === 'AbortError' ? `no answer in ${opts.timeoutMs} ms` : describeNetworkError(e);
    return { kind: 'failed', error, latencyMs };
  }
}


function describeNetworkError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `connection failed (${cause.code})`;
  return e instanceof Error ? e.message : String(e);
}
