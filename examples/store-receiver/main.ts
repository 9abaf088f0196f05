// Runs the example store receiver on its own:
//   PORT=4100 MONGODB_URL=mongodb://127.0.0.1:27017/store WAYBILL_WEBHOOK_SECRETS=whsec_… npx tsx examples/store-receiver/main.ts
// WAYBILL_WEBHOOK_SECRETS is comma-separated: the current secret, plus the previous one while a rotation overlaps.
import { MongoClient } from 'mongodb';
import { createReceiver, WEBHOOK_PATH } from './receiver';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 4100);
  const url = process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27017/store';
  const secrets = (process.env.WAYBILL_WEBHOOK_SECRETS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (secrets.length === 0) throw new Error('WAYBILL_WEBHOOK_SECRETS is required (whsec_…, comma-separated)');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT is not a port: ${process.env.PORT}`);

  const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 10_000 });
  // The database named in the URL's path (the driver's default, `test`, when it names none).
  const db = client.db();
  const app = createReceiver({ db, secrets });
  const server = app.listen(port, () => console.log(`store receiver: POST http://127.0.0.1:${port}${WEBHOOK_PATH} (database ${db.databaseName})`));

  const stop = () => {
    server.close(() => void client.close().finally(() => process.exit(0)));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
