// The store integration's part of the OpenAPI document: the admin routes of the store's webhook
// endpoints and GET /api/events (spread into apiRoutes()), and the top-level `webhooks` section: one POST per
// store event type, as Waybill sends it to the store (Standard Webhooks headers, body, example, and
// what each answer means).
import { z } from 'zod';
import { ORDER_STATUS_FOR, type ShipmentStatus } from '../../domain/status';
import { STORE_EVENT_TYPES, STORE_EVENT_VERSION, storeEventBody, storeEventId, type StatusChangeData, type StoreEvent, type StoreEventType } from '../../domain/store-events';
import { signatureHeaders } from '../../lib/standard-webhooks';
import { createEndpointSchema, deliveriesQuery, endpointIdParams, eventsQuery, replaySchema, rotateSecretSchema, updateEndpointSchema } from '../store-webhook-schemas';
import { storeDeliveriesResponse, storeEndpointListResponse, storeEndpointResponse, storeEventBodySchemaFor, storeEventsPageResponse, storeReplayResponse } from '../store-webhook-responses';
import type { RouteDoc } from './routes';

type Json = Record<string, unknown>;
type SchemaFn = (s: z.ZodType, io: 'input' | 'output') => Json;

const ADMIN = '/api/admin/store-webhooks';
export const STORE_WEBHOOKS_TAG = 'Store webhooks';
export const STORE_EVENTS_TAG = 'Store events';

export const STORE_WEBHOOK_ROUTES: RouteDoc[] = [
  { method: 'get', path: ADMIN, tag: STORE_WEBHOOKS_TAG, summary: "The store's webhook endpoints, oldest first", description: 'Secrets are never returned: each endpoint lists which secrets exist and until when.', auth: 'admin', ok: { status: 200, description: 'every endpoint', schema: storeEndpointListResponse } },
  {
    method: 'post',
    path: ADMIN,
    tag: STORE_WEBHOOKS_TAG,
    summary: 'Add an endpoint that receives store events',
    description:
      'The signing secret is chosen by the store: `whsec_` followed by 24–64 random bytes in base64 (e.g. `echo "whsec_$(openssl rand -base64 32)"`). It is stored encrypted and never returned. `eventTypes` empty or omitted: every type. The events Waybill then sends are described under `webhooks`.',
    auth: 'admin',
    body: createEndpointSchema,
    ok: { status: 201, description: 'created (without its secret)', schema: storeEndpointResponse },
  },
  { method: 'get', path: `${ADMIN}/:id`, tag: STORE_WEBHOOKS_TAG, summary: 'One endpoint, with its health', auth: 'admin', params: endpointIdParams, ok: { status: 200, description: 'the endpoint', schema: storeEndpointResponse }, errors: [404] },
  {
    method: 'patch',
    path: `${ADMIN}/:id`,
    tag: STORE_WEBHOOKS_TAG,
    summary: 'Change an endpoint, or disable or re-enable it',
    description: 'Only the fields given change (`description: null` clears it). `enabled: true` on a disabled endpoint (by hand, after a 410 Gone, or after days of failures) clears the reason and starts its failure streak again; events that were skipped meanwhile can be replayed.',
    auth: 'admin',
    params: endpointIdParams,
    body: updateEndpointSchema,
    ok: { status: 200, description: 'the endpoint after the change', schema: storeEndpointResponse },
    errors: [404],
  },
  { method: 'delete', path: `${ADMIN}/:id`, tag: STORE_WEBHOOKS_TAG, summary: 'Remove an endpoint', description: 'Deliveries in flight to it stop at their next attempt.', auth: 'admin', params: endpointIdParams, ok: { status: 204, description: 'removed' }, errors: [404] },
  {
    method: 'post',
    path: `${ADMIN}/:id/rotate-secret`,
    tag: STORE_WEBHOOKS_TAG,
    summary: 'Rotate the signing secret',
    description:
      'The new secret signs from now on; the current ones keep signing beside it (one `v1,` entry each in `webhook-signature`) for `overlapHours` (default 24; 0 revokes them at once), so the store can switch its verifier without dropping a delivery. The answer lists the secrets with the old ones\' `expiresAt`.',
    auth: 'admin',
    params: endpointIdParams,
    body: rotateSecretSchema,
    ok: { status: 200, description: 'the endpoint after the rotation', schema: storeEndpointResponse },
    errors: [404],
  },
  {
    method: 'get',
    path: `${ADMIN}/:id/deliveries`,
    tag: STORE_WEBHOOKS_TAG,
    summary: 'The newest events and what became of each at this endpoint',
    description: 'An event without `delivery` was not sent to this endpoint (a type it does not want, or not yet).',
    auth: 'admin',
    params: endpointIdParams,
    query: deliveriesQuery,
    ok: { status: 200, description: 'newest first', schema: storeDeliveriesResponse },
    errors: [404],
  },
  {
    method: 'post',
    path: `${ADMIN}/:id/replay`,
    tag: STORE_WEBHOOKS_TAG,
    summary: 'Deliver one event, or every event of a time range, again',
    description:
      '`{eventId}` or `{from, to}` (the time the events were recorded; at most 10,000 events). Delivered in the order they happened, even if delivered before and even to a disabled endpoint, with the same ids (the store dedupes). Events are kept 30 days (STORE_EVENTS_RETENTION_DAYS): 404 for one no longer kept.',
    auth: 'admin',
    params: endpointIdParams,
    body: replaySchema,
    ok: { status: 202, description: 'the replay started', schema: storeReplayResponse },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/events',
    tag: STORE_EVENTS_TAG,
    summary: 'Every store event after a cursor (catch-up)',
    description:
      'For a store catching up on webhooks it missed or never subscribed to: the same events as the webhooks, kept 30 days, in the order they were recorded (one order\'s events in sequence). Start without `after`, then pass each page\'s `next` back unchanged; `hasMore: false` means caught up for now (poll again later with the same `next`). With `orderId`: that order\'s events only. A cursor that was changed, or one from another `orderId`, is refused with 400.',
    auth: 'admin',
    query: eventsQuery,
    ok: { status: 200, description: 'one page', schema: storeEventsPageResponse },
  },
];

