// The worker process: hosts shipmentWorkflow and its activities on the `shipments` task queue, wired to
// MongoDB, the courier registry (stored settings or the simulators) and the notification channels.
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, LoggingNotificationSender } from './activities';
import { loadConfig } from './config';
import { SettingsCourierRegistry, type CourierSettingsSource } from './infra/courier-registry';
import { withDevSecrets } from './infra/dev-secrets';
import { waitForTemporal } from './infra/temporal-connection';
import { createLogger } from './lib/logger';
import { MongoBookingJournal } from './storage/booking-journal';
import { connectMongo } from './storage/mongo';
import { MongoNotificationLedger } from './storage/notification-ledger';
import { MongoProjectionStore } from './storage/projection-store';
import { SHIPMENT_TASK_QUEUE } from './workflows/shipment/contract';

export async function startWorker(opts: { settings?: CourierSettingsSource } = {}): Promise<{ worker: Worker; run: Promise<void>; stop: () => Promise<void> }> {
  const config = withDevSecrets(loadConfig());
  const log = createLogger(config.LOG_LEVEL, { component: 'worker' });
  const address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
  const mongo = await connectMongo(config.MONGODB_URI ?? `mongodb://127.0.0.1:${config.FERRETDB_PORT}/`, config.MONGODB_DB);
  const now = () => Date.now();

  const couriers = new SettingsCourierRegistry({
    source: opts.settings ?? { resolve: async () => null },
    mode: config.COURIER_MODE,
    production: config.NODE_ENV === 'production',
    simulatorHost: config.SIMULATOR_HOST,
    simulatorBasePort: config.SIMULATOR_BASE_PORT,
    icarryJournal: new MongoBookingJournal(mongo.cols),
    deps: {
      now,
      onUnmappedStatus: (courier, rawCode) => log.warn({ courier, rawCode }, 'courier status code not in the status table'),
    },
  });

  const activities = createActivities({
    couriers,
    store: new MongoProjectionStore(mongo.cols),
    ledger: new MongoNotificationLedger(mongo.cols, now),
    sender: new LoggingNotificationSender({ info: (m, meta) => log.info(meta, m) }),
    clock: { now },
    config: { pickupPincode: config.PICKUP_PINCODE },
    log: { info: (m, meta) => log.info(meta ?? {}, m), warn: (m, meta) => log.warn(meta ?? {}, m) },
  });

  await waitForTemporal({ address, namespace: config.TEMPORAL_NAMESPACE });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: SHIPMENT_TASK_QUEUE,
    workflowsPath: require.resolve('./workflows'),
    activities,
    // In-flight courier calls get a chance to finish before a deploy cuts them.
    shutdownGraceTime: '20s',
  });
  log.info({ taskQueue: SHIPMENT_TASK_QUEUE, address }, 'worker started');
  const run = worker.run().finally(async () => {
    await connection.close();
    await mongo.close();
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
