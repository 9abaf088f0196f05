// Secrets never appear in logs or errors: everything that leaves a courier client passes through here.

const SECRET_QUERY_KEYS = /^(api_token|token|key|password|apikey|api_key|access_token)$/i;
const SECRET_HEADERS = /^(authorization|x-api-key|cookie|set-cookie|x-waybill-signature)$/i;

export function redactUrl(url: string): string {
  // iCarry puts "&api_token=" straight after the path with no "?", so split on both.
  return url.replace(/([?&])([^=&?#]+)=([^&#]*)/g, (whole, sep: string, k: string) =>
    SECRET_QUERY_KEYS.test(k) ? `${sep}${k}=[REDACTED]` : whole,
  );
}

export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADERS.test(k) ? '[REDACTED]' : v;
  return out;
}

/** Remove known secret values from any text (error bodies sometimes echo the request). */
export function redactText(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out;
}