// ---------------------------------------------------------------------------------------------------
// The webhooks Waybill sends.

const SUMMARY: Record<StoreEventType, string> = {
  'shipment.booked': 'The shipment was booked: AWB and tracking links',
  'shipment.status_changed': "The shipment's status changed (every transition)",
  'shipment.delivered': 'Delivered to the customer',
  'shipment.rto_started': 'Return to origin started',
  'shipment.rto_delivered': 'Returned to the store',
  'shipment.cancelled': 'The shipment was cancelled',
  'shipment.lost': 'The courier declared the shipment lost',
  'shipment.damaged': 'The courier declared the shipment damaged',
  'ndr.opened': 'A delivery attempt failed (NDR): an answer is wanted before the deadline',
  'ndr.answered': 'The NDR was answered (customer, admin or the default action)',
  'ndr.resolved': 'The NDR closed: delivered, out for delivery again, or returning',
};

/** The documented example secret (Standard Webhooks' own): the example headers verify with it. */
export const EXAMPLE_SIGNING_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const ORDER = 'ORD-10482';
const change = (from: ShipmentStatus, to: ShipmentStatus, over: Partial<StatusChangeData> & { at: string }): StatusChangeData => ({
  from,
  to,
  orderStatus: ORDER_STATUS_FOR[to],
  previousOrderStatus: ORDER_STATUS_FOR[from],
  source: 'webhook',
  ...over,
});
const ev = (type: StoreEventType, sequence: number, occurredAt: string, data: StoreEvent['data']): StoreEvent => ({ id: storeEventId(ORDER, sequence), type, version: STORE_EVENT_VERSION, orderId: ORDER, sequence, occurredAt, data });

