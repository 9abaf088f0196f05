// Which secret authenticates which courier's webhooks, from its stored settings (see
// CourierSettingsRepo's DecryptedCourierSettings for the field meanings).
import { findCourier } from '../couriers/registry';
import type { CourierId } from '../domain/events';
import type { WebhookAuthConfig } from '../couriers/types';
import type { DecryptedCourierSettings } from '../storage/courier-settings-repo';

/** The part of a courier's settings its webhooks depend on (stored, or the simulator's in development). */
export type WebhookSecrets = Pick<DecryptedCourierSettings, 'apiKey' | 'apiSecret' | 'webhookSecret' | 'fields'>;

export interface WebhookAuth {
  config: WebhookAuthConfig;
  /** Every secret value that could appear in a request, scrubbed from what the inbox stores. */
  secrets: string[];
}

/** Looks a courier's webhook auth up at request time (settings can change while the API runs). */
export type WebhookAuthSource = (courier: CourierId) => Promise<WebhookAuth>;

export function webhookAuthFor(courier: CourierId, s: WebhookSecrets | null): WebhookAuth {
  if (!s) return { config: {}, secrets: [] }; // no secret: every courier module refuses the request
  const secrets = [s.apiKey, s.apiSecret, s.webhookSecret].filter((v): v is string => !!v);
  if (s.fields.webhookScheme === 'hmac-sha256') return { config: { scheme: 'hmac-sha256', secret: s.webhookSecret }, secrets };
  const d = findCourier(courier);
  // An unregistered courier has no scheme of its own: nothing authenticates.
  return { config: d ? d.webhook.auth(s) : {}, secrets };
}

/**
 * Replaces every occurrence of a secret (as sent, or form/URL-encoded) so the inbox never stores one in
 * clear: iCarry puts its API key in the body.
 */
export function scrubSecrets(body: string, secrets: readonly string[]): string {
  let out = body;
  for (const s of secrets) {
    if (s.length < 4) continue; // nothing meaningful to hide, and would mangle unrelated text
    for (const form of new Set([s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)])) out = out.split(form).join('[REDACTED]');
  }
  return out;
}


/**
 * Remembers each courier's webhook auth for `ttlMs`: a webhook burst then costs no settings read per
 * request. A changed secret takes effect within the TTL.
 */
export function cachedAuthSource(source: WebhookAuthSource, ttlMs: number, now: () => number = Date.now): WebhookAuthSource {
  const cache = new Map<CourierId, { at: number; auth: Promise<WebhookAuth> }>();
  return (courier) => {
    const hit = cache.get(courier);
    if (hit && now() - hit.at < ttlMs) return hit.auth;
    const auth = source(courier);
    cache.set(courier, { at: now(), auth });
    // A failed read (database down) is not remembered.
    auth.catch(() => cache.delete(courier));
    return auth;
  };
}
