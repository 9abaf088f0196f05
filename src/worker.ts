// The worker process: hosts shipmentWorkflow and its activities on the `shipments` task queue, wired to
// MongoDB, the courier registry (stored settings or the simulators) and the notification channels.
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { loadConfig } from './config';
import { SettingsCourierClients, type CourierSettingsSource } from './couriers/clients';
import { withDevSecrets } from './infra/dev-secrets';
import { waitForTemporal } from './infra/temporal-connection';
import { createLogger } from './lib/logger';
import { createNotificationSender } from './notifications';
import { courierObserver, createMetrics } from './lib/metrics';
import { serveMetrics } from './lib/metrics-server';
import { keysFromConfig, SecretBox } from './lib/secret-box';
import { MongoBookingJournal } from './storage/booking-journal';
import { CourierSettingsRepo } from './storage/courier-settings-repo';
import { connectMongo } from './storage/mongo';
import { MongoNotificationLedger } from './storage/notification-ledger';
import { MongoProjectionStore } from './storage/projection-store';
import { backfillReadModels } from './storage/read-models/backfill';
import type { NotificationChannel, NotificationEvent } from './storage/types';
import { codecKeysFromConfig } from './temporal/codec-keys';
import { createDataConverter } from './temporal/data-converter';
import { installWorkerRuntime } from './temporal/runtime';
import { SHIPMENT_TASK_QUEUE } from './workflows/shipment/contract';
import { startStoreEventRetention, storeWebhookWorkerDeps } from './store-webhooks/compose';

export async function startWorker(opts: { settings?: CourierSettingsSource } = {}): Promise<{ worker: Worker; run: Promise<void>; stop: () => Promise<void> }> {
  const config = withDevSecrets(loadConfig());
  const log = createLogger(config.LOG_LEVEL, { component: 'worker' });
  const address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
  const mongo = await connectMongo(config.MONGODB_URI ?? `mongodb://127.0.0.1:${config.FERRETDB_PORT}/`, config.MONGODB_DB, { maxPoolSize: config.MONGODB_MAX_POOL_SIZE });
  const now = () => Date.now();
  // Before any connection: the runtime carries the SDK's logger and its own Prometheus exporter.
  installWorkerRuntime({ logger: log, metricsBindAddress: config.WORKER_SDK_METRICS_PORT ? `${config.HOST}:${config.WORKER_SDK_METRICS_PORT}` : undefined });
  const metrics = createMetrics({ service: 'worker' });
  const metricsServer = config.WORKER_METRICS_PORT ? await serveMetrics(metrics.registry, { host: config.HOST, port: config.WORKER_METRICS_PORT }) : undefined;
  const observer = courierObserver(metrics);

  const box = new SecretBox(keysFromConfig(config));
  const couriers = new SettingsCourierClients({
    // The settings admins store through the API (secrets decrypted here, never logged).
    source: opts.settings ?? new CourierSettingsRepo(mongo.cols, box),
    mode: config.COURIER_MODE,
    production: config.NODE_ENV === 'production',
    simulatorHost: config.SIMULATOR_HOST,
    simulatorBasePort: config.SIMULATOR_BASE_PORT,
    bookingJournal: (courier) => new MongoBookingJournal(mongo.cols, courier),
    deps: {
      now,
      observe: observer.observe,
      onUnmappedStatus: (courier, rawCode) => {
        observer.onUnmappedStatus(courier, rawCode);
        log.warn({ courier, rawCode }, 'courier status code not in the status table');
      },
    },
  });

  // Loads and checks every template now: a broken template stops the worker at start, not mid-shipment.
  const notifier = createNotificationSender(config, { log });
  const storeWebhooks = storeWebhookWorkerDeps(
    mongo.db,
    box,
    { timeoutMs: config.STORE_WEBHOOK_TIMEOUT_MS, disableAfterHours: config.STORE_WEBHOOK_DISABLE_AFTER_HOURS },
    {
      onDisabled: (endpoint, reason, orderId) => {
        log.error({ endpointId: endpoint.id, reason }, 'store webhook endpoint disabled: re-enable it in the ops console once the store fixed it');
        // The admin alert is best effort: the endpoint is disabled and shown as such in the console either way.
        notifier
          .dispatch({
            channel: 'admin_email',
            event: 'store_endpoint_disabled',
            orderId,
            data: { endpointUrl: endpoint.url, endpointId: endpoint.id, reason },
            idempotencyKey: `store-endpoint-disabled:${endpoint.id}:${Date.now()}`,
          })
          .catch((e: unknown) => log.warn({ endpointId: endpoint.id, error: e instanceof Error ? e.message : String(e) }, 'the admin alert for a disabled store endpoint was not sent'));
      },
      onAttempt: (endpointId, outcome, latencyMs) => metrics.storeDelivery(outcome, latencyMs),
    },
  );
  const stopRetention = startStoreEventRetention(storeWebhooks.feedStore, config.STORE_EVENTS_RETENTION_DAYS, (m, meta) => log.info(meta ?? {}, m));

  const activities = createActivities({
    couriers,
    store: new MongoProjectionStore(mongo.cols),
    ledger: new MongoNotificationLedger(mongo.cols, now),
    sender: notifier,
    clock: { now },
    config: { pickupPincode: config.PICKUP_PINCODE, adminEmail: notifier.adminEmail, trackBatchWindowMs: config.TRACK_BATCH_WINDOW_MS },
    log: { info: (m, meta) => log.info(meta ?? {}, m), warn: (m, meta) => log.warn(meta ?? {}, m) },
    storeWebhooks,
    metrics: {
      notification: (event, channel, outcome) =>
        metrics.notification(channel as NotificationChannel, event as NotificationEvent, outcome === 'already_done' ? 'duplicate' : outcome),
      statusApplied: (courier, source, eventAt, appliedAt) => metrics.statusApplied({ courier, source, eventAt, appliedAt }),
    },
  });

  // Before taking any task: the read models this worker keeps must hold the data already stored (a
  // no-op once done; see docs/data-model.md). Lists and analytics use plain queries until it finishes.
  const backfill = await backfillReadModels(mongo.cols, { log: (m, meta) => log.info(meta ?? {}, m) });
  if (!backfill.skipped) log.info({ ...backfill }, 'read models built from the stored data');

  await waitForTemporal({ address, namespace: config.TEMPORAL_NAMESPACE });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: SHIPMENT_TASK_QUEUE,
    workflowsPath: require.resolve('./workflows'),
    activities,
    // Personal data in inputs, results and failures is encrypted before it reaches Temporal's history.
    dataConverter: createDataConverter(codecKeysFromConfig(config)),
    // In-flight courier calls get a chance to finish before a deploy cuts them.
    shutdownGraceTime: '20s',
  });
  log.info({ taskQueue: SHIPMENT_TASK_QUEUE, address }, 'worker started');
  const run = worker.run().finally(async () => {
    stopRetention();
    await connection.close();
    await mongo.close();
    await metricsServer?.close();
    await notifier.close();
  });
  return { worker, run, stop: async () => { worker.shutdown(); await run; } };
}

if (require.main === module) {
  startWorker().then(
    ({ run }) =>
      run.then(
        () => process.exit(0),
        (e: unknown) => {
          console.error(`worker stopped with an error: ${e instanceof Error ? e.message : String(e)}`);
          process.exit(1);
        },
      ),
    (e: unknown) => {
      console.error(`worker failed to start: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
