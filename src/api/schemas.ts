// Request and response schemas: the same zod schemas validate requests and generate the OpenAPI document.
import { z } from 'zod';
import { COURIER_IDS } from '../domain/events';
import { NDR_REASONS, ORDER_STATUSES, SHIPMENT_STATUSES } from '../domain/status';

export const orderIdSchema = z
  .string()
  .min(1)
  .max(50) // Shiprocket's and Delhivery's order reference limit
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, "-" and "_" only');

/** Indian mobile numbers: +91/0 prefixes and spaces are stripped to the 10 digits couriers require. */
export const phoneSchema = z
  .string()
  .transform((s) => s.replace(/[\s()-]/g, '').replace(/^(\+91|0091|91(?=\d{10}$)|0(?=\d{10}$))/, ''))
  .pipe(z.string().regex(/^[6-9]\d{9}$/, 'a 10-digit Indian mobile number'));

export const pincodeSchema = z.string().regex(/^[1-9]\d{5}$/, 'a 6-digit Indian pincode');

export const orderInputSchema = z
  .object({
    id: orderIdSchema,
    customer: z.object({
      name: z.string().trim().min(1).max(100),
      email: z.email().optional(),
      phone: phoneSchema.optional(),
    }),
    shippingAddress: z.object({
      address1: z.string().trim().min(3).max(200),
      address2: z.string().trim().max(200).optional(),
      city: z.string().trim().min(1).max(60),
      state: z.string().trim().min(2).max(60),
      pincode: pincodeSchema,
      country: z.literal('IN').default('IN'),
    }),
    items: z
      .array(
        z.object({
          name: z.string().trim().min(1).max(200),
          sku: z.string().trim().min(1).max(100),
          quantity: z.number().int().positive().max(10_000),
          unitPrice: z.number().nonnegative().max(10_000_000),
          /** As the catalog writes it: "500g", "1kg", "1.2 kg". */
          weight: z.string().max(20).optional(),
        }),
      )
      .min(1)
      .max(200),
    paymentMethod: z.enum(['prepaid', 'cod']),
    codAmount: z.number().nonnegative().max(10_000_000).optional(),
  })
  .strict()
  .refine((o) => o.paymentMethod === 'prepaid' || o.codAmount !== undefined, { message: 'codAmount is required for COD orders', path: ['codAmount'] });
export type OrderInput = z.infer<typeof orderInputSchema>;

export const shipBodySchema = z.object({ courierId: z.enum(COURIER_IDS).optional() }).strict();

export const listOrdersQuerySchema = z
  .object({
    status: z.enum(ORDER_STATUSES).optional(),
    courier: z.enum(COURIER_IDS).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const courierIdSchema = z.enum(COURIER_IDS);
export const orderParamsSchema = z.object({ id: orderIdSchema });
export const courierParamsSchema = z.object({ courierId: courierIdSchema });

/** Optional `Idempotency-Key` header: a retried request with the same key is answered, not re-applied. */
export const idempotencyKeySchema = z
  .string()
  .min(8)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

/** Bounded so one request cannot pin a worker pool for minutes. */
export const MAX_BATCH_SYNC = 100;
export const batchSyncBodySchema = z
  .object({ orderIds: z.array(orderIdSchema).min(1).max(MAX_BATCH_SYNC) })
  .strict()
  .transform((b) => ({ orderIds: [...new Set(b.orderIds)] }));

const reasonSchema = z.string().trim().min(3).max(500);

export const manualStatusBodySchema = z
  .object({
    status: z.enum(SHIPMENT_STATUSES),
    /** Recorded with the admin's identity on the order's history. */
    reason: reasonSchema,
  })
  .strict();

const comment = z.string().trim().max(300).optional();
export const ndrActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reattempt'), comment }).strict(),
  z.object({ type: z.literal('reschedule'), date: z.iso.date(), comment }).strict(),
  z
    .object({
      type: z.literal('change_address'),
      address1: z.string().trim().min(3).max(200),
      address2: z.string().trim().max(200).optional(),
      pincode: pincodeSchema.optional(),
      comment,
    })
    .strict(),
  z.object({ type: z.literal('change_phone'), phone: phoneSchema, comment }).strict(),
  z.object({ type: z.literal('return_to_origin'), comment }).strict(),
]);
export const ndrResolveBodySchema = z.object({ action: ndrActionSchema }).strict();

