// Response shapes, as zod, for the OpenAPI document only (handlers build responses from typed values).
// Kept beside the request schemas so the document is generated from one vocabulary.
import { z } from 'zod';
import { courierIdSchema, courierProviderSchema } from '../couriers/registry';
import { NDR_REASONS, ORDER_STATUSES, SHIPMENT_STATUSES } from '../domain/status';
import { ndrActionSchema } from './schemas';

const courier = courierIdSchema;
const shipmentStatus = z.enum(SHIPMENT_STATUSES);
const orderStatus = z.enum(ORDER_STATUSES);
const isoTime = z.string().describe('ISO-8601 UTC');
const eventSource = z.enum(['webhook', 'poll', 'manual', 'booking']);

export const errorResponse = z
  .object({
    error: z.object({
      code: z.enum(['validation_failed', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'payload_too_large', 'unprocessable', 'rate_limited', 'unavailable', 'internal']),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const orderResponse = z
  .object({
    id: z.string(),
    status: orderStatus,
    statusHistory: z.array(z.object({ key: z.string(), status: orderStatus, at: isoTime, source: z.enum(['webhook', 'poll', 'manual', 'booking', 'store']), by: z.string().optional(), reason: z.string().optional() })),
    notes: z.array(z.object({ key: z.string(), at: isoTime, text: z.string(), by: z.string() })),
    customer: z.object({ name: z.string(), email: z.string().optional(), phone: z.string().optional() }),
    shippingAddress: z.object({ address1: z.string(), address2: z.string().optional(), city: z.string(), state: z.string(), pincode: z.string(), country: z.literal('IN') }),
    items: z.array(z.object({ name: z.string(), sku: z.string(), quantity: z.number(), unitPrice: z.number(), weight: z.string().optional() })),
    paymentMethod: z.enum(['prepaid', 'cod']),
    codAmount: z.number(),
    orderValue: z.number(),
    shipment: z.object({ courier, workflowId: z.string(), awb: z.string().optional(), trackingUrl: z.string().optional(), shippedAt: isoTime }).optional(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: 'Order' });

export const orderPageResponse = z.object({ items: z.array(orderResponse), nextCursor: z.string().nullable() });

export const shipResponse = z.object({
  orderId: z.string(),
  workflowId: z.string(),
  courier,
  awb: z.string(),
  trackingUrl: z.string(),
  carrierName: z.string().nullable().describe("the aggregator's underlying carrier, e.g. \"Delhivery Surface\""),
});

const ndrState = z.object({
  open: z.boolean(),
  reason: z.enum(NDR_REASONS),
  rawCode: z.string(),
  rawText: z.string(),
  attempts: z.number(),
  openedAt: isoTime,
  deadlineAt: isoTime,
  escalated: z.boolean(),
  escalationReason: z.string().optional(),
  lastEventKey: z.string().optional(),
  resolution: z.object({ action: ndrActionSchema, by: z.enum(['customer', 'admin', 'default']), at: isoTime, sentToCourier: z.boolean(), courierReference: z.string().optional(), error: z.string().optional() }).optional(),
});

export const trackingViewResponse = z
  .object({
    orderId: z.string(),
    courier,
    booking: z.union([
      z.object({ state: z.literal('pending') }),
      z.object({ state: z.literal('booked'), awb: z.string(), courier, trackingUrl: z.string(), carrierName: z.string().optional(), bookedAt: isoTime }).loose(),
      z.object({ state: z.literal('failed'), code: z.string(), message: z.string(), failedAt: isoTime }).loose(),
      z.object({ state: z.literal('cancelled'), at: isoTime }),
    ]),
    awb: z.string().optional(),
    trackingUrl: z.string().optional(),
    status: shipmentStatus,
    orderStatus,
    timeline: z.array(
      z.object({
        key: z.string(),
        status: shipmentStatus.nullable(),
        rawCode: z.string(),
        rawLabel: z.string(),
        description: z.string(),
        location: z.string().optional(),
        occurredAt: isoTime,
        receivedAt: isoTime,
        source: eventSource,
        applied: z.boolean(),
      }),
    ),
    expectedDeliveryAt: isoTime.optional(),
    ndr: ndrState.optional(),
    manual: z.object({ status: shipmentStatus, by: z.string(), reason: z.string(), at: isoTime }).optional(),
    transitions: z.array(
      z.object({ from: shipmentStatus, to: shipmentStatus, source: eventSource, at: isoTime, recordedAt: isoTime, eventKey: z.string().optional(), by: z.string().optional(), reason: z.string().optional() }),
    ),
    stuck: z.boolean(),
    pollError: z.string().optional(),
    lastEventAt: isoTime.optional(),
    lastSyncAt: isoTime.optional(),
    lastWebhookAt: isoTime.optional(),
    nextPollAt: isoTime.optional(),
    updatedAt: isoTime,
  })
  .meta({ id: 'TrackingView' });

export const syncResponse = z.object({
  success: z.boolean(),
  statusUpdated: z.boolean(),
  status: shipmentStatus.optional(),
  orderStatus: orderStatus.optional(),
  error: z.string().optional(),
});

export const batchSyncResponse = z.object({ results: z.array(syncResponse.extend({ orderId: z.string() })) });

export const ndrResolveResponse = z.object({ accepted: z.boolean(), sentToCourier: z.boolean(), status: shipmentStatus, message: z.string().optional() });

export const cancelResponse = z.object({ orderId: z.string(), cancelled: z.boolean(), status: shipmentStatus, message: z.string().optional() });

export const ndrQueueResponse = z.object({
  items: z.array(
    z.object({
      orderId: z.string(),
      courier,
      awb: z.string().nullable(),
      status: shipmentStatus,
      paymentMethod: z.enum(['prepaid', 'cod']).nullable(),
      ndr: ndrState,
      ageHours: z.number(),
      trackingUrl: z.string().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

const secretState = z.union([z.object({ set: z.literal(false) }), z.object({ set: z.literal(true), keyId: z.string(), needsRotation: z.boolean() })]);

export const courierSettingsResponse = z
  .object({
    courierId: courier,
    apiConfig: z.object({
      provider: courierProviderSchema,
      enabled: z.boolean(),
      baseUrl: z.string().optional(),
      apiKey: secretState,
      apiSecret: secretState,
      webhookSecret: secretState,
    }),
    fields: z.record(z.string(), z.string()),
    updatedAt: isoTime,
    updatedBy: z.string(),
  })
  .meta({ id: 'CourierSettings' });

export const webhookSetupResponse = z.object({
  courierId: courier,
  urls: z.array(z.object({ purpose: z.string(), url: z.string() })),
  auth: z.object({ scheme: z.enum(['header', 'body-token', 'hmac-sha256']), header: z.string().optional(), bodyField: z.string().optional(), value: z.string(), configured: z.boolean() }),
  compliant: z.boolean(),
  problems: z.array(z.string()),
  instructions: z.string(),
});

export const rotationResponse = z.object({ rotated: z.number(), failed: z.array(z.object({ courierId: z.string(), field: z.string(), keyId: z.string() })) });

const inboxStatus = z.enum(['pending', 'delivered', 'unmatched', 'rejected']);
export const inboxResponse = z.object({
  counts: z.record(inboxStatus, z.number()),
  items: z.array(
    z.object({
      id: z.string(),
      courier,
      endpoint: z.string(),
      status: inboxStatus,
      receivedAt: isoTime,
      attempts: z.number(),
      nextAttemptAt: isoTime,
      deliveries: z.array(z.object({ awb: z.string(), orderId: z.string().optional(), status: inboxStatus, deliveredAt: isoTime.optional(), attempts: z.number(), lastError: z.string().optional(), eventCount: z.number() })),
    }),
  ),
});

export const webhookAckResponse = z.object({ ok: z.literal(true), id: z.string().describe('the inbox id (for support)'), duplicate: z.boolean(), events: z.number() });

export const healthResponse = z.object({ status: z.string(), checks: z.record(z.string(), z.string()).optional() });
