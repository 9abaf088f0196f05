// Response shapes of the store integration, as zod, for the OpenAPI document (handlers answer typed values
// from src/store-webhooks/service.ts), and the store event payloads: the body of every webhook Waybill
// sends to the store and the items of GET /api/events. A store can validate what it receives with
// `storeEventBodySchema`. Compile-time checks below keep each schema in step with its TypeScript type.
import { z } from 'zod';
import {
  STORE_EVENT_TYPES,
  type BookedData,
  type NdrAnsweredData,
  type NdrOpenedData,
  type NdrResolvedData,
  type StatusChangeData,
  type StoreEvent,
  type StoreEventType,
} from '../domain/store-events';
import { NDR_REASONS, ORDER_STATUSES, SHIPMENT_STATUSES } from '../domain/status';
import type { DeliveryRow } from '../store-webhooks/service';
import type { StoreEndpointView } from '../storage/store-endpoints-repo';

const isoTime = z.string().describe('ISO-8601 UTC');
const shipmentStatus = z.enum(SHIPMENT_STATUSES);
const orderStatus = z.enum(ORDER_STATUSES);
const eventType = z.enum(STORE_EVENT_TYPES);

// Event payloads are loose objects: fields may be added within a version, and a receiver ignores what it
// does not know (a breaking change bumps `version`).
export const bookedDataSchema = z
  .looseObject({
    courier: z.string().describe('shiprocket, delhivery, icarry, …'),
    awb: z.string().describe("the courier's air waybill number"),
    trackingUrl: z.string().describe("the courier's tracking page for this AWB ('' when it has none)"),
    trackingPageUrl: z.string().optional().describe("Waybill's own tracking page for the customer (a signed link), when configured"),
    carrierName: z.string().optional().describe("an aggregator's underlying carrier, e.g. \"Delhivery Surface\""),
  })
  .meta({ id: 'StoreEventBookedData' });

export const statusChangeDataSchema = z
  .looseObject({
    from: shipmentStatus,
    to: shipmentStatus,
    orderStatus: orderStatus.describe('the order status the store should show now'),
    previousOrderStatus: orderStatus,
    source: z.string().describe('what caused it: webhook, poll, manual, booking'),
    courierStatus: z.string().optional().describe("the courier's own status text of the scan that caused it"),
    courierStatusCode: z.string().optional(),
    location: z.string().optional(),
    at: isoTime.describe("the courier's time of the scan (Waybill's time for a manual or booking change)"),
    by: z.string().optional().describe('who made a manual change'),
    reason: z.string().optional().describe('why a manual change was made'),
  })
  .meta({ id: 'StoreEventStatusChangeData' });

export const ndrOpenedDataSchema = z
  .looseObject({
    reason: z.enum(NDR_REASONS).or(z.string()).describe('the normalised NDR reason'),
    courierReasonCode: z.string(),
    courierReasonText: z.string(),
    attempts: z.number().int().min(0).describe('delivery attempts so far'),
    deadlineAt: isoTime.describe('when the default action is taken if nobody answers'),
  })
  .meta({ id: 'StoreEventNdrOpenedData' });

export const ndrAnsweredDataSchema = z
  .looseObject({
    action: z.string().describe('reattempt, reschedule, change_address, change_phone, return_to_origin'),
    by: z.enum(['customer', 'admin', 'default']),
    sentToCourier: z.boolean(),
    courierReference: z.string().optional(),
    error: z.string().optional().describe('why the courier did not take it, when it did not'),
  })
  .meta({ id: 'StoreEventNdrAnsweredData' });

export const ndrResolvedDataSchema = z
  .looseObject({
    status: shipmentStatus.describe('the status that closed the NDR'),
    attempts: z.number().int().min(0),
  })
  .meta({ id: 'StoreEventNdrResolvedData' });

/** The `data` schema of each event type (the milestones repeat their `shipment.status_changed`'s data). */
export const STORE_EVENT_DATA_SCHEMAS = {
  'shipment.booked': bookedDataSchema,
  'shipment.status_changed': statusChangeDataSchema,
  'shipment.delivered': statusChangeDataSchema,
  'shipment.rto_started': statusChangeDataSchema,
  'shipment.rto_delivered': statusChangeDataSchema,
  'shipment.cancelled': statusChangeDataSchema,
  'shipment.lost': statusChangeDataSchema,
  'shipment.damaged': statusChangeDataSchema,
  'ndr.opened': ndrOpenedDataSchema,
  'ndr.answered': ndrAnsweredDataSchema,
  'ndr.resolved': ndrResolvedDataSchema,
} as const satisfies Record<StoreEventType, z.ZodType>;

const common = {
  id: z.string().describe('stable across retries and replays (also the `webhook-id` header): dedupe on it'),
  version: z.number().int().min(1).describe('payload version (1): a breaking change bumps it'),
  orderId: z.string(),
  sequence: z.number().int().min(1).describe("1, 2, 3 … per order in the order the changes happened: apply an event only if its sequence is above the last one applied (numbers skip for types an endpoint does not subscribe to)"),
};

