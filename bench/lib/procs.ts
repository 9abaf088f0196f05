// The stack as `npm start` runs it, for benchmarks whose figures must not share a process with their
// load generator: the Temporal dev server on a SQLite file and FerretDB (each its own binary), the courier
// simulators, the API (src/api/server.ts) and the worker (src/worker.ts) each in a Node process of its
// own, configured through the environment exactly as src/main.ts configures them, on free ports, in a
// temp dir. The benchmark process only sends HTTP (and reads results afterwards), so it can be the load
// generator. pids() gives every process for CPU and memory readings (proc-stats.ts); the dev server
// serves Prometheus metrics (frontend requests by operation) and the API and the worker their own.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { request } from 'undici';
import { mapLimit } from '../../src/lib/map-limit';
import { CONFIG_VARIABLES } from '../../src/config';
import { startFerretDb } from '../../src/infra/ferretdb';
import { freePort, startProcess, waitForPort, type ManagedProcess } from '../../src/infra/processes';
import { waitForTemporal } from '../../src/infra/temporal-connection';
import { temporalCliPath, temporalDevArgs } from '../../src/infra/temporal-dev';
import { requireBinary } from '../../src/infra/processes';
import { SIMULATOR_DEFAULTS } from '../../src/simulators/defaults';
import { WHATSAPP_SIM_DEFAULTS, whatsAppSimulatorBaseUrl } from '../../src/simulators/whatsapp/defaults';
import { COLLECTIONS } from '../../src/storage/collections';
import { connectMongo, type Mongo } from '../../src/storage/mongo';
import { WEBHOOK_PATHS } from '../../src/webhooks/endpoints';
import { SHIPMENT_TASK_QUEUE } from '../../src/workflows/shipment/contract';
import { booker, type Booked } from './booking';
import { say } from './report';

export const TOOLS_DIR = resolve(__dirname, '../../.tools');
const ROOT = resolve(__dirname, '../..');

export interface ProcStackOptions {
  /** Delhivery shipments booked through the API before the benchmark starts. */
  shipments: number;
  /** Booking concurrency (default 8). */
  concurrency?: number;
  /** Count MongoDB commands on the API's and the worker's /metrics (MONGODB_COMMAND_METRICS). */
  commandMetrics?: boolean;
  /** LOG_LEVEL of the API, the worker and the simulators (default error; their output is prefixed). */
  logLevel?: string;
  /** More environment for the API and the worker (e.g. WEBHOOK_MAX_INFLIGHT). */
  env?: Record<string, string>;
}

export interface ProcStack {
  dir: string;
  temporalAddress: string;
  namespace: string;
  mongoUri: string;
  dbName: string;
  apiUrl: string;
  /** Bearer token for the API's admin routes. */
  adminToken: string;
  webhookUrl: string;
  webhookHeaders: Record<string, string>;
  metricsUrls: { api: string; worker: string; temporal: string };
  /** The benchmark's own connections, for reading results (not used while load runs). */
  mongo: Mongo;
  temporal: Connection;
  booked: Booked[];
  bookingRetries: number;
  processes: Record<'temporal' | 'ferretdb' | 'simulators' | 'api' | 'worker', ManagedProcess>;
  pids(): Record<string, number>;
  /** Documents in tracking_events (the projection's timeline), from collection statistics: no scan. */
  storedCount(): Promise<number>;
  /** storedAt (epoch ms) of the given tracking events; absent ones are left out. One pass over the collection. */
  storedAt(ids: Set<string>): Promise<Map<string, number>>;
  /**
   * Polls storedCount() every second until it reaches `target` or `timeoutMs` passes; returns the last
   * count and when it was reached (epoch ms), or undefined on a timeout.
   */
  waitStored(target: number, timeoutMs: number, label: string): Promise<{ count: number; reachedAt?: number }>;
  /** History length of each booked shipment's workflow (current run). */
  historyLengths(): Promise<Map<string, { runId: string; length: number }>>;
  stop(): Promise<void>;
}

/**
 * `--env KEY=VALUE` (repeatable): more environment for the API and the worker, e.g. `--env
 * WEBHOOK_MAX_INFLIGHT=1024`. Without it they run with npm start's defaults.
 */
