// Delhivery B2C (Express): the only things that leave this folder are its descriptor, the shared
// interfaces' implementations, the config schema and the factory.
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { courierWebhookPath, defineCourier } from '../descriptor';
import type { CourierClient, CourierDeps } from '../types';
import { DELHIVERY_CAPABILITIES, DelhiveryCourier } from './courier';
import { delhiveryConfigSchema, type DelhiveryConfigInput } from './config';
import { DEFAULT_WEBHOOK_HEADER, delhiveryWebhook } from './webhook';

export { delhiveryConfigSchema, DELHIVERY_PRODUCTION_URL, DELHIVERY_STAGING_URL } from './config';
export type { DelhiveryConfig, DelhiveryConfigInput } from './config';
export { delhiveryWebhook } from './webhook';

/** Validates the settings (throws a ZodError naming the bad field, never echoing the token) and builds the client. */
export function createDelhiveryClient(config: DelhiveryConfigInput, deps: CourierDeps, http: { dispatcher?: Dispatcher } = {}): CourierClient {
  return new DelhiveryCourier(delhiveryConfigSchema.parse(config), deps, http);
}

export const DELHIVERY_WEBHOOK_PATH = courierWebhookPath('delhivery');

export const delhiveryCourier = defineCourier({
  id: 'delhivery',
  displayName: 'Delhivery',
  supports: { ...DELHIVERY_CAPABILITIES, serviceability: true },
  settings: {
    fields: z
      .object({
        warehouseName: z.string().min(1).max(100).optional(),
        shippingMode: z.enum(['Surface', 'Express']).optional(),
        webhookHeaderName: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'an HTTP header name').optional(),
      })
      .strict(),
    required: ['warehouseName'],
    fieldLabels: { warehouseName: 'Warehouse name', shippingMode: 'Shipping mode', webhookHeaderName: 'Webhook auth header name' },
    secretLabels: { apiKey: 'API token', apiSecret: 'API secret (unused by Delhivery)', webhookSecret: 'Webhook header value' },
  },
  createClient: (s, { deps }) =>
    createDelhiveryClient(
      { ...(s.baseUrl ? { baseUrl: s.baseUrl } : {}), apiToken: s.apiKey ?? '', warehouseName: s.fields.warehouseName ?? '', ...(s.fields.shippingMode ? { shippingMode: s.fields.shippingMode as 'Surface' | 'Express' } : {}) },
      deps,
    ),
  webhook: {
    receiver: delhiveryWebhook,
    routes: [{ path: DELHIVERY_WEBHOOK_PATH, summary: 'Delhivery scan push', description: 'Auth: the static header agreed with Delhivery.' }],
    auth: (s) => ({ scheme: 'courier', secret: s.webhookSecret, headerName: s.fields.webhookHeaderName }),
    secretName: 'webhookSecret',
    setupUrls: (base) => [{ purpose: 'scan push', url: `${base}${DELHIVERY_WEBHOOK_PATH}` }],
    setupAuth: (s) => ({
      scheme: 'header',
      header: s?.fields.webhookHeaderName || DEFAULT_WEBHOOK_HEADER,
      value: 'the webhookSecret stored in Waybill, alone or as "Bearer <secret>"',
      configured: !!s?.webhookSecret,
    }),
    instructions: 'Delhivery has no self-service setup: email lastmile-integration@delhivery.com the URL, method POST, content type application/json and the auth header (5–6 working days).',
  },
  simulator: {
    portOffset: 1,
    settings: {
      apiKey: 'sim-delhivery-token',
      webhookSecret: 'sim-delhivery-webhook-header',
      fields: { warehouseName: 'WAYBILL-SIM-WH', webhookHeaderName: 'authorization' },
    },
    webhookUrl: (apiBase) => `${apiBase}${DELHIVERY_WEBHOOK_PATH}`,
  },
});
