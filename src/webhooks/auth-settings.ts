// Which secret authenticates which courier's webhooks, from its stored settings (see
// CourierSettingsRepo's DecryptedCourierSettings for the field meanings).
import type { Config } from '../config';
import type { CourierId } from '../domain/events';
import type { WebhookAuthConfig } from '../couriers/types';
import { SIMULATOR_DEFAULTS } from '../simulators/defaults';
import type { DecryptedCourierSettings } from '../storage/courier-settings-repo';

export interface WebhookAuth {
  config: WebhookAuthConfig;
  /** Every secret value that could appear in a request, scrubbed from what the inbox stores. */
  secrets: string[];
}

/** Looks a courier's webhook auth up at request time (settings can change while the API runs). */
export type WebhookAuthSource = (courier: CourierId) => Promise<WebhookAuth>;

export function webhookAuthFor(courier: CourierId, s: DecryptedCourierSettings | null): WebhookAuth {
  if (!s) return { config: {}, secrets: [] }; // no secret: every courier module refuses the request
  const secrets = [s.apiKey, s.apiSecret, s.webhookSecret].filter((v): v is string => !!v);
  if (s.fields.webhookScheme === 'hmac-sha256') return { config: { scheme: 'hmac-sha256', secret: s.webhookSecret }, secrets };
  switch (courier) {
    case 'shiprocket':
      return { config: { scheme: 'courier', secret: s.webhookSecret }, secrets };
    case 'delhivery':
      return { config: { scheme: 'courier', secret: s.webhookSecret, headerName: s.fields.webhookHeaderName }, secrets };
    case 'icarry':
      // iCarry's callbacks carry the account's API key itself as `token`.
      return { config: { scheme: 'courier', secret: s.apiKey ?? s.webhookSecret }, secrets };
  }
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
 * The settings webhooks are checked against, following COURIER_MODE as the worker's registry does:
 * 'simulator' always uses the simulators' settings (their pushes carry those secrets); 'auto' uses stored
 * settings and falls back to the simulators' outside production; 'live' uses stored settings only.
 */
export function effectiveSettings(
  courier: CourierId,
  stored: DecryptedCourierSettings | null,
  mode: Config['COURIER_MODE'],
  production: boolean,
): DecryptedCourierSettings | null {
  const sim = (): DecryptedCourierSettings => {
    const d = SIMULATOR_DEFAULTS[courier];
    return { courierId: courier, provider: courier, enabled: true, apiKey: d.apiKey, apiSecret: d.apiSecret, webhookSecret: d.webhookSecret, fields: d.fields, updatedAt: '' };
  };
  if (mode === 'simulator') return sim();
  if (mode === 'auto' && !stored && !production) return sim();
  return stored;
}