/** The JSON body of a webhook of one type, as `storeEventBody` writes it. */
export function storeEventBodySchemaFor<T extends StoreEventType>(type: T) {
  return z.looseObject({ ...common, type: z.literal(type), timestamp: isoTime.describe('when the change happened'), data: STORE_EVENT_DATA_SCHEMAS[type] });
}

/** The JSON body of any store event webhook, narrowed on `type`. */
export const storeEventBodySchema = z.discriminatedUnion(
  'type',
  STORE_EVENT_TYPES.map((t) => storeEventBodySchemaFor(t)) as unknown as [ReturnType<typeof storeEventBodySchemaFor>, ...Array<ReturnType<typeof storeEventBodySchemaFor>>],
);

/** An event as GET /api/events lists it (`occurredAt` where the webhook body says `timestamp`). */
function feedEventSchemaFor<T extends StoreEventType>(type: T) {
  return z.looseObject({ ...common, type: z.literal(type), occurredAt: isoTime.describe('when the change happened'), data: STORE_EVENT_DATA_SCHEMAS[type] });
}
export const storeEventSchema = z
  .discriminatedUnion('type', STORE_EVENT_TYPES.map((t) => feedEventSchemaFor(t)) as unknown as [ReturnType<typeof feedEventSchemaFor>, ...Array<ReturnType<typeof feedEventSchemaFor>>])
  .meta({ id: 'StoreEvent' });

const health = z.object({
  lastSuccessAt: isoTime.optional(),
  lastFailureAt: isoTime.optional(),
  failingSince: isoTime.optional().describe('first failure since the last success: an endpoint failing this long (72 h by default) is disabled'),
  lastError: z.string().optional(),
});

/** An endpoint as the API shows it: which secrets exist and until when, never what they are. */
export const storeEndpointResponse = z
  .object({
    id: z.string().describe('ep_ and 16 hex digits'),
    url: z.string(),
    description: z.string().optional(),
    eventTypes: z.array(eventType).describe('empty: every type'),
    secrets: z
      .array(z.object({ id: z.string(), createdAt: isoTime, expiresAt: isoTime.optional().describe('an old secret still signing beside the new one until then') }))
      .describe('newest first; the values are write-only and never returned'),
    enabled: z.boolean(),
    disabledAt: isoTime.optional(),
    disabledReason: z.string().optional().describe('why it was disabled: by whom, a 410 Gone, or days of failures'),
    createdAt: isoTime,
    updatedAt: isoTime,
    updatedBy: z.string(),
    health,
  })
  .meta({ id: 'StoreEndpoint' });

export const storeEndpointListResponse = z.object({ items: z.array(storeEndpointResponse) });

const delivery = z.object({
  endpointId: z.string(),
  eventId: z.string(),
  orderId: z.string(),
  type: eventType,
  status: z.enum(['pending', 'delivered', 'failed', 'skipped', 'gone']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().optional(),
  lastError: z.string().optional(),
  lastLatencyMs: z.number().optional(),
  firstAttemptAt: isoTime,
  lastAttemptAt: isoTime,
  deliveredAt: isoTime.optional(),
  replays: z.number().int().optional().describe('times an operator replayed it'),
});

export const storeDeliveriesResponse = z.object({
  items: z
    .array(z.object({ event: z.intersection(storeEventSchema, z.object({ recordedAt: isoTime })), delivery: delivery.optional().describe('absent: not sent to this endpoint (not subscribed, or not yet)') }))
    .describe('the newest events first'),
});

export const storeReplayResponse = z.object({
  replayId: z.string().describe("the replay workflow's id ('' when the range held no event)"),
  events: z.number().int().describe('events to be delivered again, in the order they happened'),
});

export const storeEventsPageResponse = z.object({
  items: z.array(storeEventSchema),
  next: z.string().describe('pass as `after` for what follows; with hasMore false, ask again later for new events'),
  hasMore: z.boolean(),
});

// Every value the service returns fits its schema: a field added to a type without its schema does not compile.
type Fits<T, S extends z.ZodType> = [T] extends [z.input<S>] ? true : never;
// Loose objects accept any other key: compare with the declared keys only (an interface has no index signature).
type FitsShape<T, S extends z.ZodObject> = Fits<T, z.ZodObject<S['shape']>>;
const fits: [
  FitsShape<BookedData, typeof bookedDataSchema>,
  FitsShape<StatusChangeData, typeof statusChangeDataSchema>,
  FitsShape<NdrOpenedData, typeof ndrOpenedDataSchema>,
  FitsShape<NdrAnsweredData, typeof ndrAnsweredDataSchema>,
  FitsShape<NdrResolvedData, typeof ndrResolvedDataSchema>,
  Fits<StoreEndpointView, typeof storeEndpointResponse>,
  Fits<NonNullable<DeliveryRow['delivery']>, typeof delivery>,
  Fits<Pick<StoreEvent, 'id' | 'orderId' | 'sequence' | 'version'>, z.ZodObject<typeof common>>,
] = [true, true, true, true, true, true, true, true];
void fits;
