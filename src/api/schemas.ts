// Request and response schemas: the same zod schemas validate requests and generate the OpenAPI document.
import { z } from 'zod';
import { courierDescriptor, courierIdSchema, courierProviderSchema, listCouriers } from '../couriers/registry';
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

export const shipBodySchema = z.object({ courierId: courierIdSchema.optional() }).strict();

export const listOrdersQuerySchema = z
  .object({
    status: z.enum(ORDER_STATUSES).optional(),
    courier: courierIdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export { courierIdSchema };
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
const webhookScheme = z.enum(['courier', 'hmac-sha256']).optional().describe("'hmac-sha256' switches this courier's webhooks to Waybill's generic HMAC scheme");

/** A courier's non-secret fields (its descriptor's, plus webhookScheme, which every courier has). */
export function courierFieldsSchema(courierId: string): z.ZodObject {
  return courierDescriptor(courierId).settings.fields.extend({ webhookScheme }).strict();
}

const apiConfigSchema = z
  .object({
    provider: courierProviderSchema,
    enabled: z.boolean(),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    apiKey: secretInput,
    apiSecret: secretInput,
    webhookSecret: secretInput,
  })
  .strict();

function settingsBody(fields: z.ZodObject, required: readonly string[]) {
  return z
    .object({ apiConfig: apiConfigSchema, fields: fields.optional().transform((f) => (f ?? {}) as Record<string, string>) })
    .strict()
    .superRefine((b, ctx) => {
      if (!b.apiConfig.enabled || b.apiConfig.provider === 'manual') return;
      const f = b.fields as Record<string, unknown>;
      for (const name of required) if (f[name] === undefined) ctx.addIssue({ code: 'custom', path: ['fields', name], message: `required when the courier is enabled` });
    });
}

const bodies = new WeakMap<object, ReturnType<typeof settingsBody>>();
/** The PUT body for one registered courier's settings, validated with that courier's own fields. */
export function courierSettingsBodySchema(courierId: string): ReturnType<typeof settingsBody> {
  const d = courierDescriptor(courierId);
  let body = bodies.get(d);
  if (!body) bodies.set(d, (body = settingsBody(courierFieldsSchema(courierId), d.settings.required)));
  return body;
}

/** For the OpenAPI document: any registered courier's body (the route validates with that courier's own schema). */
export function anyCourierSettingsBodySchema() {
  const fields = listCouriers().map((c) => courierFieldsSchema(c.id));
  return z
    .object({ apiConfig: apiConfigSchema, fields: (fields.length > 1 ? z.union(fields as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]) : fields[0]!).optional() })
    .strict();
}

/** "shiprocket: pickupLocation*, pickupPincode*, courierCompanyId; …" (* required when enabled). */
export function courierFieldsSummary(): string {
  return listCouriers()
    .map((c) => `${c.id}: ${Object.keys(c.settings.fields.shape).map((f) => (c.settings.required.includes(f) ? `${f}*` : f)).join(', ')}`)
    .join('; ');
}

export const inboxQuerySchema = z
  .object({
    status: z.enum(['pending', 'delivered', 'unmatched', 'rejected']).optional(),
    courier: courierIdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
