// Delhivery B2C (Express) account settings. Parsed once when a client is built, so a bad setting fails at
// start-up instead of on the first shipment.
import { z } from 'zod';
import { FORBIDDEN_CHARS } from './sanitize';

export const DELHIVERY_PRODUCTION_URL = 'https://track.delhivery.com';
/** Staging needs its own token: a production token there fails with "'NoneType' object has no attribute 'end_date'". */
export const DELHIVERY_STAGING_URL = 'https://staging-express.delhivery.com';

const noForbiddenChars = (s: string) => !FORBIDDEN_CHARS.test(s);

export const delhiveryConfigSchema = z.object({
  baseUrl: z
    .url()
    .default(DELHIVERY_PRODUCTION_URL)
    .transform((u) => u.replace(/\/+$/, '')),
  // At least 8 characters so redaction (which ignores very short strings) always scrubs it.
  apiToken: z.string().trim().min(8, 'apiToken looks too short for a Delhivery API token'),
  /**
   * The pickup location exactly as registered with Delhivery. Case-sensitive: "Main WH" and "main wh" are
   * different warehouses, and a mismatch fails every booking with "ClientWarehouse matching query does not
   * exist.". It is sent verbatim, so it cannot be sanitised: refuse it here if it holds a forbidden character.
   */
  warehouseName: z
    .string()
    .min(1)
    .refine((s) => s.trim() === s, 'warehouseName must not start or end with spaces (Delhivery matches it exactly)')
    .refine(noForbiddenChars, 'warehouseName contains a character Delhivery forbids (& # % ; \\)'),
  /** Where RTOs go when it is not the warehouse itself (Delhivery otherwise uses the warehouse's return address). */
  returnAddress: z
    .object({
      name: z.string().min(1),
      address: z.string().min(1),
      city: z.string().min(1),
      state: z.string().min(1),
      pincode: z.string().regex(/^\d{6}$/),
      phone: z.string().min(10),
      country: z.string().default('India'),
    })
    .optional(),
  shippingMode: z.enum(['Surface', 'Express']).default('Surface'),
  timeoutMs: z.number().int().positive().max(120_000).default(20_000),
});

export type DelhiveryConfigInput = z.input<typeof delhiveryConfigSchema>;
export type DelhiveryConfig = z.output<typeof delhiveryConfigSchema>;
