// The whole of Waybill in one test process: the three courier simulators (pushing webhooks in their own
// formats), the API listening on a port (the simulators post to it), and a worker running the real
// shipment workflow and activities, wired the way src/worker.ts and src/api/server.ts wire them: courier
// settings stored through the admin API, read back by the worker's registry, the payload codec on both
// sides. Each stack gets its own Temporal namespace, so test files sharing the dev server never pick up
// each other's workflows on the fixed `shipments` queue.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions, type WorkerStatus, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Express } from 'express';
import pino from 'pino';
import { register as registerTsRequire } from 'tsx/cjs/api';
import request from 'supertest';
import { createActivities, LoggingNotificationSender, type ActivityConfig } from '../../src/activities';
import { createApp } from '../../src/api/app';
import { storeWebhooksService, storeWebhookWorkerDeps } from '../../src/store-webhooks/compose';
import { TemporalShipmentGateway } from '../../src/shipments/gateway';
import { icarryCallbackUrlToken } from '../../src/couriers/icarry';
import type { CourierId } from '../../src/couriers/types';
import { SettingsCourierClients } from '../../src/couriers/clients';
import { registerSearchAttributes } from '../../src/infra/register-search-attributes';
import { SecretBox } from '../../src/lib/secret-box';
import { SIMULATOR_DEFAULTS } from '../../src/simulators/defaults';
import { createDelhiverySimulator, type DelhiverySimulatorOptions } from '../../src/simulators/delhivery';
import { createIcarrySimulator } from '../../src/simulators/icarry';
import { ManualClock } from '../../src/simulators/scenario';
import { createShiprocketSimulator } from '../../src/simulators/shiprocket';
import type { CourierSimulator } from '../../src/simulators/types';
import { AwbIndexRepo } from '../../src/storage/awb-index-repo';
import { CourierSettingsRepo } from '../../src/storage/courier-settings-repo';
import { InboxRepo } from '../../src/storage/inbox-repo';
import type { Mongo } from '../../src/storage/mongo';
import { MongoNotificationLedger } from '../../src/storage/notification-ledger';
import { OrdersRepo } from '../../src/storage/orders-repo';
import { MongoProjectionStore } from '../../src/storage/projection-store';
import { ShipmentsRepo } from '../../src/storage/shipments-repo';
import { codecKeys, type CodecKeys } from '../../src/temporal/codec-keys';
import { installWorkerRuntime } from '../../src/temporal/runtime';
import { createClientDataConverter, createDataConverter, FAILURE_CONVERTER_PATH } from '../../src/temporal/data-converter';
import { cachedAuthSource, webhookAuthFor } from '../../src/webhooks/auth-settings';
import { WEBHOOK_PATHS } from '../../src/webhooks/endpoints';
import type { WebhookIngestor } from '../../src/webhooks/ingest';
import { createWebhookPipeline, type WebhookPipeline } from '../../src/webhooks/pipeline';
import { courierWebhooks } from '../../src/webhooks/modules';
import type { WebhookRelay } from '../../src/webhooks/relay';
import { SHIPMENT_TASK_QUEUE } from '../../src/workflows/shipment/contract';
import { ADMIN_TOKEN } from './api';

const H = 3_600_000;
const quiet = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

// ---------------------------------------------------------------------------------------------------
// Simulators

