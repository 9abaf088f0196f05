// The whole stack for a benchmark, on loopback: a Temporal dev server and FerretDB of its own (in a temp
// dir, on free ports), the courier simulators, the API on a port and a worker running the real workflow
// and activities (test/support/full-stack.ts, wired as src/worker.ts and src/api/server.ts are), plus
// N Delhivery shipments booked through the API. stop() tears everything down.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request as http } from 'undici';
import { mapLimit } from '../../src/api/services/map-limit';
import { delhiveryWebhook } from '../../src/couriers/delhivery';
import { startFerretDb } from '../../src/infra/ferretdb';
import { freePort, type ManagedProcess } from '../../src/infra/processes';
import { registerSearchAttributes } from '../../src/infra/register-search-attributes';
import { waitForTemporal } from '../../src/infra/temporal-connection';
import { startTemporalDev } from '../../src/infra/temporal-dev';
import { SIMULATOR_DEFAULTS } from '../../src/simulators/defaults';
import { connectMongo, type Mongo } from '../../src/storage/mongo';
import { WEBHOOK_PATHS } from '../../src/webhooks/endpoints';
import { ADMIN_TOKEN, sampleOrder } from '../../test/support/api';
import { startSims, startWaybill, type Sims, type Waybill } from '../../test/support/full-stack';
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
  /** Books more Delhivery shipments through the API. */
  book(n: number, prefix: string, concurrency?: number): Promise<Array<{ orderId: string; awb: string }>>;
  stop(): Promise<void>;
}

export async function startBenchStack(o: { shipments: number; relayIntervalMs?: number }): Promise<BenchStack> {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-bench-'));
  const started: ManagedProcess[] = [];
  const [tPort, mPort] = [await freePort(), await freePort()];
  say('starting Temporal dev server and FerretDB');
  started.push(
    ...(await Promise.all([
      startTemporalDev({ toolsDir: resolve(__dirname, '../../.tools'), port: tPort, namespace: 'default', output: 'ignore' }),
      startFerretDb({ toolsDir: resolve(__dirname, '../../.tools'), dataDir: join(dir, 'ferret'), port: mPort, output: 'ignore' }),
    ])),
  );
  const temporalAddress = `127.0.0.1:${tPort}`;
  await waitForTemporal({ address: temporalAddress, namespace: 'default' });
  await registerSearchAttributes(temporalAddress, 'default').catch(() => undefined);
  const mongoUri = `mongodb://127.0.0.1:${mPort}/`;
  const mongo = await connectMongo(mongoUri, `bench_${randomBytes(3).toString('hex')}`);
  const sims = await startSims();
  say('starting the API and a worker (bundling the workflow)');
  const wb = await startWaybill({ temporalAddress, namespace: 'default', mongo, sims, ...(o.relayIntervalMs ? { relayIntervalMs: o.relayIntervalMs } : {}) });
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const book = async (n: number, prefix: string, concurrency = 8) => {
    let done = 0;
    return mapLimit(
      Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`),
      concurrency,
      async (orderId) => {
        await http(`${wb.url}/api/orders`, { method: 'POST', headers: auth, body: JSON.stringify(sampleOrder(orderId)) }).then((r) => r.body.dump());
        const r = await http(`${wb.url}/api/orders/${orderId}/ship`, { method: 'POST', headers: auth, body: JSON.stringify({ courierId: 'delhivery' }) });
        const body = (await r.body.json()) as { awb?: string };
        if (r.statusCode !== 200 || !body.awb) throw new Error(`ship ${orderId}: ${r.statusCode} ${JSON.stringify(body)}`);
        if (++done % 500 === 0) say(`booked ${done}/${n}`);
        return { orderId, awb: body.awb };
      },
    );
  };
  say(`booking ${o.shipments} Delhivery shipments through the API`);
  const booked = await book(o.shipments, `B${randomBytes(2).toString('hex')}`);
  return {
    temporalAddress,
    mongoUri,
    mongo,
    sims,
    wb,
    booked,
    webhookUrl: `${wb.url}${WEBHOOK_PATHS.delhivery}`,
    webhookHeaders: { 'content-type': 'application/json', authorization: `Bearer ${SIMULATOR_DEFAULTS.delhivery.webhookSecret}` },
    book,
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
export function delhiveryScan(awb: string, n: number, base: number, kind: 'in_transit' | 'journey' = 'in_transit'): string {
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
  const at = new Date(base + n * 60_000).toISOString().replace('Z', '');
  return JSON.stringify({ Shipment: { Status: { Status: status, StatusDateTime: at, StatusType: type, StatusLocation: `Hub_${n % 97} (Maharashtra)`, Instructions: status }, NSLCode: nsl, ReferenceNo: 'bench', AWB: awb } });
}

/** The inbox/timeline key the API will derive for a push body (to find its effect in MongoDB). */
export function eventKey(orderId: string, body: string): string {
  const parsed = delhiveryWebhook.parse({ headers: {}, rawBody: Buffer.from(body), receivedAt: Date.now() });
  if (!parsed.ok) throw new Error(parsed.error);
  return `${orderId}:${parsed.events[0]!.key}`;
}
