// The API process: MongoDB, the Temporal client, the Express app, the webhook inbox relay, graceful
// shutdown. Temporal is connected lazily: the API starts (and accepts webhooks into the inbox) while
// Temporal is down, and the relay delivers them once it is back.
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { analyticsRouter } from '../analytics';
import { loadConfig } from '../config';
import type { CourierId } from '../domain/events';
import { effectiveSettings } from '../couriers/clients';
import { withDevSecrets } from '../infra/dev-secrets';
import { createLogger } from '../lib/logger';
import { opsConsoleRouter, opsSessionSecret } from '../ops-console';
import { keysFromConfig, SecretBox } from '../lib/secret-box';
import { AwbIndexRepo } from '../storage/awb-index-repo';
import { CourierSettingsRepo } from '../storage/courier-settings-repo';
import { InboxRepo } from '../storage/inbox-repo';
import { connectMongo, pingMongo } from '../storage/mongo';
import { OrdersRepo } from '../storage/orders-repo';
import { ShipmentsRepo } from '../storage/shipments-repo';
import { MongoTrackingStore } from '../storage/tracking-page-store';
import { applyValidators } from '../storage/validators';
import { codecKeysFromConfig } from '../temporal/codec-keys';
import { createClientDataConverter } from '../temporal/data-converter';
import { codecRouter } from '../temporal/codec-server';
import { EncryptionCodec } from '../temporal/encryption-codec';
import { createMetrics, metricsHandler } from '../lib/metrics';
import { inboxSnapshot } from '../webhooks/inbox-metrics';
import { createTrackingPage, trackingPageSettings } from '../tracking-page';
import { cachedAuthSource, webhookAuthFor } from '../webhooks/auth-settings';
import { courierWebhooks } from '../webhooks/modules';
import { createWebhookPipeline } from '../webhooks/pipeline';
import { createApp } from './app';
import { storeWebhooksService } from '../store-webhooks/compose';
import { TemporalShipmentGateway } from '../shipments/gateway';

