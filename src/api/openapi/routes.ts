// Every route the API serves, described with the zod schemas its handler validates with. The OpenAPI
// document is built from this table, and a test checks the table against the routes Express really has.
import type { z } from 'zod';
import { analyticsQuerySchema } from '../../analytics';
import { listCouriers } from '../../couriers/registry';
import { WEBHOOK_PATHS } from '../../webhooks/endpoints';
import * as res from '../response-schemas';
import {
  anyCourierSettingsBodySchema,
  batchSyncBodySchema,
  cancelBodySchema,
  courierFieldsSummary,
  courierParamsSchema,
  inboxQuerySchema,
  listOrdersQuerySchema,
  manualStatusBodySchema,
  ndrQuerySchema,
  ndrResolveBodySchema,
  orderInputSchema,
  orderParamsSchema,
  shipBodySchema,
} from '../schemas';
import { STORE_WEBHOOK_ROUTES } from './store-events';

export type Auth = 'admin' | 'courier' | 'none';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express syntax (`:id`). */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  params?: z.ZodObject;
  /** An object schema (possibly refined or transformed); its input side becomes the query parameters. */
  query?: z.ZodType;
  body?: z.ZodType;
  /** Webhooks: any content type, read as raw bytes. */
  rawBody?: boolean;
  /** Accepts `Idempotency-Key`. */
  idempotent?: boolean;
  ok: { status: number; description: string; schema?: z.ZodType; contentType?: string };
  /** Error statuses worth documenting beyond the ones implied by auth and validation. */
  errors?: number[];
}

const webhookRoute = (path: string, summary: string, description: string): RouteDoc => ({
  method: 'post',
  path,
  tag: 'Webhooks',
  summary,
  description: `${description} Accepted deliveries are written durably (one group commit shared by concurrent requests: the webhook journal and the inbox) before the 200 is sent, then delivered to the shipment workflows at the pace Temporal takes; a duplicate is acknowledged (duplicate: true) and not processed again. 401: authentication failed; 400: malformed (also when the credentials are right but the body is broken); 413: too large; 503 + Retry-After: more webhooks waiting for delivery than WEBHOOK_MAX_BACKLOG, too many requests in flight, or the database unreachable; nothing stored, send it again. Rejections change nothing.`,
  auth: 'courier',
  rawBody: true,
  ok: { status: 200, description: 'accepted (or already accepted)', schema: res.webhookAckResponse },
  errors: [404, 413, 429, 503],
});

