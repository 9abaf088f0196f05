// The whole stack for a benchmark, on loopback: a Temporal dev server and FerretDB of its own (in a temp
// dir, on free ports), the courier simulators, the API on a port and a worker running the real workflow
// and activities (test/support/full-stack.ts, wired as src/worker.ts and src/api/server.ts are), plus
// N Delhivery shipments booked through the API. stop() tears everything down.
//
// Benches that open many workflows (scale) pass a raised per-courier rate limit for the worker and
// raised WAF limits for the Delhivery simulator: both are safety valves (the worker's limiter defaults
// to 2 requests/s per courier; the simulator's WAF counts on its courier clock, which a bench never
// moves, so its 5-minute window never resets) and would otherwise be what those benches measure.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { delhiveryWebhook } from '../../src/couriers/delhivery';
import { startFerretDb } from '../../src/infra/ferretdb';
import { freePort, type ManagedProcess } from '../../src/infra/processes';
import { registerSearchAttributes } from '../../src/infra/register-search-attributes';
import { waitForTemporal } from '../../src/infra/temporal-connection';
import { startTemporalDev } from '../../src/infra/temporal-dev';
import { SIMULATOR_DEFAULTS } from '../../src/simulators/defaults';
import { connectMongo, type Mongo } from '../../src/storage/mongo';
import { WEBHOOK_PATHS } from '../../src/webhooks/endpoints';
import { ADMIN_TOKEN } from '../../test/support/api';
import { startSims, startWaybill, type Sims, type SimsOptions, type Waybill, type WaybillOptions } from '../../test/support/full-stack';
import { booker } from './booking';
import { say } from './report';

export interface BenchStack {
  temporalAddress: string;
  mongoUri: string;
  mongo: Mongo;
  sims: Sims;
  wb: Waybill;
  booked: Array<{ orderId: string; awb: string }>;
  webhookUrl: string;
  webhookHeaders: Record<string, string>;
  /** The stack's own servers (pids for memory readings). */
  processes: { temporal: ManagedProcess; ferretdb: ManagedProcess };
  /** Books more Delhivery shipments (see BookOptions), `concurrency` at a time. */
  book(n: number, prefix: string, concurrency?: number, opts?: BookOptions): Promise<Array<{ orderId: string; awb: string }>>;
  /** Booking requests retried after a 5xx or a network error (ship is idempotent: a retry joins the workflow). */
  bookingRetries: number;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  shipments: number;
  relayIntervalMs?: number;
  /** Booking concurrency for the initial shipments (default 8). */
  concurrency?: number;
  /** The worker's activity config, e.g. `{ rateLimits: { delhivery: { perSecond: 1000, burst: 1000 } } }`. */
  activityConfig?: WaybillOptions['activityConfig'];
  /** Extra Worker.create options (interceptors…). */
  workerOptions?: WaybillOptions['workerOptions'];
  /** Delhivery simulator options, e.g. `{ limits: { trackingPer5Min: 1e9, pincodePer5Min: 1e9 } }`. */
  delhivery?: SimsOptions['delhivery'];
}

export interface BookOptions {
  /** Print progress every this many bookings (default 500). */
  progressEvery?: number;
}

export async function startBenchStack(o: BenchStackOptions): Promise<BenchStack> {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-bench-'));
  const [tPort, mPort] = [await freePort(), await freePort()];
  say('starting Temporal dev server and FerretDB');
  const [temporal, ferretdb] = await Promise.all([
    startTemporalDev({ toolsDir: resolve(__dirname, '../../.tools'), port: tPort, namespace: 'default', output: 'ignore' }),
    startFerretDb({ toolsDir: resolve(__dirname, '../../.tools'), dataDir: join(dir, 'ferret'), port: mPort, output: 'ignore' }),
  ]);
  const started: ManagedProcess[] = [temporal, ferretdb];
  const temporalAddress = `127.0.0.1:${tPort}`;
  await waitForTemporal({ address: temporalAddress, namespace: 'default' });
  await registerSearchAttributes(temporalAddress, 'default').catch(() => undefined);
  const mongoUri = `mongodb://127.0.0.1:${mPort}/`;
  const mongo = await connectMongo(mongoUri, `bench_${randomBytes(3).toString('hex')}`);
  const sims = await startSims(o.delhivery ? { delhivery: o.delhivery } : {});
  say('starting the API and a worker (bundling the workflow)');
  const wb = await startWaybill({
    temporalAddress,
    namespace: 'default',
    mongo,
    sims,
    ...(o.relayIntervalMs ? { relayIntervalMs: o.relayIntervalMs } : {}),
    ...(o.activityConfig ? { activityConfig: o.activityConfig } : {}),
    ...(o.workerOptions ? { workerOptions: o.workerOptions } : {}),
  });
  const bookings = booker(wb.url, ADMIN_TOKEN);
  const book = (n: number, prefix: string, concurrency = 8, bo: BookOptions = {}) => bookings.book(n, prefix, concurrency, bo);
  say(`booking ${o.shipments} Delhivery shipments through the API`);
  const booked = await book(o.shipments, `B${randomBytes(2).toString('hex')}`, o.concurrency);
  return {
    temporalAddress,
    mongoUri,
    mongo,
    sims,
    wb,
    booked,
    webhookUrl: `${wb.url}${WEBHOOK_PATHS.delhivery}`,
    webhookHeaders: { 'content-type': 'application/json', authorization: `Bearer ${SIMULATOR_DEFAULTS.delhivery.webhookSecret}` },
    processes: { temporal, ferretdb },
    book,
    get bookingRetries() {
      return bookings.retries;
    },
    async stop() {
      await wb.stop().catch(() => undefined);
      await sims.close().catch(() => undefined);
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.close().catch(() => undefined);
      await Promise.all(started.map((p) => p.stop('SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Delhivery scan push (the simulator's format: src/simulators/delhivery/views.ts scanPush) for an AWB. */
export function delhiveryScan(awb: string, n: number, base: number, kind: 'in_transit' | 'journey' = 'in_transit', stepMs = 60_000): string {
  const JOURNEY: Array<[string, string, string]> = [
    ['UD', 'Manifested', 'FMPUR-101'],
    ['UD', 'In Transit', 'X-PPOM'],
    ['UD', 'In Transit', 'X-PIOM'],
    ['UD', 'Pending', 'X-IBD3F'],
    ['UD', 'Dispatched', 'X-DDD3FD'],
    ['UD', 'Pending', 'EOD-11'],
    ['UD', 'Dispatched', 'X-DDD3FD'],
    ['DL', 'Delivered', 'EOD-38'],
  ];
  const [type, status, nsl] = kind === 'journey' ? JOURNEY[Math.min(n, JOURNEY.length - 1)]! : ['UD', 'In Transit', 'X-PIOM'];
  const at = new Date(base + n * stepMs).toISOString().replace('Z', '');
  return JSON.stringify({ Shipment: { Status: { Status: status, StatusDateTime: at, StatusType: type, StatusLocation: `Hub_${n % 97} (Maharashtra)`, Instructions: status }, NSLCode: nsl, ReferenceNo: 'bench', AWB: awb } });
}

/** The inbox/timeline key the API will derive for a push body (to find its effect in MongoDB). */
export function eventKey(orderId: string, body: string): string {
  const parsed = delhiveryWebhook.parse({ headers: {}, rawBody: Buffer.from(body), receivedAt: Date.now() });
  if (!parsed.ok) throw new Error(parsed.error);
  return `${orderId}:${parsed.events[0]!.key}`;
}