export interface Sims {
  clock: ManualClock;
  shiprocket: CourierSimulator;
  delhivery: CourierSimulator;
  icarry: CourierSimulator & { sendNdrBatch(): number };
  urls: Record<CourierId, string>;
  /** Point every simulator's webhooks at an API. */
  pushTo(apiUrl: string): void;
  /** Move courier time on, emit the scans that fell due (their webhooks queue up), and send them. */
  advance(hours: number): Promise<number>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface SimsOptions {
  /** Extra Delhivery simulator options, e.g. a benchmark's WAF limits (the clock is the stack's own). */
  delhivery?: Omit<DelhiverySimulatorOptions, 'clock'>;
}

export async function startSims(o: SimsOptions = {}): Promise<Sims> {
  // Courier time starts in the past, so no scan is ever in the future for the workflow.
  const clock = new ManualClock(Date.now() - 30 * 24 * H);
  const shiprocket = createShiprocketSimulator({ clock });
  const delhivery = createDelhiverySimulator({ ...o.delhivery, clock });
  const icarry = createIcarrySimulator({ clock });
  const servers = await Promise.all([shiprocket, delhivery, icarry].map((s) => listen(s.app)));
  const urls = { shiprocket: servers[0]!.url, delhivery: servers[1]!.url, icarry: servers[2]!.url };
  const all = [shiprocket, delhivery, icarry];
  const flush = async () => {
    await Promise.all(all.map((s) => s.pusher.flush()));
  };
  return {
    clock,
    shiprocket,
    delhivery,
    icarry,
    urls,
    pushTo(apiUrl) {
      shiprocket.pusher.options.url = `${apiUrl}${WEBHOOK_PATHS.shiprocket}`;
      delhivery.pusher.options.url = `${apiUrl}${WEBHOOK_PATHS.delhivery}`;
      // One callback URL for every iCarry callback; its token authenticates the NDR batch.
      icarry.pusher.options.url = `${apiUrl}${WEBHOOK_PATHS.icarryStatus}?token=${icarryCallbackUrlToken(SIMULATOR_DEFAULTS.icarry.apiKey)}`;
    },
    async advance(hours) {
      clock.advance(hours * H);
      const n = all.reduce((sum, s) => sum + s.tick(), 0);
      await flush();
      return n;
    },
    flush,
    async close() {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Temporal

/** A namespace of this stack's own on the given server, with Waybill's search attributes. */
export async function isolatedNamespace(address: string, label: string): Promise<string> {
  const namespace = `t-${label.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}-${randomBytes(4).toString('hex')}`;
  const conn = await Connection.connect({ address });
  try {
    await conn.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  } finally {
    await conn.close();
  }
  await registerSearchAttributes(address, namespace);
  return namespace;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundled once per test file: workers of every stack in the file share it. */
function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: resolve(__dirname, '../../src/workflows/index.ts'), failureConverterPath: FAILURE_CONVERTER_PATH, logger: silentLogger });
  return bundle;
}
const noop = () => undefined;
const silentLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

// ---------------------------------------------------------------------------------------------------
// Waybill: API + worker

export interface Waybill {
  url: string;
  app: Express;
  namespace: string;
  mongo: Mongo;
  client: Client;
  gateway: TemporalShipmentGateway;
  inbox: InboxRepo;
  awbs: AwbIndexRepo;
  ingestor: WebhookIngestor;
  relay: WebhookRelay;
  pipeline: WebhookPipeline;
  keys: CodecKeys;
  /** The running worker: status() is the SDK's (cached workflows, in-flight tasks); maxCachedWorkflows as compiled. */
  worker: { stop(): Promise<void>; status(): WorkerStatus; maxCachedWorkflows: number };
  /** Start a (new) worker, e.g. after the Temporal server came back. */
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface WaybillOptions {
  temporalAddress: string;
  namespace: string;
  mongo: Mongo;
  sims: Sims;
  relayIntervalMs?: number;
  /** Overrides of the activities' config, e.g. a benchmark's per-courier rate limits. */
  activityConfig?: Partial<Omit<ActivityConfig, 'pickupPincode'>>;
  /** Backoff between store webhook delivery attempts (default 200 ms doubling to 2 s: tests wait for it). */
  storeWebhookRetry?: { initialMs: number; maxMs: number };
  /** Extra Worker.create options (interceptors, cache size…); connection, queue, code and converter stay the stack's. */
  workerOptions?: Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'workflowBundle' | 'workflowsPath' | 'activities' | 'dataConverter'>>;
}

export async function startWaybill(o: WaybillOptions): Promise<Waybill> {
  const keys = codecKeys({ id: 'test', key: randomBytes(32).toString('base64') });
  const box = new SecretBox({ current: { id: 'k1', key: randomBytes(32) }, old: [] });
  const courierSettings = new CourierSettingsRepo(o.mongo.cols, box);

  // The API, as server.ts builds it (lazy connection: it runs while Temporal is down).
  const connection = Connection.lazy({ address: o.temporalAddress });
  const client = new Client({ connection, namespace: o.namespace, dataConverter: createClientDataConverter(keys) });
  const gateway = new TemporalShipmentGateway(client, { updateMs: 60_000, signalMs: 2_000 });
  const inbox = new InboxRepo(o.mongo.db);
  const awbs = new AwbIndexRepo(o.mongo.cols);
  const pipeline = createWebhookPipeline(
    {
      db: o.mongo.db,
      inbox,
      awbs,
      gateway,
      modules: courierWebhooks(),
      auth: cachedAuthSource(async (c) => webhookAuthFor(c, await courierSettings.getDecrypted(c)), 5_000),
      log: quiet,
    },
    { retry: { baseDelayMs: 100, maxDelayMs: 1_000 }, relay: { intervalMs: o.relayIntervalMs ?? 100, leaseMs: 10_000, concurrency: 8, batchSize: 200 }, drainer: { quietMs: 3_600_000 } },
  );
  const { ingestor, relay } = pipeline;
  const app = createApp({
    log: quiet,
    adminTokens: [ADMIN_TOKEN],
    health: { mongo: async () => true, temporal: async () => true },
    orders: new OrdersRepo(o.mongo.cols),
    shipments: gateway,
    shipmentsRepo: new ShipmentsRepo(o.mongo.cols),
    courierSettings,
    inbox,
    awbs,
    ingestor,
    defaultCourier: 'icarry',
    defaultItemWeightGrams: 500,
    publicBaseUrl: 'http://127.0.0.1',
    webhookSettings: (c) => courierSettings.getDecrypted(c),
    webhookMaxBodyBytes: 512 * 1024,
    publicRateLimitPerMinute: 10_000,
    storeWebhooks: storeWebhooksService(o.mongo.db, box, client),
  });
  const server = await listen(app);

  // Courier settings as an admin stores them: the simulators' credentials and webhook secrets.
  for (const c of ['shiprocket', 'delhivery', 'icarry'] as const) {
    const d = SIMULATOR_DEFAULTS[c];
    await request(app)
      .put(`/api/admin/couriers/${c}`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ apiConfig: { provider: c, enabled: true, baseUrl: o.sims.urls[c], apiKey: d.apiKey, ...(d.apiSecret ? { apiSecret: d.apiSecret } : {}), webhookSecret: d.webhookSecret }, fields: d.fields })
      .expect(200);
  }

  // The worker, as worker.ts builds it: its registry reads those settings back through the repository.
  const now = () => Date.now();
  const activities = createActivities({
    couriers: new SettingsCourierClients({ source: courierSettings, mode: 'live', production: false, simulatorHost: '127.0.0.1', simulatorBasePort: 1, deps: { now } }),
    store: new MongoProjectionStore(o.mongo.cols),
    ledger: new MongoNotificationLedger(o.mongo.cols, now),
    sender: new LoggingNotificationSender({ info: noop }),
    clock: { now },
    config: { ...o.activityConfig, pickupPincode: SIMULATOR_DEFAULTS.icarry.fields.pickupPincode ?? '560068' },
    storeWebhooks: storeWebhookWorkerDeps(o.mongo.db, box, { timeoutMs: 5_000, disableAfterHours: 72 }, { retry: o.storeWebhookRetry ?? { initialMs: 200, maxMs: 2_000 } }),
  });
  quietRuntime();
  // The worker requires its failure converter by path, with Node's own require: let it load .ts here.
  const unregisterTsRequire = registerTsRequire();
  let current: Waybill['worker'] | undefined;
  const startWorker = async () => {
    const nc = await NativeConnection.connect({ address: o.temporalAddress });
    const worker = await Worker.create({
      ...o.workerOptions,
      connection: nc,
      namespace: o.namespace,
      taskQueue: SHIPMENT_TASK_QUEUE,
      workflowBundle: await workflowBundle(),
      activities,
      dataConverter: createDataConverter(keys),
    });
    const run = worker.run().finally(() => nc.close());
    current = {
      status: () => worker.getStatus(),
      maxCachedWorkflows: worker.options.maxCachedWorkflows,
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await run.catch(() => undefined);
      },
    };
  };
  await startWorker();
  await pipeline.start();

  return {
    url: server.url,
    app,
    namespace: o.namespace,
    mongo: o.mongo,
    client,
    gateway,
    inbox,
    awbs,
    ingestor,
    relay,
    pipeline,
    keys,
    get worker() {
      return current!;
    },
    startWorker,
    async stop() {
      await pipeline.stop();
      await current?.stop();
      await server.close();
      await connection.close();
      unregisterTsRequire();
    },
  };
}

let runtimeInstalled = false;
/** Core's logs (a stream of retry warnings while a test has Temporal down) go to the silent logger. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    installWorkerRuntime({ logger: quiet });
  } catch {
    // Another suite in this process installed one first: keep it.
  }
}

// ---------------------------------------------------------------------------------------------------

export async function listen(app: Express): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs` saying what it waited for. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
