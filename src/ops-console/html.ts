// The console's markup helpers: the shared escaping template (src/lib/html.ts), plus query strings.
export { escapeHtml, html, raw, SafeHtml as Html, type HtmlValue } from '../lib/html';

/** A query string from defined, non-empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== false) u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}
