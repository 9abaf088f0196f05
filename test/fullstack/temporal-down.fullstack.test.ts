// Webhooks that arrive while Temporal is down are accepted into the inbox and delivered after it comes
// back. A dedicated dev server (its state in a SQLite file) is stopped and restarted on the same port,
// with the API, the worker and the courier simulators running throughout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type ManagedProcess } from '../../src/infra/processes';
import { waitForTemporal } from '../../src/infra/temporal-connection';
import { startTemporalDev } from '../../src/infra/temporal-dev';
import type { Mongo } from '../../src/storage/mongo';
import { auth, sampleOrder } from '../support/api';
import { eventually, startSims, startWaybill, type Sims, type Waybill } from '../support/full-stack';
import { freshMongo } from '../support/mongo';

const dir = mkdtempSync(join(tmpdir(), 'waybill-down-'));
let port: number;
let temporal: ManagedProcess | undefined;
let mongo: Mongo;
let sims: Sims;
let wb: Waybill;

async function startTemporal(): Promise<void> {
  temporal = await startTemporalDev({ toolsDir: resolve(__dirname, '../../.tools'), dbFile: join(dir, 'temporal.sqlite'), port, namespace: 'default', output: 'ignore' });
  await waitForTemporal({ address: `127.0.0.1:${port}`, namespace: 'default' });
}

beforeAll(async () => {
  port = await freePort();
  [mongo, sims] = await Promise.all([freshMongo('fullstack_down'), startSims(), startTemporal()]);
  wb = await startWaybill({ temporalAddress: `127.0.0.1:${port}`, namespace: 'default', mongo, sims });
  sims.pushTo(wb.url);
}, 240_000);
afterAll(async () => {
  await wb?.stop();
  await temporal?.stop('SIGKILL');
  await sims?.close();
  await mongo?.close();
  rmSync(dir, { recursive: true, force: true });
});

const orderStatus = async (id: string) => ((await request(wb.app).get(`/api/orders/${id}`).set(auth).expect(200)).body as { status: string }).status;

describe('Temporal down', () => {
  it('accepts webhooks into the inbox while the server is down, and delivers them once it is back', async () => {
    const orderId = `DOWN-${process.pid}`;
    await request(wb.app).post('/api/orders').set(auth).send(sampleOrder(orderId)).expect(201);
    const { awb } = (await request(wb.app).post(`/api/orders/${orderId}/ship`).set(auth).send({ courierId: 'delhivery' }).expect(200)).body as { awb: string };
    await sims.advance(30);
    await eventually('the order to ship', async () => ((await orderStatus(orderId)) === 'shipped' ? true : undefined));

    // Everything pushed so far is delivered before the server goes: what waits below is what came while it was down.
    await wb.ingestor.idle();
    await temporal!.stop();
    const pushedBefore = sims.delhivery.pusher.log.length;
    await sims.advance(12); // out for delivery, pushed while Temporal is down
    const pushes = sims.delhivery.pusher.log.slice(pushedBefore);
    expect(pushes.length).toBeGreaterThan(0);
    // Acknowledged as couriers expect (Delhivery would drop the scan after one failed retry).
    expect(pushes.map((p) => p.status)).toEqual(pushes.map(() => 200));
    // Durable and waiting in the journal: the drainer retries with backoff while the server is down.
    await wb.pipeline.committer.idle();
    expect(wb.pipeline.drainer.backlog()).toBe(pushes.length);
    const waiting = await mongo.cols.inbox.find({ 'deliveries.awb': awb, status: 'pending' }).toArray();
    expect(waiting.length).toBe(pushes.length);
    // The projection still says shipped: nothing reached the workflow.
    expect(await orderStatus(orderId)).toBe('shipped');
    // The API itself keeps answering what it can without Temporal, and says when it cannot.
    await request(wb.app).post(`/api/orders/${orderId}/sync`).set(auth).expect(503);

    await startTemporal();
    await eventually('the journal to deliver what waited', async () => ((await mongo.cols.inbox.countDocuments({ 'deliveries.awb': awb, status: { $ne: 'delivered' } })) === 0 ? true : undefined), 90_000);
    await eventually('the order to reach out_for_delivery', async () => ((await orderStatus(orderId)) === 'out_for_delivery' ? true : undefined), 60_000);
    const delivered = await mongo.cols.inbox.find({ _id: { $in: waiting.map((d) => d._id) } }).toArray();
    expect(delivered.map((d) => d.status)).toEqual(waiting.map(() => 'delivered'));
    expect(wb.pipeline.drainer.backlog()).toBe(0);
    // The test's own limit covers the waits above (up to 90 s + 60 s after the restart): under load on
    // 2 cores the drainer's backoff and the client's reconnection take longer than the 60 s default.
  }, 240_000);
});
