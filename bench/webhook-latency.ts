// Webhook-to-status latency: how long after a courier's webhook is sent the store can read its effect.
//
//   npx tsx bench/webhook-latency.ts [--webhooks 1000] [--concurrency 4]
//
// Runs the whole stack on this machine — a Temporal dev server and FerretDB (both embedded, in a temp
// dir), the API on a port, a worker with the real shipment workflow and activities, and the Delhivery
// simulator the shipments are booked with — then sends Delhivery scan pushes over HTTP, `concurrency`
// shipments at a time, each shipment's scans one after another (8 per shipment: pickup scheduled, picked
// up, in transit ×2, out for delivery, failed attempt (NDR), out for delivery again, delivered).
//
// Three figures per webhook:
//   ack      the courier's POST → the API's 200 (the event is in the durable inbox);
//   signal   the POST → the API has signalled the workflow (the inbox's deliveredAt; wall clock, ms);
//   visible  the POST → the store can read it in MongoDB: the shipment projection (written last, after
//            the timeline entry and the order status) includes the scan. So the inbox delivered it, the
//            workflow applied it and the projection activity wrote it. Read by polling MongoDB by _id
//            every 10 ms, so figures carry up to ~10 ms of sampling error.
// Prints a table; it asserts nothing (latency is never a test).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { request as http } from 'undici';
import { delhiveryWebhook } from '../src/couriers/delhivery';
import { mapLimit } from '../src/lib/map-limit';
import { startFerretDb } from '../src/infra/ferretdb';
import { freePort, type ManagedProcess } from '../src/infra/processes';
import { waitForTemporal } from '../src/infra/temporal-connection';
import { startTemporalDev } from '../src/infra/temporal-dev';
import { SIMULATOR_DEFAULTS } from '../src/simulators/defaults';
import { connectMongo } from '../src/storage/mongo';
import { WEBHOOK_PATHS } from '../src/webhooks/endpoints';
import { ADMIN_TOKEN, sampleOrder } from '../test/support/api';
import { arg, say, stats } from './lib/report';
import { delhiveryScan } from './lib/stack';
import { startSims, startWaybill } from '../test/support/full-stack';

const WEBHOOKS = arg('webhooks', 1000);
const CONCURRENCY = arg('concurrency', 4);
const PER_SHIPMENT = 8;
const POLL_MS = 10;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-bench-'));
  const tools = resolve(__dirname, '../.tools');
  const started: ManagedProcess[] = [];
  const [tPort, mPort] = [await freePort(), await freePort()];
  try {
    say('starting Temporal dev server and FerretDB');
    started.push(...(await Promise.all([startTemporalDev({ toolsDir: tools, port: tPort, namespace: 'default', output: 'ignore' }), startFerretDb({ toolsDir: tools, dataDir: join(dir, 'ferret'), port: mPort, output: 'ignore' })])));
    const address = `127.0.0.1:${tPort}`;
    await waitForTemporal({ address, namespace: 'default' });
    const mongo = await connectMongo(`mongodb://127.0.0.1:${mPort}/`, `bench_${randomBytes(3).toString('hex')}`);
    const sims = await startSims();
    say('starting the API and a worker (bundling the workflow)');
    const wb = await startWaybill({ temporalAddress: address, namespace: 'default', mongo, sims });
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

    const shipments = Math.ceil(WEBHOOKS / PER_SHIPMENT);
    say(`booking ${shipments} Delhivery shipments through the API`);
    const booked = await mapLimit(
      Array.from({ length: shipments }, (_, i) => `BENCH-${i + 1}`),
      8,
      async (orderId) => {
        await http(`${wb.url}/api/orders`, { method: 'POST', headers: auth, body: JSON.stringify(sampleOrder(orderId)) }).then((r) => r.body.dump());
        const r = await http(`${wb.url}/api/orders/${orderId}/ship`, { method: 'POST', headers: auth, body: JSON.stringify({ courierId: 'delhivery' }) });
        const body = (await r.body.json()) as { awb?: string };
        if (r.statusCode !== 200 || !body.awb) throw new Error(`ship ${orderId}: ${r.statusCode} ${JSON.stringify(body)}`);
        return { orderId, awb: body.awb };
      },
    );

    const webhookUrl = `${wb.url}${WEBHOOK_PATHS.delhivery}`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${SIMULATOR_DEFAULTS.delhivery.webhookSecret}` };
    const ack: number[] = [];
    const signalled: number[] = [];
    const visible: number[] = [];
    let sent = 0;
    say(`sending ${shipments * PER_SHIPMENT} webhooks, ${CONCURRENCY} shipments at a time`);
    const t0 = performance.now();
    await mapLimit(booked, CONCURRENCY, async ({ orderId, awb }) => {
      const start = Date.now() - 10 * 86_400_000;
      for (let i = 0; i < PER_SHIPMENT && sent < WEBHOOKS; i++, sent++) {
        const body = delhiveryScan(awb, i, start, 'journey', 3_600_000);
        const parsed = delhiveryWebhook.parse({ headers: {}, rawBody: Buffer.from(body), receivedAt: Date.now() });
        if (!parsed.ok) throw new Error(parsed.error);
        const occurredAt = parsed.events[0]!.occurredAt;
        const sentAt = Date.now();
        const t = performance.now();
        const r = await http(webhookUrl, { method: 'POST', headers, body });
        const { id: inboxId } = (await r.body.json()) as { id?: string };
        if (r.statusCode !== 200) throw new Error(`webhook answered ${r.statusCode}`);
        ack.push(performance.now() - t);
        while (!(await mongo.cols.shipments.findOne({ _id: orderId, lastEventAt: { $gte: occurredAt } }, { projection: { _id: 1 } }))) await new Promise((res) => setTimeout(res, POLL_MS));
        visible.push(performance.now() - t);
        const doc = inboxId ? await mongo.cols.inbox.findOne({ _id: inboxId }) : null;
        const deliveredAt = doc?.deliveries[0]?.deliveredAt;
        if (deliveredAt) signalled.push(Date.parse(deliveredAt) - sentAt);
      }
    });
    const wall = (performance.now() - t0) / 1000;

    const delivered = await mongo.cols.orders.countDocuments({ status: 'delivered' });
    const rows = [
      ['webhook → 200 (in the inbox)', stats(ack)],
      ['webhook → workflow signalled', stats(signalled)],
      ['webhook → status in MongoDB', stats(visible)],
    ] as const;
    const fmt = (x: number) => x.toFixed(1).padStart(8);
    console.log(`\nWebhook-to-status latency, ${visible.length} Delhivery webhooks, ${CONCURRENCY} shipments in flight (ms)`);
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}, Temporal dev server + FerretDB (SQLite)`);
    console.log(`${'measure'.padEnd(32)}${['n', 'min', 'median', 'p90', 'p99', 'max'].map((h) => h.padStart(8)).join('')}`);
    for (const [name, s] of rows) console.log(`${name.padEnd(32)}${String(s.n).padStart(8)}${fmt(s.min)}${fmt(s.median)}${fmt(s.p90)}${fmt(s.p99)}${fmt(s.max)}`);
    console.log(`throughput: ${(visible.length / wall).toFixed(1)} webhooks/s end to end; orders delivered: ${delivered}/${booked.length}`);

    await wb.stop();
    await sims.close();
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
  } finally {
    await Promise.all(started.map((p) => p.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench failed: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  },
);