export function envFromArgs(argv: string[] = process.argv): Record<string, string> {
  const out: Record<string, string> = {};
  argv.forEach((a, i) => {
    if (a !== '--env') return;
    const kv = argv[i + 1] ?? '';
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error(`--env expects KEY=VALUE, got '${kv}'`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  });
  return out;
}

/** `n` consecutive free ports (the simulators listen on a base port and the next three). */
async function freeRange(n: number): Promise<number> {
  const { createServer } = await import('node:net');
  const free = (p: number) =>
    new Promise<boolean>((res) => {
      const s = createServer();
      s.once('error', () => res(false));
      s.listen(p, '127.0.0.1', () => s.close(() => res(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freePort();
    if (base + n >= 65535) continue;
    let ok = true;
    for (let i = 1; i < n && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${n} consecutive free ports found`);
}

/** Resolves once a worker polls the task queue. */
export async function waitForPoller(connection: Connection, namespace: string, taskQueue: string, proc?: ManagedProcess, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc?.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${proc!.name} exited before polling ${taskQueue}`);
    const r = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 /* WORKFLOW */ });
    if ((r.pollers ?? []).length > 0) return;
    if (Date.now() > deadline) throw new Error(`no worker polled ${taskQueue} within ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 300));
  }
}

async function waitReady(url: string, proc: ManagedProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  let last = '';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${proc.name} exited before ${url} answered (${last})`);
    try {
      const r = await request(url);
      last = `${r.statusCode} ${await r.body.text()}`;
      if (r.statusCode === 200) return;
    } catch (e) {
      last = String(e);
    }
    await new Promise((res) => setTimeout(res, 300));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}`);
}

/** The Temporal dev server as `npm start` runs it (SQLite file), headless, with its metrics on a known port. */
export async function startDevServer(dbFile: string, output: 'prefix' | 'ignore' = 'ignore'): Promise<{ proc: ManagedProcess; address: string; metricsUrl: string }> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const args = [...temporalDevArgs({ toolsDir: TOOLS_DIR, dbFile, port, namespace: 'default' }), '--metrics-port', String(metricsPort)];
  const proc = startProcess({ name: 'temporal', command: requireBinary(temporalCliPath(TOOLS_DIR), 'The Temporal CLI (dev server)'), args, output });
  await waitForPort('127.0.0.1', port, 60_000, proc);
  const address = `127.0.0.1:${port}`;
  await waitForTemporal({ address, namespace: 'default' });
  return { proc, address, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

export async function startProcStack(o: ProcStackOptions): Promise<ProcStack> {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-bench-procs-'));
  const started: ManagedProcess[] = [];
  const stopAll = async () => {
    for (const p of [...started].reverse()) await p.stop('SIGTERM', 15_000).catch(() => undefined);
  };
  try {
    say('starting the Temporal dev server (SQLite file) and FerretDB');
    const mPort = await freePort();
    const [dev, ferretdb] = await Promise.all([
      startDevServer(join(dir, 'temporal.sqlite')),
      startFerretDb({ toolsDir: TOOLS_DIR, dataDir: join(dir, 'ferretdb'), port: mPort, output: 'ignore' }),
    ]);
    started.push(dev.proc, ferretdb);
    const mongoUri = `mongodb://127.0.0.1:${mPort}/`;
    const dbName = 'waybill';
    const [apiPort, simBase, workerMetricsPort] = [await freePort(), await freeRange(4), await freePort()];
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const adminToken = `bench-${randomBytes(12).toString('hex')}`;
    // What src/main.ts hands its children, nothing inherited from the caller's own configuration.
    const base: NodeJS.ProcessEnv = { ...process.env };
    for (const k of CONFIG_VARIABLES) delete base[k];
    const env: NodeJS.ProcessEnv = {
      ...base,
      NODE_ENV: 'development',
      LOG_LEVEL: o.logLevel ?? 'error',
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      PUBLIC_BASE_URL: apiUrl,
      TEMPORAL_ADDRESS: dev.address,
      TEMPORAL_NAMESPACE: 'default',
      MONGODB_URI: mongoUri,
      MONGODB_DB: dbName,
      MONGODB_COMMAND_METRICS: o.commandMetrics ? 'true' : 'false',
      DATA_DIR: join(dir, 'data'),
      TOOLS_DIR,
      ADMIN_API_TOKENS: adminToken,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      CODEC_KEY: randomBytes(32).toString('base64'),
      COURIER_MODE: 'simulator',
      SIMULATOR_HOST: '127.0.0.1',
      SIMULATOR_BASE_PORT: String(simBase),
      // Courier time at its real pace: a booked shipment's first scripted scan is hours away, so the
      // only scans during a benchmark are the benchmark's own.
      SIMULATOR_TIME_SCALE: '1',
      SIMULATOR_WEBHOOK_BASE_URL: apiUrl,
      WHATSAPP_API_BASE_URL: whatsAppSimulatorBaseUrl('127.0.0.1', simBase),
      WHATSAPP_ACCESS_TOKEN: WHATSAPP_SIM_DEFAULTS.accessToken,
      WHATSAPP_PHONE_NUMBER_ID: WHATSAPP_SIM_DEFAULTS.phoneNumberId,
      WORKER_METRICS_PORT: String(workerMetricsPort),
      WORKER_SDK_METRICS_PORT: '0',
      ...o.env,
    };
    const node = (name: string, entry: string) =>
      startProcess({ name, command: process.execPath, args: ['--import', 'tsx', resolve(ROOT, entry)], env, cwd: ROOT, output: 'prefix' });
    say('starting the simulators, the API and the worker (each its own process)');
    const simulators = node('simulators', 'src/simulators/main.ts');
    started.push(simulators);
    await waitForPort('127.0.0.1', simBase + 2, 60_000, simulators);
    // The API first: it creates the collections and indexes (as src/main.ts does, for the same reason).
    const api = node('api', 'src/api/server.ts');
    started.push(api);
    await waitReady(`${apiUrl}/readyz`, api);
    const worker = node('worker', 'src/worker.ts');
    started.push(worker);
    const temporal = await Connection.connect({ address: dev.address });
    await waitForPoller(temporal, 'default', SHIPMENT_TASK_QUEUE, worker);
    const mongo = await connectMongo(mongoUri, dbName, { ensureIndexes: false, maxPoolSize: 4, commandMetrics: false });

    const bookings = booker(apiUrl, adminToken);
    say(`booking ${o.shipments} Delhivery shipments through the API (the worker's courier rate limit, 2 calls/s, sets the pace)`);
    const booked = await bookings.book(o.shipments, `P${randomBytes(2).toString('hex')}`, o.concurrency ?? 8, { progressEvery: 25 });
    const events = mongo.db.collection<{ _id: string; storedAt?: string }>(COLLECTIONS.trackingEvents);
    const processes = { temporal: dev.proc, ferretdb, simulators, api, worker };
    const storedCount = async () => {
      // FerretDB answers count/countDocuments by reading every document; $collStats counts SQLite's cells.
      const [r] = await events.aggregate<{ count: number }>([{ $collStats: { count: {} } }]).toArray();
      return Number(r?.count ?? 0);
    };
    return {
      dir,
      temporalAddress: dev.address,
      namespace: 'default',
      mongoUri,
      dbName,
      apiUrl,
      adminToken,
      webhookUrl: `${apiUrl}${WEBHOOK_PATHS.delhivery}`,
      webhookHeaders: { 'content-type': 'application/json', authorization: `Bearer ${SIMULATOR_DEFAULTS.delhivery.webhookSecret}` },
      metricsUrls: { api: `${apiUrl}/metrics`, worker: `http://127.0.0.1:${workerMetricsPort}/metrics`, temporal: dev.metricsUrl },
      mongo,
      temporal,
      booked,
      bookingRetries: bookings.retries,
      processes,
      pids: () => Object.fromEntries(Object.entries(processes).map(([k, p]) => [k, p.child.pid!])),
      storedCount,
      async waitStored(target, timeoutMs, label) {
        const t0 = Date.now();
        let lastSay = t0;
        for (;;) {
          const count = await storedCount();
          if (count >= target) return { count, reachedAt: Date.now() };
          if (Date.now() - t0 > timeoutMs) return { count };
          if (Date.now() - lastSay >= 5_000) {
            say(`${label}: ${count}/${target} stored, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
            lastSay = Date.now();
          }
          await new Promise((r) => setTimeout(r, 1_000));
        }
      },
      async storedAt(ids) {
        const out = new Map<string, number>();
        // Few ids in a big collection (the aging bench's preloaded history): one read by _id each, the
        // lookup FerretDB answers from its index. Otherwise one pass over the collection.
        if (ids.size * 4 < (await storedCount())) {
          await mapLimit([...ids], 32, async (id) => {
            const d = await events.findOne({ _id: id }, { projection: { storedAt: 1 } });
            if (d?.storedAt) out.set(id, Date.parse(d.storedAt));
          });
          return out;
        }
        for await (const d of events.find({}, { projection: { _id: 1, storedAt: 1 } })) {
          if (ids.has(d._id) && d.storedAt) out.set(d._id, Date.parse(d.storedAt));
        }
        return out;
      },
      async historyLengths() {
        const out = new Map<string, { runId: string; length: number }>();
        for (const { orderId } of booked) {
          const r = await temporal.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: `shipment-${orderId}` } });
          out.set(orderId, { runId: r.workflowExecutionInfo?.execution?.runId ?? '', length: Number(r.workflowExecutionInfo?.historyLength ?? 0) });
        }
        return out;
      },
      async stop() {
        await mongo.close().catch(() => undefined);
        await temporal.close().catch(() => undefined);
        await stopAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
