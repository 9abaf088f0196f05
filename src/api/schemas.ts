// Request and response schemas: the same zod schemas validate requests and generate the OpenAPI document.
import { z } from 'zod';
import { COURIER_IDS } from '../domain/events';
import { ORDER_STATUSES } from '../domain/status';

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
