// Screenshots of a shipment workflow in the Temporal Web UI with its payloads decoded by Waybill's codec
// server, for docs/screenshots (docs/ops-console.md shows them). Everything is local and throwaway:
//   - a Temporal dev server WITH its UI, started with --ui-codec-endpoint pointing at the codec server;
//   - an API-like Express app serving codecRouter at /temporal-codec, CORS open to the UI's origin only;
//   - FerretDB, the Delhivery simulator, and a worker wired as src/worker.ts wires it (production
//     activities, createDataConverter: every payload in history is AES-GCM encrypted);
//   - one shipment: booked, polled along the simulator's NDR scenario, the NDR answered by an admin;
//   - headless Chromium on the workflow's page, waiting until the consignee's name (only present in the
//     encrypted input) is on screen, i.e. the UI really decoded it through the codec server.
// Run: npx tsx scripts/screenshot-temporal-ui.ts [outDir]   (needs `npm run tools` and Debian's chromium)
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import express from 'express';
import { chromium, type Page } from 'playwright-core';
import { createActivities, LoggingNotificationSender } from '../src/activities';
import { TemporalShipmentGateway } from '../src/shipments/gateway';
import { SettingsCourierClients } from '../src/couriers/clients';
import { startFerretDb } from '../src/infra/ferretdb';
import { freePort, type ManagedProcess } from '../src/infra/processes';
import { waitForTemporal } from '../src/infra/temporal-connection';
import { startTemporalDev } from '../src/infra/temporal-dev';
import { SIMULATOR_DEFAULTS } from '../src/simulators/defaults';
import { createDelhiverySimulator } from '../src/simulators/delhivery';
import { ManualClock } from '../src/simulators/scenario';
import { connectMongo } from '../src/storage/mongo';
import { MongoNotificationLedger } from '../src/storage/notification-ledger';
import { MongoProjectionStore } from '../src/storage/projection-store';
import { codecKeys } from '../src/temporal/codec-keys';
import { codecRouter } from '../src/temporal/codec-server';
import { createClientDataConverter, createDataConverter } from '../src/temporal/data-converter';
import { EncryptionCodec } from '../src/temporal/encryption-codec';
import { SHIPMENT_TASK_QUEUE, shipmentWorkflowId, type ShipmentInput } from '../src/workflows/shipment/contract';