export const cancelBodySchema = z.object({ reason: reasonSchema }).strict();

export const ndrQuerySchema = z
  .object({
    courier: courierIdSchema.optional(),
    reason: z.enum(NDR_REASONS).optional(),
    minAttempts: z.coerce.number().int().min(0).max(20).optional(),
    paymentMethod: z.enum(['prepaid', 'cod']).optional(),
    /** Only NDRs open at least this many hours. */
    olderThanHours: z.coerce.number().min(0).max(24 * 90).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

// ---------------------------------------------------------------------------------------------------
// Courier settings. Secrets are write-only: omit to keep, null to clear, a string to replace.

const secretInput = z.string().min(1).max(1000).nullable().optional();
const digits = z.string().regex(/^\d+$/, 'digits only');
const pincode6 = z.string().regex(/^\d{6}$/, 'a 6-digit pincode');
const webhookScheme = z.enum(['courier', 'hmac-sha256']).optional().describe("'hmac-sha256' switches this courier's webhooks to Waybill's generic HMAC scheme");

/** Per courier: the non-secret fields its client and webhooks need, and which are required when enabled. */
export const COURIER_FIELDS = {
  shiprocket: {
    schema: z.object({ pickupLocation: z.string().trim().min(1).max(100).optional(), pickupPincode: pincode6.optional(), courierCompanyId: digits.optional(), webhookScheme }).strict(),
    required: ['pickupLocation', 'pickupPincode'],
  },
  delhivery: {
    schema: z
      .object({
        warehouseName: z.string().min(1).max(100).optional(),
        shippingMode: z.enum(['Surface', 'Express']).optional(),
        webhookHeaderName: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'an HTTP header name').optional(),
        webhookScheme,
      })
      .strict(),
    required: ['warehouseName'],
  },
  icarry: {
    schema: z
      .object({
        username: z.string().trim().min(1).max(100).optional(),
        pickupAddressId: digits.optional(),
        pickupPincode: pincode6.optional(),
        returnAddressId: digits.optional(),
        shipmentMode: z.enum(['S', 'E']).optional(),
        webhookScheme,
      })
      .strict(),
    required: ['username', 'pickupAddressId', 'pickupPincode'],
  },
} as const satisfies Record<(typeof COURIER_IDS)[number], { schema: z.ZodObject; required: readonly string[] }>;

const apiConfigSchema = z
  .object({
    provider: z.enum([...COURIER_IDS, 'manual']),
    enabled: z.boolean(),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    apiKey: secretInput,
    apiSecret: secretInput,
    webhookSecret: secretInput,
  })
  .strict();

function settingsBody<F extends z.ZodType>(fields: F, required: readonly string[]) {
  return z
    .object({ apiConfig: apiConfigSchema, fields: fields.optional().transform((f) => (f ?? {}) as Record<string, string>) })
    .strict()
    .superRefine((b, ctx) => {
      if (!b.apiConfig.enabled || b.apiConfig.provider === 'manual') return;
      const f = b.fields as Record<string, unknown>;
      for (const name of required) if (f[name] === undefined) ctx.addIssue({ code: 'custom', path: ['fields', name], message: `required when the courier is enabled` });
    });
}

export const courierSettingsBodySchemas = {
  shiprocket: settingsBody(COURIER_FIELDS.shiprocket.schema, COURIER_FIELDS.shiprocket.required),
  delhivery: settingsBody(COURIER_FIELDS.delhivery.schema, COURIER_FIELDS.delhivery.required),
  icarry: settingsBody(COURIER_FIELDS.icarry.schema, COURIER_FIELDS.icarry.required),
};

/** For the OpenAPI document: any courier's body (the route validates with that courier's own schema). */
export const courierSettingsBodySchema = z
  .object({
    apiConfig: apiConfigSchema,
    fields: z.union([COURIER_FIELDS.shiprocket.schema, COURIER_FIELDS.delhivery.schema, COURIER_FIELDS.icarry.schema]).optional(),
  })
  .strict();

export const inboxQuerySchema = z
  .object({
    status: z.enum(['pending', 'delivered', 'unmatched', 'rejected']).optional(),
    courier: courierIdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
