// Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP date. One reader for every place that is
// answered with one: courier APIs, the WhatsApp Cloud API, the store's webhook endpoints.

/** Milliseconds from `nowMs` the header asks to wait, or undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