const ROOT = resolve(__dirname, '..');
const OUT = resolve(process.argv[2] ?? join(ROOT, 'docs/screenshots'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const H = 3_600_000;
const NAMESPACE = 'default';
const CONSIGNEE = 'Asha Rao';

async function listen(app: express.Express, port: number): Promise<Server> {
  const server = app.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

function input(orderId: string): ShipmentInput {
  return {
    orderId,
    courier: 'delhivery',
    request: {
      orderId,
      orderDate: new Date().toISOString(),
      consignee: { name: CONSIGNEE, phone: '9876543210', email: 'asha.rao@example.in', address1: '12 MG Road, Indiranagar', city: 'Bengaluru', state: 'Karnataka', pincode: '560038', country: 'IN' },
      items: [{ name: 'Assam tea 500g', sku: 'TEA-500', quantity: 2, unitPrice: 450 }],
      paymentMethod: 'cod',
      codAmount: 900,
      orderValue: 900,
      parcel: { weightGrams: 1000, lengthCm: 20, breadthCm: 15, heightCm: 10 },
    },
    trackingPageUrl: `https://store.example.in/order-tracking/${orderId}?t=signed`,
  };
}

async function shoot(page: Page, file: string): Promise<void> {
  await page.screenshot({ path: join(OUT, file), fullPage: false });
  console.log(`wrote ${join(OUT, file)}`);
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`npm run tools\``);
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'waybill-temporal-ui-'));
  const [temporalPort, uiPort, mongoPort, apiPort, simPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const uiOrigin = `http://127.0.0.1:${uiPort}`;
  const started: ManagedProcess[] = [];
  const servers: Server[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const [temporal, ferret] = await Promise.all([
      // The UI asks the browser to call this endpoint for every payload it shows.
      startTemporalDev({ toolsDir: join(ROOT, '.tools'), port: temporalPort, uiPort, namespace: NAMESPACE, codecEndpoint: `http://127.0.0.1:${apiPort}/temporal-codec`, output: 'ignore' }),
      startFerretDb({ toolsDir: join(ROOT, '.tools'), dataDir: join(dir, 'ferretdb'), port: mongoPort, output: 'ignore' }),
    ]);
    started.push(temporal, ferret);
    const address = `127.0.0.1:${temporalPort}`;
    await waitForTemporal({ address, namespace: NAMESPACE });

    // One key ring for the worker, the client and the codec server, as in production.
    const keys = codecKeys({ id: 'c1', key: randomBytes(32).toString('base64') });
    const api = express();
    api.use('/temporal-codec', codecRouter(new EncryptionCodec(keys), { allowedOrigins: [uiOrigin] }));
    servers.push(await listen(api, apiPort));

    const clock = new ManualClock(Date.now() - 4 * 24 * H);
    const sim = createDelhiverySimulator({ clock });
    servers.push(await listen(sim.app, simPort));
    const d = SIMULATOR_DEFAULTS.delhivery;
    const settings = { enabled: true, baseUrl: `http://127.0.0.1:${simPort}`, apiKey: d.apiKey, webhookSecret: d.webhookSecret, fields: d.fields, version: 'screenshot' };

    const mongo = await connectMongo(`mongodb://127.0.0.1:${mongoPort}/`, 'waybill');
    cleanups.push(() => mongo.close());
    const now = () => Date.now();
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    const activities = createActivities({
      couriers: new SettingsCourierClients({
        source: { resolve: async (c) => (c === 'delhivery' ? settings : null) },
        mode: 'live',
        production: false,
        simulatorHost: '127.0.0.1',
        simulatorBasePort: 1,
        deps: { now },
      }),
      store: new MongoProjectionStore(mongo.cols),
      ledger: new MongoNotificationLedger(mongo.cols, now),
      sender: new LoggingNotificationSender({ info: () => undefined }),
      clock: { now },
      config: { pickupPincode: '560068' },
    });
    const nc = await NativeConnection.connect({ address });
    const worker = await Worker.create({
      connection: nc,
      namespace: NAMESPACE,
      taskQueue: SHIPMENT_TASK_QUEUE,
      workflowsPath: require.resolve('../src/workflows'),
      activities,
      dataConverter: createDataConverter(keys),
    });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
      await nc.close();
    });

    const connection = await Connection.connect({ address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: NAMESPACE, dataConverter: createClientDataConverter(keys) });
    const gateway = new TemporalShipmentGateway(client, { updateMs: 60_000 });

    // The shipment: booked, then polled as the courier's scans come due, an NDR, the admin's reattempt.
    const orderId = `ORD-${String(Date.now()).slice(-6)}`;
    sim.setScenario(orderId, 'ndr_reattempt_delivered');
    const booking = await gateway.ship(input(orderId));
    if (!booking.ok) throw new Error(`booking failed: ${booking.message}`);
    for (const hours of [12, 30, 10]) {
      clock.advance(hours * H);
      sim.tick();
      await gateway.refresh(orderId);
    }
    const view = await gateway.tracking(orderId);
    if (!view?.ndr?.open) throw new Error(`expected an open NDR, the shipment is ${view?.status}`);
    await gateway.resolveNdr(orderId, { requestId: randomUUID(), action: { type: 'reattempt', comment: 'Customer asked for delivery after 6 pm' }, by: 'admin', actor: 'admin:0' });
    clock.advance(18 * H);
    sim.tick();
    await gateway.refresh(orderId);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
    const wf = shipmentWorkflowId(orderId);
    await page.goto(`${uiOrigin}/namespaces/${NAMESPACE}/workflows/${wf}`);
    // The consignee's name exists only inside the encrypted workflow input: seeing it proves the decode.
    await page.getByText(CONSIGNEE).first().waitFor({ timeout: 60_000 });
    await shoot(page, 'temporal-ui-workflow-decoded.png');

    // One event's own page: an activity input and an update's arguments, decoded in place.
    const handle = client.workflow.getHandle(wf);
    const runId = (await handle.describe()).runId;
    const history = await handle.fetchHistory();
    const eventId = (pick: (e: NonNullable<typeof history.events>[number]) => boolean) => {
      const e = history.events?.find(pick);
      if (!e?.eventId) throw new Error('event not found in history');
      return String(e.eventId);
    };
    const bookEvent = eventId((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'bookShipment');
    await page.goto(`${uiOrigin}/namespaces/${NAMESPACE}/workflows/${wf}/${runId}/history/events/${bookEvent}`);
    await page.getByText(CONSIGNEE).first().waitFor({ timeout: 60_000 });
    await shoot(page, 'temporal-ui-activity-input-decoded.png');

    const ndrEvent = eventId((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'resolveNdr');
    await page.goto(`${uiOrigin}/namespaces/${NAMESPACE}/workflows/${wf}/${runId}/history/events/${ndrEvent}`);
    await page.getByText('Customer asked for delivery after 6 pm').first().waitFor({ timeout: 60_000 });
    await shoot(page, 'temporal-ui-update-decoded.png');
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await Promise.all(started.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
