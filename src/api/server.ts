// The API process: MongoDB, the Temporal client, the Express app, graceful shutdown.
import type { Server } from 'node:http';
import { loadConfig } from '../config';
import { withDevSecrets } from '../infra/dev-secrets';
import { connectClient } from '../infra/temporal-connection';
import { createLogger } from '../lib/logger';
import { connectMongo, pingMongo } from '../storage/mongo';
import { OrdersRepo } from '../storage/orders-repo';
import { createApp } from './app';
import { TemporalShipmentGateway } from './shipment-gateway';

export async function startApi(): Promise<{ server: Server; stop: () => Promise<void> }> {
  const config = withDevSecrets(loadConfig());
  const log = createLogger(config.LOG_LEVEL, { component: 'api' });
  const mongo = await connectMongo(config.MONGODB_URI ?? `mongodb://127.0.0.1:${config.FERRETDB_PORT}/`, config.MONGODB_DB);
  const temporalAddress = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
  const { client, connection } = await connectClient({ address: temporalAddress, namespace: config.TEMPORAL_NAMESPACE });
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
    shipments: new TemporalShipmentGateway(client),
    defaultCourier: config.DEFAULT_COURIER,
    defaultItemWeightGrams: config.DEFAULT_ITEM_WEIGHT_GRAMS,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
  });
  log.info({ url: `http://${config.HOST}:${config.PORT}` }, 'api listening');
  return {
    server,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
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
