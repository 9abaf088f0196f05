// The iCarry integration's public face: its descriptor (settings, client factory, webhooks), the
// factories tests use, and the booking journal's interface. Vendor shapes stay inside this folder.
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { CourierHttp } from '../common/http';
import { defineCourier } from '../descriptor';
import type { CourierClient, CourierDeps } from '../types';
import { IcarrySession } from './auth';
import { type BookingJournal, MemoryBookingJournal } from './booking-journal';
import { IcarryHttp } from './http';
import { type IcarryConfigInput, parseIcarryConfig } from './config';
import { ICARRY_CAPABILITIES, IcarryCourier } from './courier';
import { icarryCallbackUrlToken, icarryWebhook } from './webhook';

export { icarryConfigSchema, parseIcarryConfig, ICARRY_DEFAULT_BASE_URL, type IcarryConfig, type IcarryConfigInput } from './config';
export { icarryWebhook, icarryCallbackUrlToken, type IcarryWebhookRequest } from './webhook';
export { ICARRY_BULK_TRACK_LIMIT } from './courier';
export { MemoryBookingJournal, type BookingJournal, type JournalEntry } from './booking-journal';

export interface IcarryClientOptions {
  /**
   * Where booking attempts are recorded (see booking-journal.ts). Defaults to one per client, which
   * forgets on restart: production should pass a durable one.
   */
  journal?: BookingJournal;
}

/** Validates the config (a permanent CourierError names any bad field) and builds the client. */
export function createIcarryClient(
  config: IcarryConfigInput,
  deps: CourierDeps,
  http: { dispatcher?: Dispatcher } = {},
  options: IcarryClientOptions = {},
): CourierClient {
  const cfg = parseIcarryConfig(config);
  // The session is created after the HTTP layer but the scrubber reads it lazily, on each error.
  let session: IcarrySession | undefined;
  const transport = new CourierHttp('icarry', deps, {
    timeoutMs: cfg.timeoutMs,
    ...(http.dispatcher ? { dispatcher: http.dispatcher } : {}),
    secrets: () => [cfg.apiKey, ...(session?.secretValues() ?? [])],
  });
  const now = () => deps.now();
  session = new IcarrySession(cfg, transport, now);
  const api = new IcarryHttp(cfg, transport, session, now);
  return new IcarryCourier(cfg, api, deps, options.journal ?? new MemoryBookingJournal());
}

/** iCarry's callback paths, as the store's iCarry flow configured them; either takes every callback type. */
export const ICARRY_STATUS_WEBHOOK_PATH = '/api/webhooks/shipping-updates';
export const ICARRY_NDR_WEBHOOK_PATH = '/api/webhooks/ndr-updates';

const digits = z.string().regex(/^\d+$/, 'digits only');

export const icarryCourier = defineCourier({
  id: 'icarry',
  displayName: 'iCarry',
  supports: { ...ICARRY_CAPABILITIES, serviceability: true },
  settings: {
    fields: z
      .object({
        username: z.string().trim().min(1).max(100).optional(),
        pickupAddressId: digits.optional(),
        pickupPincode: z.string().regex(/^\d{6}$/, 'a 6-digit pincode').optional(),
        returnAddressId: digits.optional(),
        shipmentMode: z.enum(['S', 'E']).optional(),
      })
      .strict(),
    required: ['username', 'pickupAddressId', 'pickupPincode'],
    fieldLabels: { username: 'Username', pickupAddressId: 'Pickup address id', pickupPincode: 'Pickup pincode', returnAddressId: 'Return address id', shipmentMode: 'Shipment mode' },
    secretLabels: { apiKey: 'API key (also authenticates its callbacks)', apiSecret: 'API secret (unused by iCarry)', webhookSecret: 'Webhook secret (HMAC scheme only)' },
  },
  createClient: (s, { deps, bookingJournal }) =>
    createIcarryClient(
      {
        ...(s.baseUrl ? { baseUrl: s.baseUrl } : {}),
        username: s.fields.username ?? '',
        apiKey: s.apiKey ?? '',
        pickupAddressId: s.fields.pickupAddressId ?? '',
        pickupPincode: s.fields.pickupPincode ?? '',
        ...(s.fields.returnAddressId ? { returnAddressId: s.fields.returnAddressId } : {}),
        ...(s.fields.shipmentMode ? { shipmentMode: s.fields.shipmentMode as 'S' | 'E' } : {}),
      },
      deps,
      {},
      { journal: bookingJournal?.('icarry') },
    ),
  webhook: {
    receiver: icarryWebhook,
    routes: [
      { path: ICARRY_STATUS_WEBHOOK_PATH, summary: 'iCarry status callback', description: 'Auth: the API key iCarry sends as `token` in the body.' },
      { path: ICARRY_NDR_WEBHOOK_PATH, summary: 'iCarry daily NDR batch', description: 'One delivery can carry many AWBs.' },
    ],
    // iCarry's callbacks carry the account's API key itself as `token`.
    auth: (s) => ({ scheme: 'courier', secret: s.apiKey ?? s.webhookSecret }),
    secretName: 'apiKey',
    setupUrls: (base, s) => {
      // The NDR batch carries no token of its own, so both URLs carry one derived from the API key: iCarry
      // may offer a single callback setting, and either route takes every callback type.
      const token = s?.apiKey ? `?token=${icarryCallbackUrlToken(s.apiKey)}` : '';
      return [
        { purpose: 'status changes', url: `${base}${ICARRY_STATUS_WEBHOOK_PATH}${token}` },
        { purpose: 'NDR batch', url: `${base}${ICARRY_NDR_WEBHOOK_PATH}${token}` },
      ];
    },
    setupAuth: (s) => ({ scheme: 'body-token', bodyField: 'token', value: "the account's API key (iCarry sends it itself)", configured: !!(s?.apiKey ?? s?.webhookSecret) }),
    instructions: 'iCarry → Account Menu → Integrations → API Credentials: set the status and NDR callback URLs.',
  },
  simulator: {
    portOffset: 2,
    settings: {
      apiKey: 'sim-icarry-key',
      // iCarry's status callback carries the account API key itself as its token.
      webhookSecret: 'sim-icarry-key',
      fields: { username: 'sim-user', pickupAddressId: '55', pickupPincode: '560068' },
    },
    // One callback URL for every iCarry callback; its token authenticates the NDR batch.
    webhookUrl: (apiBase) => `${apiBase}${ICARRY_STATUS_WEBHOOK_PATH}?token=${icarryCallbackUrlToken('sim-icarry-key')}`,
  },
});