export async function startApi(): Promise<{ server: Server; stop: () => Promise<void> }> {
  const config = withDevSecrets(loadConfig());
  const log = createLogger(config.LOG_LEVEL, { component: 'api' });
  const mongo = await connectMongo(config.MONGODB_URI ?? `mongodb://127.0.0.1:${config.FERRETDB_PORT}/`, config.MONGODB_DB, { maxPoolSize: config.MONGODB_MAX_POOL_SIZE });
  const validators = await applyValidators(mongo.db);
  if (validators.unsupported.length) log.info({ collections: validators.unsupported }, 'this MongoDB server does not enforce collection validators (FerretDB v1); skipped');

  const temporalAddress = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
  const connection = Connection.lazy({ address: temporalAddress });
  // The worker's converter: payloads (personal data) encrypted both ways, or neither side reads the other.
  const codecKeys = codecKeysFromConfig(config);
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: createClientDataConverter(codecKeys) });
  const metrics = createMetrics({ service: 'api', inboxSnapshot: inboxSnapshot(mongo.db), onCollectError: (err) => log.warn({ err }, 'inbox metrics read failed') });
  const gateway = new TemporalShipmentGateway(client, { updateMs: config.WORKFLOW_ANSWER_TIMEOUT_MS });

  const box = new SecretBox(keysFromConfig(config));
  const courierSettings = new CourierSettingsRepo(mongo.cols, box);
  // Webhooks follow COURIER_MODE as the worker's registry does: simulated pushes carry the simulators' secrets.
  const webhookSettings = (courier: CourierId) =>
    effectiveSettings(courier, {
      source: courierSettings,
      mode: config.COURIER_MODE,
      production: config.NODE_ENV === 'production',
      simulatorHost: config.SIMULATOR_HOST,
      simulatorBasePort: config.SIMULATOR_BASE_PORT,
    });
  const inbox = new InboxRepo(mongo.db);
  const awbs = new AwbIndexRepo(mongo.cols);
  const pipeline = createWebhookPipeline(
    {
      db: mongo.db,
      inbox,
      awbs,
      gateway,
      modules: courierWebhooks(),
      // A secret changed through the admin API applies to webhooks within 5 s.
      auth: cachedAuthSource(async (courier) => webhookAuthFor(courier, await webhookSettings(courier)), 5_000),
      log,
      metrics,
    },
    {
      maxBacklog: config.WEBHOOK_MAX_BACKLOG,
      maxGroup: config.WEBHOOK_MAX_GROUP,
      drainer: { concurrency: config.WEBHOOK_DELIVERY_CONCURRENCY },
      relay: { intervalMs: config.WEBHOOK_RELAY_INTERVAL_MS },
      retention: { maxAgeMs: config.WEBHOOK_RETENTION_DAYS * 24 * 3_600_000 },
    },
  );
  const ingestor = pipeline.ingestor;
  const shipmentsRepo = new ShipmentsRepo(mongo.cols);
  const trackingPage = createTrackingPage({ settings: trackingPageSettings(config), gateway, store: new MongoTrackingStore(mongo.cols), log });
  const storeWebhooks = storeWebhooksService(mongo.db, box, client);
  const opsConsole = opsConsoleRouter({
    adminTokens: config.ADMIN_API_TOKENS,
    sessionSecret: opsSessionSecret(config),
    cols: mongo.cols,
    shipmentsRepo,
    courierSettings,
    webhookSettings,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    gateway,
    temporal: { uiUrl: config.TEMPORAL_UI_URL ?? `http://localhost:${config.TEMPORAL_UI_PORT}`, namespace: config.TEMPORAL_NAMESPACE },
    timeZone: config.STORE_TIMEZONE,
    log,
    storeWebhooks,
  });

  const app = createApp({
    log,
    adminTokens: config.ADMIN_API_TOKENS,
    health: {
      mongo: () => pingMongo(mongo),
      temporal: async () => {
        await connection.healthService.check({});
        return true;
      },
    },
    orders: new OrdersRepo(mongo.cols),
    shipments: gateway,
    shipmentsRepo,
    courierSettings,
    inbox,
    awbs,
    ingestor,
    defaultCourier: config.DEFAULT_COURIER,
    defaultItemWeightGrams: config.DEFAULT_ITEM_WEIGHT_GRAMS,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    webhookSettings,
    webhookMaxBodyBytes: config.WEBHOOK_MAX_BODY_KB * 1024,
    webhookMaxInflight: config.WEBHOOK_MAX_INFLIGHT,
    publicRateLimitPerMinute: config.PUBLIC_RATE_LIMIT_PER_MINUTE,
    storeWebhooks,
    trackingPageUrl: trackingPage.trackingLink,
    pages: { trackingPage: trackingPage.router, opsConsole },
    ops: {
      metrics: metricsHandler(metrics.registry),
      webhookOutcome: (courier, outcome) => metrics.webhook(courier, outcome),
      codec: codecRouter(new EncryptionCodec(codecKeys), { allowedOrigins: config.CODEC_CORS_ORIGINS, authTokens: config.CODEC_AUTH_TOKENS }),
    },
    analytics: analyticsRouter({ cols: mongo.cols, timeZone: config.STORE_TIMEZONE }),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
  });
  await pipeline.start();
  log.info({ url: `http://${config.HOST}:${config.PORT}` }, 'api listening');
  return {
    server,
    stop: async () => {
      trackingPage.close(); // open live streams would hold server.close() forever
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Whatever is not delivered yet stays in the journal; another API process (or the next start) adopts it.
      await pipeline.stop();
      await connection.close();
      await mongo.close();
    },
  };
}

if (require.main === module) {
  startApi().then(
    ({ stop }) => {
      const shutdown = () => void stop().then(() => process.exit(0), () => process.exit(1));
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    },
    (e: unknown) => {
      console.error(`api failed to start: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
