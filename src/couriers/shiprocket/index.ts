// The Shiprocket integration's public face: its descriptor (settings, client factory, webhooks) and the
// factories tests use. Vendor shapes stay inside this folder.
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { courierWebhookPath, defineCourier } from '../descriptor';
import type { CourierClient, CourierDeps } from '../types';
import { parseShiprocketConfig, type ShiprocketConfigInput } from './config';
import { SHIPROCKET_CAPABILITIES, ShiprocketCourier } from './courier';
import { SHIPROCKET_TOKEN_HEADER, shiprocketWebhook } from './webhook';

export { shiprocketConfigSchema, SHIPROCKET_BASE_URL, type ShiprocketConfig, type ShiprocketConfigInput } from './config';
export { shiprocketWebhook, SHIPROCKET_TOKEN_HEADER } from './webhook';

/** Settings are validated here; an invalid one throws without echoing any value. */
export function createShiprocketClient(config: ShiprocketConfigInput, deps: CourierDeps, http?: { dispatcher?: Dispatcher }): CourierClient {
  return new ShiprocketCourier(parseShiprocketConfig(config), deps, http?.dispatcher);
}

/**
 * Shiprocket refuses webhook URLs containing "sr", "kr", "shiprocket" or "kartrocket" anywhere (a plain
 * substring check), so it gets its own path that passes.
 */
export const SHIPROCKET_WEBHOOK_PATH = '/api/webhooks/courier/rocket';
/**
 * Still served: the URL the store's current courier-sync setup guide tells admins to paste
 * (`https://yourdomain.com/api/webhooks/courier/shiprocket`), which senders other than Shiprocket's own
 * dashboard may already post to.
 */
export const SHIPROCKET_NAMED_WEBHOOK_PATH = courierWebhookPath('shiprocket');
export const SHIPROCKET_BANNED_SUBSTRINGS = ['sr', 'kr', 'shiprocket', 'kartrocket'] as const;

const pincode6 = z.string().regex(/^\d{6}$/, 'a 6-digit pincode');

export const shiprocketCourier = defineCourier({
  id: 'shiprocket',
  displayName: 'Shiprocket',
  supports: { ...SHIPROCKET_CAPABILITIES, serviceability: true },
  settings: {
    fields: z.object({ pickupLocation: z.string().trim().min(1).max(100).optional(), pickupPincode: pincode6.optional(), courierCompanyId: z.string().regex(/^\d+$/, 'digits only').optional() }).strict(),
    required: ['pickupLocation', 'pickupPincode'],
    fieldLabels: { pickupLocation: 'Pickup location name', pickupPincode: 'Pickup pincode', courierCompanyId: 'Courier company id' },
    secretLabels: { apiKey: 'API user email', apiSecret: 'API user password', webhookSecret: 'Webhook security token' },
  },
  createClient: (s, { deps }) =>
    createShiprocketClient(
      { ...(s.baseUrl ? { baseUrl: s.baseUrl } : {}), email: s.apiKey ?? '', password: s.apiSecret ?? '', pickupLocation: s.fields.pickupLocation ?? '', pickupPincode: s.fields.pickupPincode ?? '', courierCompanyId: s.fields.courierCompanyId },
      deps,
    ),
  webhook: {
    receiver: shiprocketWebhook,
    routes: [
      { path: SHIPROCKET_WEBHOOK_PATH, summary: 'Shiprocket tracking webhook', description: 'Shiprocket rejects URLs containing "sr", "kr", "shiprocket" or "kartrocket": paste this one. Auth: the security token in `x-api-key`.' },
      { path: SHIPROCKET_NAMED_WEBHOOK_PATH, summary: 'Shiprocket tracking webhook (named path)', description: "Same receiver; Shiprocket's dashboard refuses this URL, other senders may use it." },
    ],
    auth: (s) => ({ scheme: 'courier', secret: s.webhookSecret }),
    secretName: 'webhookSecret',
    setupUrls: (base) => [{ purpose: 'tracking updates', url: `${base}${SHIPROCKET_WEBHOOK_PATH}` }],
    setupAuth: (s) => ({ scheme: 'header', header: SHIPROCKET_TOKEN_HEADER, value: 'the webhookSecret stored in Waybill (Shiprocket calls it "security token")', configured: !!s?.webhookSecret }),
    instructions: 'Shiprocket dashboard → Settings → API → Webhooks: add the URL, enable it, and enter the security token.',
    urlProblems: (url) => {
      const lower = url.toLowerCase();
      return SHIPROCKET_BANNED_SUBSTRINGS.filter((s) => lower.includes(s)).map(
        (s) => `Shiprocket rejects webhook URLs containing "${s}"; serve the API under a host name without it (PUBLIC_BASE_URL)`,
      );
    },
  },
  simulator: {
    portOffset: 0,
    settings: {
      apiKey: 'api@waybill.test', // Shiprocket API user email
      apiSecret: 'sim-password',
      webhookSecret: 'sim-shiprocket-webhook-token',
      fields: { pickupLocation: 'Primary', pickupPincode: '560068' },
    },
    webhookUrl: (apiBase) => `${apiBase}${SHIPROCKET_WEBHOOK_PATH}`,
  },
});
