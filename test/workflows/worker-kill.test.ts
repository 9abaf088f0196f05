// Kills the worker process (SIGKILL) in the middle of a shipment, keeps webhooks coming while no worker
// runs, starts a new worker, and checks that the shipment finishes with nothing lost or doubled:
// every scan applied once, no notification delivered twice, the projection complete.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TrackingEvent } from '../../src/couriers/types';
import type { Mongo } from '../../src/storage/mongo';
import type { OrderDoc } from '../../src/storage/types';
import { bookingUpdate, courierEventSignal, shipmentWorkflowId, trackingQuery, type ShipmentResult } from '../../src/workflows/shipment/contract';
import { freshMongo } from '../support/mongo';
import { scan } from '../support/workflow-fakes';
import { orderId, shipmentInput, workflowBundle, ROOT } from '../support/workflow-env';
import { CHILD_COLLECTIONS } from '../support/workflow-worker-child';

const H = 3_600_000;
let mongo: Mongo;
let client: Client;
let connection: Connection;
let bundlePath: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  mongo = await freshMongo('worker_kill');
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection, namespace: inject('temporalNamespace') });
  const bundle = await workflowBundle();
  bundlePath = join(mkdtempSync(join(tmpdir(), 'waybill-bundle-')), 'workflows.js');
  writeFileSync(bundlePath, bundle.code);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await connection?.close();
  await mongo?.close();
});

function startWorker(taskQueue: string): Promise<ChildProcess> {
  // The worker must be this process itself: tsx's CLI would run it as a grandchild, and a SIGKILL to
  // the CLI would leave the real worker running (and the kill untested).
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'test/support/workflow-worker-child.ts')], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      MONGO_URI: inject('mongoUri'),
      MONGO_DB: mongo.db.databaseName,
      TASK_QUEUE: taskQueue,
      WORKFLOW_BUNDLE: bundlePath,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((ok, fail) => {
    child.stdout?.on('data', (b: Buffer) => {
      if (b.toString().includes('READY')) ok(child);
    });
    child.on('exit', (code) => fail(new Error(`worker exited early (${code})`)));
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('worker killed mid-shipment', () => {
  it('a new worker finishes the shipment: scans applied once, notifications at most once, projection complete', async () => {
    const id = orderId('KILL');
    const taskQueue = `shipments-kill-${process.pid}`;
    const now = new Date().toISOString();
    await mongo.cols.orders.insertOne({
      _id: id, status: 'processing', statusHistory: [], notes: [], customer: { name: 'Asha Rao' },
      shippingAddress: { address1: '12 MG Road', city: 'Bengaluru', state: 'Karnataka', pincode: '560001', country: 'IN' },
      items: [], paymentMethod: 'prepaid', codAmount: 0, orderValue: 450, createdAt: now, updatedAt: now,
    } satisfies OrderDoc);

    let worker = await startWorker(taskQueue);
    const outcome = await client.workflow.executeUpdateWithStart(bookingUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation('shipmentWorkflow', {
        workflowId: shipmentWorkflowId(id),
        taskQueue,
        args: [shipmentInput(id)],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
    if (!outcome.ok) throw new Error(`booking failed: ${outcome.code}`);
    const handle = client.workflow.getHandle(shipmentWorkflowId(id));
    const t0 = Date.now();
    const publishAndSignal = async (...events: TrackingEvent[]) => {
      await mongo.db.collection(CHILD_COLLECTIONS.scans).insertMany(events.map((event) => ({ awb: event.awb, event })));
      await handle.signal(courierEventSignal, { events, source: 'webhook', receivedAt: new Date().toISOString() });
    };
    const shipment = () => mongo.cols.shipments.findOne({ _id: id });

    await publishAndSignal(scan(outcome.awb, 'picked_up', t0 - 50 * H), scan(outcome.awb, 'in_transit', t0 - 40 * H));
    await until('in_transit in the projection', async () => (await shipment())?.status === 'in_transit');
    await publishAndSignal(scan(outcome.awb, 'out_for_delivery', t0 - 2 * H));
    // The out-for-delivery notifications are now being sent (the provider takes 700 ms): kill.
    await until('out_for_delivery applied', async () => (await handle.query(trackingQuery)).status === 'out_for_delivery', 10_000);
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));

    // Webhooks keep arriving while no worker runs; the courier resends one.
    const delivered = scan(outcome.awb, 'delivered', t0 - H);
    await publishAndSignal(delivered);
    await handle.signal(courierEventSignal, { events: [delivered], source: 'webhook', receivedAt: new Date().toISOString() });

    worker = await startWorker(taskQueue);
    const result = (await handle.result()) as ShipmentResult;
    expect(result).toMatchObject({ status: 'delivered', orderStatus: 'delivered', awb: outcome.awb });

    const view = await handle.query(trackingQuery);
    expect(view.timeline.map((e) => e.status)).toEqual(['picked_up', 'in_transit', 'out_for_delivery', 'delivered']);
    expect(view.transitions.map((t) => t.to)).toEqual(['booked', 'picked_up', 'in_transit', 'out_for_delivery', 'delivered']);

    const bookings = await mongo.db.collection(CHILD_COLLECTIONS.bookings).find({ _id: id as never }).toArray();
    expect(bookings).toHaveLength(1);
    // Notifications: at most once. A message the dead worker had claimed (the out-for-delivery ones were
    // with the slow provider) may or may not have been taken, and no provider here takes an idempotency
    // key: the next attempt does not send it again, it settles the slot 'uncertain'. Nothing reached the
    // provider twice; every slot is settled; everything sent after the restart is 'sent'.
    const messages = await mongo.db.collection<{ _id: string; deliveries: number; event: string; channel: string }>(CHILD_COLLECTIONS.messages).find({ orderId: id }).toArray();
    expect(messages.filter((m) => m.deliveries !== 1)).toEqual([]);
    const received = new Set(messages.map((m) => `${m.event}:${m.channel}`));
    const ledger = await mongo.cols.notifications.find({ orderId: id }).toArray();
    expect(ledger.map((d) => `${d.event}:${d.channel}`).sort()).toEqual([
      'delivered:email', 'delivered:whatsapp', 'out_for_delivery:email', 'out_for_delivery:whatsapp', 'shipped:email', 'shipped:whatsapp',
    ]);
    for (const d of ledger) {
      const k = `${d.event}:${d.channel}`;
      expect([k, d.status]).toEqual([k, d.event === 'delivered' ? 'sent' : expect.stringMatching(/^(sent|uncertain)$/)]);
      if (d.status === 'sent') expect(received.has(k)).toBe(true);
    }

    expect(await shipment()).toMatchObject({ status: 'delivered', orderStatus: 'delivered', awb: outcome.awb });
    expect(await mongo.cols.trackingEvents.countDocuments({ orderId: id })).toBe(4);
    const order = await mongo.cols.orders.findOne({ _id: id });
    expect(order?.status).toBe('delivered');
    expect(order?.statusHistory.map((e) => e.status)).toEqual(['shipped', 'out_for_delivery', 'delivered']);
    expect(await mongo.cols.awbIndex.findOne({ _id: `delhivery:${outcome.awb}` })).toMatchObject({ orderId: id });
    worker.kill('SIGTERM');
  }, 120_000);
});