/** One realistic event per type (one order's life, with its alternatives). */
export const STORE_EVENT_EXAMPLES: Record<StoreEventType, StoreEvent> = {
  'shipment.booked': ev('shipment.booked', 1, '2026-03-02T09:14:05.120Z', {
    courier: 'delhivery',
    awb: '1490820394756',
    trackingUrl: 'https://www.delhivery.com/track/package/1490820394756',
    trackingPageUrl: 'https://shop.example.in/order-tracking/ORD-10482?t=Yk2x9Qe1',
  }),
  'shipment.status_changed': ev(
    'shipment.status_changed',
    3,
    '2026-03-03T02:41:19.503Z',
    change('picked_up', 'in_transit', { courierStatus: 'In Transit', courierStatusCode: 'UD', location: 'Bhiwandi_Mh (Maharashtra)', at: '2026-03-03T02:38:00.000Z' }),
  ),
  'shipment.delivered': ev('shipment.delivered', 6, '2026-03-05T08:02:44.871Z', change('out_for_delivery', 'delivered', { courierStatus: 'Delivered', courierStatusCode: 'DL', location: 'Mumbai_Andheri_DC (Maharashtra)', at: '2026-03-05T07:58:00.000Z' })),
  'shipment.rto_started': ev('shipment.rto_started', 9, '2026-03-07T11:20:03.002Z', change('undelivered', 'rto_initiated', { courierStatus: 'RTO Initiated', courierStatusCode: 'RT', location: 'Mumbai_Andheri_DC (Maharashtra)', at: '2026-03-07T11:15:00.000Z' })),
  'shipment.rto_delivered': ev('shipment.rto_delivered', 12, '2026-03-11T06:45:37.640Z', change('rto_in_transit', 'rto_delivered', { courierStatus: 'RTO Delivered', courierStatusCode: 'DL', location: 'Bengaluru_Koramangala (Karnataka)', at: '2026-03-11T06:40:00.000Z' })),
  'shipment.cancelled': ev('shipment.cancelled', 3, '2026-03-02T10:05:12.330Z', change('booked', 'cancelled', { source: 'manual', at: '2026-03-02T10:05:12.330Z', by: 'admin:0', reason: 'customer asked to cancel before pickup' })),
  'shipment.lost': ev('shipment.lost', 5, '2026-03-12T04:00:09.118Z', change('in_transit', 'lost', { source: 'poll', courierStatus: 'Shipment Lost', courierStatusCode: 'LT', at: '2026-03-12T03:30:00.000Z' })),
  'shipment.damaged': ev('shipment.damaged', 5, '2026-03-04T13:27:50.455Z', change('in_transit', 'damaged', { courierStatus: 'Damaged', courierStatusCode: 'DMG', location: 'Nagpur_Hub (Maharashtra)', at: '2026-03-04T13:20:00.000Z' })),
  'ndr.opened': ev('ndr.opened', 7, '2026-03-05T14:32:10.009Z', {
    reason: 'consignee_unavailable',
    courierReasonCode: 'EOD-74',
    courierReasonText: 'Consignee not available at the address',
    attempts: 1,
    deadlineAt: '2026-03-06T14:32:10.009Z',
  }),
  'ndr.answered': ev('ndr.answered', 8, '2026-03-05T16:02:41.776Z', { action: 'reattempt', by: 'customer', sentToCourier: true, courierReference: 'NDR-REQ-55812' }),
  'ndr.resolved': ev('ndr.resolved', 10, '2026-03-06T04:12:35.210Z', { status: 'out_for_delivery', attempts: 1 }),
};

/** The headers of the example delivery: signed with EXAMPLE_SIGNING_SECRET, a few seconds after the event. */
export function exampleSignatureHeaders(e: StoreEvent) {
  return signatureHeaders({ id: e.id, timestamp: new Date(Date.parse(e.occurredAt) + 3_000), body: storeEventBody(e), secrets: [EXAMPLE_SIGNING_SECRET] });
}