/** Every route, with the registered couriers' webhook routes and settings as they are when called. */
export const apiRoutes = (): RouteDoc[] => [
  { method: 'get', path: '/healthz', tag: 'Health', summary: 'The process is alive', auth: 'none', ok: { status: 200, description: 'alive', schema: res.healthResponse } },
  { method: 'get', path: '/readyz', tag: 'Health', summary: 'Temporal and MongoDB answer', auth: 'none', ok: { status: 200, description: 'ready (503 when not)', schema: res.healthResponse }, errors: [503] },
  { method: 'get', path: '/openapi.json', tag: 'Docs', summary: 'This document', auth: 'none', ok: { status: 200, description: 'OpenAPI 3.1' } },
  { method: 'get', path: '/docs', tag: 'Docs', summary: 'Browsable API documentation', auth: 'none', ok: { status: 200, description: 'HTML page', contentType: 'text/html' } },

  { method: 'post', path: '/api/orders', tag: 'Orders', summary: 'Create or update an order pushed by the store', description: 'Upsert by id while the order is processing; 409 once it has shipped.', auth: 'admin', body: orderInputSchema, ok: { status: 200, description: 'updated (201 when created)', schema: res.orderResponse }, errors: [409] },
  { method: 'get', path: '/api/orders', tag: 'Orders', summary: 'List orders, newest first', auth: 'admin', query: listOrdersQuerySchema, ok: { status: 200, description: 'one page', schema: res.orderPageResponse } },
  { method: 'get', path: '/api/orders/:id', tag: 'Orders', summary: 'One order', auth: 'admin', params: orderParamsSchema, ok: { status: 200, description: 'the order', schema: res.orderResponse }, errors: [404] },
  {
    method: 'post',
    path: '/api/orders/:id/ship',
    tag: 'Orders',
    summary: 'Ship a processing order',
    description:
      'Starts (or joins) the shipment workflow and waits for the booking. Idempotent: a double click answers the same shipment. 422 carries `details.code`: `unserviceable` (pincode), `missing_weight`, `missing_phone`, `auth_rejected` (courier refused the stored credentials), or another booking code. 503: the workflow did not answer in time; retrying is safe.',
    auth: 'admin',
    params: orderParamsSchema,
    body: shipBodySchema,
    ok: { status: 200, description: 'booked', schema: res.shipResponse },
    errors: [404, 409, 422, 503],
  },
  {
    method: 'post',
    path: '/api/orders/:id/ship/retry',
    tag: 'Orders',
    summary: 'Book again after a permanent booking failure',
    description: 'For a shipment whose booking failed (e.g. unserviceable with its courier): optionally another courier. Answers like ship; 409 when the booking has not failed.',
    auth: 'admin',
    idempotent: true,
    params: orderParamsSchema,
    body: shipBodySchema,
    ok: { status: 200, description: 'booked', schema: res.shipResponse },
    errors: [404, 409, 422, 503],
  },
  { method: 'get', path: '/api/orders/:id/tracking', tag: 'Orders', summary: "The shipment's live view from its workflow", auth: 'admin', params: orderParamsSchema, ok: { status: 200, description: 'tracking view', schema: res.trackingViewResponse }, errors: [404, 503] },
  {
    method: 'post',
    path: '/api/orders/:id/sync',
    tag: 'Sync',
    summary: 'Poll the courier for this order now',
    description: 'A finished shipment answers its final status with statusUpdated false.',
    auth: 'admin',
    params: orderParamsSchema,
    ok: { status: 200, description: 'sync result', schema: res.syncResponse },
    errors: [404, 503],
  },
  {
    method: 'post',
    path: '/api/orders/:id/status',
    tag: 'Orders',
    summary: 'Set a manual status (admin override)',
    description: 'Recorded with who and why; courier updates never regress it.',
    auth: 'admin',
    idempotent: true,
    params: orderParamsSchema,
    body: manualStatusBodySchema,
    ok: { status: 200, description: 'the tracking view after the change', schema: res.trackingViewResponse },
    errors: [404, 409, 422, 503],
  },
  { method: 'post', path: '/api/orders/:id/ndr', tag: 'NDR', summary: 'Resolve the open NDR', auth: 'admin', idempotent: true, params: orderParamsSchema, body: ndrResolveBodySchema, ok: { status: 200, description: 'resolution result', schema: res.ndrResolveResponse }, errors: [404, 409, 422, 503] },
  {
    method: 'post',
    path: '/api/orders/:id/cancel',
    tag: 'Orders',
    summary: 'Cancel an order or its shipment',
    description: 'An order that never shipped is cancelled at once; a shipment is cancelled through its workflow and courier.',
    auth: 'admin',
    idempotent: true,
    params: orderParamsSchema,
    body: cancelBodySchema,
    ok: { status: 200, description: 'cancel result', schema: res.cancelResponse },
    errors: [404, 409, 503],
  },
  { method: 'post', path: '/api/tracking/sync', tag: 'Sync', summary: 'Sync many orders', description: 'At most 100 ids; 8 workflows at a time; never fails as a whole.', auth: 'admin', body: batchSyncBodySchema, ok: { status: 200, description: 'per-order results', schema: res.batchSyncResponse } },
  {
    method: 'get',
    path: '/api/analytics',
    tag: 'Analytics',
    summary: 'Sync analytics per courier and period',
    description: 'Dates are calendar days in STORE_TIMEZONE (from/to included; default the last 30 days). See src/analytics.',
    auth: 'admin',
    query: analyticsQuerySchema('Asia/Kolkata', Date.UTC(2025, 0, 1)),
    ok: { status: 200, description: 'the report as JSON, or as CSV with format=csv' },
  },
  { method: 'get', path: '/api/ndr', tag: 'NDR', summary: 'The open NDR queue, oldest first', auth: 'admin', query: ndrQuerySchema, ok: { status: 200, description: 'one page', schema: res.ndrQueueResponse } },

  { method: 'get', path: '/api/admin/couriers/:courierId', tag: 'Couriers', summary: "A courier's settings, secrets redacted", auth: 'admin', params: courierParamsSchema, ok: { status: 200, description: 'settings', schema: res.courierSettingsResponse }, errors: [404] },
  {
    method: 'put',
    path: '/api/admin/couriers/:courierId',
    tag: 'Couriers',
    summary: "Replace a courier's settings",
    description:
      `Non-secret settings are replaced as given. Secrets (apiKey, apiSecret, webhookSecret) are write-only: omit one to keep it, send null to clear it. Fields per courier — ${courierFieldsSummary()} (* required when enabled). Any: webhookScheme.`,
    auth: 'admin',
    params: courierParamsSchema,
    body: anyCourierSettingsBodySchema(),
    ok: { status: 200, description: 'settings, secrets redacted', schema: res.courierSettingsResponse },
  },
  { method: 'get', path: '/api/admin/couriers/:courierId/webhook-url', tag: 'Couriers', summary: "Webhook URL and auth to paste into the courier's dashboard, checked against its rules", auth: 'admin', params: courierParamsSchema, ok: { status: 200, description: 'webhook setup', schema: res.webhookSetupResponse } },
  { method: 'post', path: '/api/admin/secrets/rotate', tag: 'Admin', summary: 'Re-encrypt every stored secret under the current key', auth: 'admin', ok: { status: 200, description: 'rotation report', schema: res.rotationResponse } },
  { method: 'get', path: '/api/admin/webhook-inbox', tag: 'Admin', summary: 'Webhook inbox counts and recent deliveries', auth: 'admin', query: inboxQuerySchema, ok: { status: 200, description: 'inbox', schema: res.inboxResponse } },

  ...listCouriers().flatMap((c) => c.webhook.routes.map((w) => webhookRoute(w.path, w.summary, w.description))),
  { ...webhookRoute(WEBHOOK_PATHS.generic, 'Any courier, by id', "The courier's own scheme, or Waybill's HMAC (`x-waybill-signature: t=…,v1=…`) when its settings say so."), params: courierParamsSchema },

  ...STORE_WEBHOOK_ROUTES,
];
