// Request schemas of the store integration (outbound webhooks and the event feed); they also generate
// its part of the OpenAPI document.
import { z } from 'zod';
import { STORE_EVENT_TYPES } from '../domain/store-events';
import { orderIdSchema } from './schemas';

export const storeEventTypeSchema = z.enum(STORE_EVENT_TYPES);

/** A Standard Webhooks secret: `whsec_` and 24–64 random bytes, base64. */
export const signingSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'a Standard Webhooks secret: "whsec_" followed by base64')
  .refine((s) => {
    const n = Buffer.from(s.slice(6), 'base64').length;
    return n >= 24 && n <= 64;
  }, 'the key after "whsec_" must be 24 to 64 bytes');

const urlSchema = z
  .string()
  .max(2000)
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'https:' || p === 'http:';
    } catch {
      return false;
    }
  }, 'an http(s) URL');

export const endpointIdParams = z.object({ id: z.string().regex(/^ep_[0-9a-f]{16}$/, 'an endpoint id (ep_…)') });

export const createEndpointSchema = z.object({
  url: urlSchema,
  description: z.string().trim().max(200).optional(),
  /** Omitted or empty: every event type. */
  eventTypes: z.array(storeEventTypeSchema).max(STORE_EVENT_TYPES.length).default([]),
  secret: signingSecretSchema,
});

export const updateEndpointSchema = z
  .object({
    url: urlSchema.optional(),
    description: z.string().trim().max(200).nullable().optional(),
    eventTypes: z.array(storeEventTypeSchema).max(STORE_EVENT_TYPES.length).optional(),
    enabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const rotateSecretSchema = z.object({
  secret: signingSecretSchema,
  /** How long the current secrets stay valid beside the new one (default 24 h; 0 = revoke at once). */
  overlapHours: z.number().int().min(0).max(24 * 14).default(24),
});

export const replaySchema = z.union([
  z.object({ eventId: z.string().min(1).max(200) }),
  z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
]);

export const deliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export const eventsQuery = z.object({
  after: z.string().max(20_000).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** One type, or several comma-separated. */
  type: z
    .string()
    .describe('one event type, or several comma-separated (e.g. shipment.delivered,ndr.opened)')
    .optional()
    .transform((s) => (s ? s.split(',').map((t) => t.trim()) : undefined))
    .pipe(z.array(storeEventTypeSchema).optional()),
  orderId: orderIdSchema.optional(),
});
