// The Express application: routers, auth, rate limits, and the one error middleware. No listen() here,
// so tests drive it with supertest and the server entry point owns the socket.
import express, { type Express, type RequestHandler, type Router } from 'express';
import type { WebhookOutcome } from '../lib/metrics';
import type { Logger } from 'pino';
import type { CourierId } from '../domain/events';
import type { CourierSettingsRepo } from '../storage/courier-settings-repo';
import type { InboxRepo } from '../storage/inbox-repo';
import type { ShipmentsRepo } from '../storage/shipments-repo';
import type { WebhookSecrets } from '../webhooks/auth-settings';
import type { WebhookIngestor } from '../webhooks/ingest';
import { ApiError } from './errors';
import { errorMiddleware, requireAdmin } from './middleware';
import { buildOpenApiDocument } from './openapi/document';
import { webhookRateLimit } from './rate-limit';
import { adminRouter } from './routes/admin';
import { couriersRouter } from './routes/couriers';
import { docsRouter } from './routes/docs';
import { healthRouter, type HealthChecks } from './routes/health';
import { ndrRouter } from './routes/ndr';
import { ordersRouter, type OrdersRouteDeps } from './routes/orders';
import { trackingRouter } from './routes/tracking';
import { webhooksRouter } from './routes/webhooks';
import { eventsRouter } from './routes/events';
import { storeWebhooksRouter } from './routes/store-webhooks';
import type { StoreWebhooks } from '../store-webhooks/service';

export interface AppDeps extends OrdersRouteDeps {
  adminTokens: readonly string[];
  health: HealthChecks;
  shipmentsRepo: ShipmentsRepo;
  courierSettings: CourierSettingsRepo;
  inbox: InboxRepo;
  ingestor: WebhookIngestor;
  publicBaseUrl: string;
  /** The settings webhooks are checked against (stored ones, or the simulators' in development). */
  webhookSettings: (courier: CourierId) => Promise<WebhookSecrets | null>;
  /** Webhook body limit, bytes. */
  webhookMaxBodyBytes: number;
  /** Webhook requests handled at once before shedding with 503 (default 256). */
  webhookMaxInflight?: number;
  /** Rejected webhook requests allowed per IP per minute. */
  publicRateLimitPerMinute: number;
  version?: string;
  /** HTML pages served beside the JSON API, each with its own access rules (see their docs). */
  pages?: {
    /** The customer tracking page; serves /order-tracking/… (docs/tracking-page.md). */
    trackingPage?: Router;
    /** The ops console, mounted at /ops. */
    opsConsole?: Router;
  };
  /** The store integration: its webhook endpoints and the event feed (src/store-webhooks). */
  storeWebhooks?: StoreWebhooks;
  /** GET /api/analytics (src/analytics), behind the admin token. */
  analytics?: Router;
  /** Operations endpoints outside /api (no JSON limit, no admin token: their own access rules). */
  ops?: {
    /** Prometheus exposition (src/lib/metrics.ts). */
    metrics?: RequestHandler;
    /** The Temporal Web UI's codec server (src/temporal/codec-server.ts): CORS-limited, optional bearer. */
    codec?: Router;
    /** Counts every webhook answer by courier and outcome. */
    webhookOutcome?: (courier: string, outcome: WebhookOutcome) => void;
  };
}

export function createApp(d: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const admin = requireAdmin(d.adminTokens);
  let openApi: object | undefined;

  app.use(healthRouter(d.health));
  if (d.ops?.metrics) app.get('/metrics', d.ops.metrics);
  if (d.ops?.codec) app.use('/temporal-codec', d.ops.codec);
  app.use(docsRouter(() => (openApi ??= buildOpenApiDocument({ version: d.version ?? '0.1.0', serverUrl: d.publicBaseUrl }))));
  if (d.pages?.opsConsole) app.use('/ops', d.pages.opsConsole);
  if (d.pages?.trackingPage) app.use(d.pages.trackingPage);
  // Before express.json: webhook bodies are read raw, with their own size limit.
  app.use('/api/webhooks', webhookRateLimit({ limit: d.publicRateLimitPerMinute }), webhooksRouter({ ingestor: d.ingestor, maxBodyBytes: d.webhookMaxBodyBytes, onOutcome: d.ops?.webhookOutcome, ...(d.webhookMaxInflight ? { maxInflight: d.webhookMaxInflight } : {}) }));
  app.use('/api', express.json({ limit: '256kb' }));
  app.use('/api/orders', admin, ordersRouter(d));
  app.use('/api/tracking', admin, trackingRouter(d));
  app.use('/api/ndr', admin, ndrRouter(d));
  if (d.analytics) app.use('/api/analytics', admin, d.analytics);
  app.use('/api/admin/couriers', admin, couriersRouter(d));
  if (d.storeWebhooks) {
    app.use('/api/admin/store-webhooks', admin, storeWebhooksRouter({ storeWebhooks: d.storeWebhooks }));
    app.use('/api/events', admin, eventsRouter({ storeWebhooks: d.storeWebhooks }));
  }
  app.use('/api/admin', admin, adminRouter(d));
  app.use((_req, _res, next) => next(new ApiError('not_found', 'no such route')));
  app.use(errorMiddleware(d.log));
  return app;
}
