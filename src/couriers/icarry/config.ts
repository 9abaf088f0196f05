import { z } from 'zod';
import { CourierError } from '../common/errors';

export const ICARRY_DEFAULT_BASE_URL = 'https://www.icarry.in';

const numericId = z
  .union([z.string().trim().regex(/^\d+$/, 'must be a numeric iCarry id'), z.number().int().positive()])
  .transform((v) => String(v));

export const icarryConfigSchema = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default(ICARRY_DEFAULT_BASE_URL)
    .transform((u) => u.replace(/\/+$/, ''))
    // The store's .env default (https://icarry.in/api_v3) is in no iCarry document: every endpoint hangs
    // off the site root (`/api_<name>&api_token=`), so a versioned base would 404 every call.
    .refine((u) => !/\/api_v\d+$/i.test(u), 'iCarry has no /api_vN base: use the site root, e.g. https://www.icarry.in'),
  username: z.string().trim().min(1),
  apiKey: z.string().min(1),
  /** "My Addresses" id of the warehouse iCarry picks up from (or api_add_pickup_address's warehouse_id). */
  pickupAddressId: numericId,
  pickupPincode: z.string().regex(/^\d{6}$/, 'must be a 6-digit pincode'),
  /** Where returns and RTOs go; iCarry uses the pickup address when absent. */
  returnAddressId: numericId.optional(),
  /** S = surface (api_add_shipment_surface), E = express/air (api_add_shipment_air). */
  shipmentMode: z.enum(['S', 'E']).default('S'),
  timeoutMs: z.number().int().positive().max(120_000).default(20_000),
});

export type IcarryConfigInput = z.input<typeof icarryConfigSchema>;
export type IcarryConfig = z.output<typeof icarryConfigSchema>;

/**
 * Settings → config, or a permanent CourierError naming each bad field and why. Values are never
 * echoed: one of them is the API key.
 */
export function parseIcarryConfig(input: unknown): IcarryConfig {
  const parsed = icarryConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`);
  throw new CourierError('icarry', 'configure', 'permanent', 'invalid_request', `invalid iCarry settings (${fields.join('; ')})`);
}
