import { z } from 'zod';

export const SHIPROCKET_BASE_URL = 'https://apiv2.shiprocket.in/v1/external';

/** Courier settings hold strings; accept "43" as well as 43, and "" as absent. */
const optionalPositiveInt = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v)) : v),
  z.number().int().positive().optional(),
);

export const shiprocketConfigSchema = z.object({
  baseUrl: z
    .url()
    .default(SHIPROCKET_BASE_URL)
    .transform((u) => u.replace(/\/+$/, '')),
  /** The API user's email (Settings → API → Add New API User); it must differ from the account login. */
  email: z.string().trim().min(1),
  password: z.string().min(1),
  /** The pickup-location nickname, matched exactly by Shiprocket. */
  pickupLocation: z.string().trim().min(1),
  pickupPincode: z.string().regex(/^\d{6}$/, 'a 6-digit pincode'),
  /** Pin every booking to one courier; otherwise Shiprocket applies the account's courier priority. */
  courierCompanyId: optionalPositiveInt,
  timeoutMs: z.number().int().positive().max(120_000).default(20_000),
});

export type ShiprocketConfig = z.output<typeof shiprocketConfigSchema>;
export type ShiprocketConfigInput = z.input<typeof shiprocketConfigSchema>;

/**
 * Validates settings. The error names the fields at fault and never echoes a value, because one of
 * them is the password.
 */
export function parseShiprocketConfig(input: unknown): ShiprocketConfig {
  const parsed = shiprocketConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.code}`);
  throw new Error(`invalid Shiprocket settings (${fields.join('; ')})`);
}