const DELIVERY_RULES =
  'Answer with any 2xx within 10 seconds (STORE_WEBHOOK_TIMEOUT_MS) once the event is stored: it counts as delivered and is not sent again (unless an operator replays it). ' +
  'Answer 410 Gone to unsubscribe: the endpoint is disabled at once and gets nothing more until it is re-enabled. ' +
  'Any other status (3xx included: redirects are not followed), a refused connection or no answer within 10 seconds is retried with exponential backoff (5 s, doubling, at most 10 min apart) for up to 3 days; a `Retry-After` header (seconds or an HTTP date, at most 1 h) sets the next delay. ' +
  'An endpoint that has had no success for 72 hours (STORE_WEBHOOK_DISABLE_AFTER_HOURS) is disabled and the admins are told.';

function webhookOperation(type: StoreEventType, schema: SchemaFn): Json {
  const example = STORE_EVENT_EXAMPLES[type];
  const headers = exampleSignatureHeaders(example);
  const header = (name: string, description: string, s: Json, required = true) => ({ name, in: 'header', required, description, schema: s, example: (headers as Record<string, string>)[name] });
  return {
    operationId: `storeEvent${type
      .split(/[._]/)
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join('')}`,
    tags: [STORE_EVENTS_TAG],
    summary: SUMMARY[type],
    description:
      `Waybill POSTs this to every enabled endpoint subscribed to \`${type}\` (or to every type), as \`application/json\` with \`User-Agent: Waybill-Webhooks/1\`, signed per Standard Webhooks (https://www.standardwebhooks.com). ` +
      'Verify before parsing: compute `base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{raw body}"))`, with key the base64-decoded part of your secret after `whsec_`, compare it in constant time with each `v1,` entry of `webhook-signature`, and refuse a timestamp more than 5 minutes from now (the typed client module\'s `parseStoreEvent` does all of it). ' +
      'Deliveries can repeat and, across orders, arrive in any order: dedupe on `webhook-id` and, per order, apply an event only if its `sequence` is above the last applied. Missed some? Catch up with GET /api/events. ' +
      DELIVERY_RULES,
    parameters: [
      header('webhook-id', 'The event id (the body\'s `id`): the same on every retry and replay. Dedupe on it.', { type: 'string' }),
      header('webhook-timestamp', 'Unix seconds of this attempt (a retry has a new one). Refuse one more than 5 minutes from now.', { type: 'string', pattern: '^\\d+$' }),
      header(
        'webhook-signature',
        'Space-separated signatures, `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{raw body}">`, one per live secret: two while a rotation overlaps (accept if any matches one of yours). The example is signed with ' +
          `\`${EXAMPLE_SIGNING_SECRET}\`.`,
        { type: 'string', pattern: '^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$' },
      ),
    ],
    requestBody: {
      required: true,
      description: 'Read it raw: the signature covers the exact bytes.',
      content: { 'application/json': { schema: schema(storeEventBodySchemaFor(type), 'input'), example: JSON.parse(storeEventBody(example)) as unknown } },
    },
    responses: {
      '2XX': { description: 'Delivered: not sent again. The body is ignored.' },
      '410': { description: 'Gone: the endpoint is disabled and gets no more events until re-enabled (console or PATCH /api/admin/store-webhooks/{id}).' },
      default: {
        description: 'Not delivered (any other status, or no answer within 10 s): retried with exponential backoff for up to 3 days.',
        headers: { 'Retry-After': { description: 'Seconds, or an HTTP date: when to try again (honoured up to 1 h).', schema: { type: 'string' } } },
      },
    },
  };
}

/** The OpenAPI 3.1 `webhooks` section: one entry per store event type. */
export function storeEventWebhooks(schema: SchemaFn): Json {
  return Object.fromEntries(STORE_EVENT_TYPES.map((t) => [t, { post: webhookOperation(t, schema) }]));
}

export const STORE_TAGS = [
  { name: STORE_WEBHOOKS_TAG, description: "The store's own system subscribes to events as signed webhooks (see `webhooks`)." },
  { name: STORE_EVENTS_TAG, description: `What Waybill sends the store, and the feed to catch up with. ${DELIVERY_RULES}` },
];
