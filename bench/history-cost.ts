// History events per shipment: the retry-poller design (production shipmentWorkflow) against a naive
// timer loop with the same behaviour (test/support/workflow-naive-timer-loop.ts), on the time-skipping
// test server with the production activities over in-memory fakes.
//
//   npx tsx bench/history-cost.ts
//
// Prints figures; asserts nothing. docs/workflow.md quotes its output.
import { resolve } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { createActivities } from '../src/activities';
import type { TrackingEvent } from '../src/couriers/types';
import type { ShipmentStatus } from '../src/domain/status';
import { bookingUpdate, courierEventSignal, shipmentWorkflowId } from '../src/workflows/shipment/contract';
import { FakeCourier, fakeWorld, scan } from '../test/support/workflow-fakes';
import { createTimeSkippingEnv, orderId, quietLogger, shipmentInput } from '../test/support/workflow-env';

const H = 3_600_000;
type Design = 'shipmentWorkflow' | 'naiveTimerLoopShipment';
const DESIGNS: Design[] = ['shipmentWorkflow', 'naiveTimerLoopShipment'];

/** A five-day delivery: eight scans at these hours after booking. */
const JOURNEY: Array<[ShipmentStatus, number]> = [
  ['pickup_scheduled', 2],
  ['picked_up', 20],
  ['in_transit', 26],
  ['in_transit', 50],
  ['in_transit', 74],
  ['in_transit', 98],
  ['out_for_delivery', 112],
  ['delivered', 118],
];

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const env = await createTimeSkippingEnv();
  const bundle = await bundleWorkflowCode({ workflowsPath: resolve(__dirname, '../test/support/workflow-bench-entry.ts'), logger: quietLogger });
  const rows: Array<Record<string, string | number>> = [];
  let breakdown: Record<string, number> = {};

  const run = async (design: Design, scenario: 'webhooks-8' | 'polling-5d' | 'quiet-in-transit') => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const taskQueue = `bench-${design}-${scenario}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: createActivities(world.deps) });
    const id = orderId('BENCH');
    return worker.runUntil(async () => {
      const handle = await env.client.workflow.start(design, { taskQueue, workflowId: shipmentWorkflowId(id), args: [shipmentInput(id)] });
      let awb: string;
      if (design === 'shipmentWorkflow') {
        const b = await handle.executeUpdate(bookingUpdate);
        if (!b.ok) throw new Error('booking failed');
        awb = b.awb;
      } else {
        while (!courier.awbFor(id)) await new Promise((r) => setTimeout(r, 20));
        awb = courier.awbFor(id) as string;
      }
      const t0 = await env.currentTimeMs();
      const at = async (hour: number) => {
        const now = await env.currentTimeMs();
        if (t0 + hour * H > now) await env.sleep(t0 + hour * H - now);
      };
      const events = async () => (await handle.fetchHistory()).events ?? [];
      if (scenario === 'quiet-in-transit') {
        courier.publish(scan(awb, 'picked_up', t0 + 2 * H), scan(awb, 'in_transit', t0 + 6 * H));
        await at(24);
        const day1 = (await events()).length;
        await at(24 * 4);
        const day4 = (await events()).length;
        await handle.terminate('bench done');
        return { total: day4, perDay: (day4 - day1) / 3, courierCalls: courier.trackCalls + courier.trackManyCalls.length };
      }
      for (const [status, hour] of JOURNEY) {
        await at(hour);
        const e: TrackingEvent = scan(awb, status, t0 + hour * H);
        courier.publish(e);
        if (scenario === 'webhooks-8') await handle.signal(courierEventSignal, { events: [e], source: 'webhook', receivedAt: new Date(t0 + hour * H).toISOString() });
      }
      await handle.result();
      const hist = await events();
      if (design === 'shipmentWorkflow' && scenario === 'webhooks-8') {
        breakdown = {};
        for (const ev of hist) {
          const name = temporal.api.enums.v1.EventType[ev.eventType ?? 0]?.replace('EVENT_TYPE_', '') ?? String(ev.eventType);
          breakdown[name] = (breakdown[name] ?? 0) + 1;
        }
      }
      const days = (Number(hist.at(-1)?.eventTime?.seconds) * 1000 - t0) / (24 * H);
      return { total: hist.length, perDay: hist.length / days, courierCalls: courier.trackCalls + courier.trackManyCalls.length };
    });
  };

  for (const scenario of ['webhooks-8', 'polling-5d', 'quiet-in-transit'] as const) {
    for (const design of DESIGNS) {
      const started = Date.now();
      process.stderr.write(`${scenario} / ${design} … `);
      const r = await run(design, scenario);
      process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      rows.push({ scenario, design: design === 'shipmentWorkflow' ? 'retry poller (production)' : 'naive timer loop', 'history events': r.total, 'events per shipment-day': Number(r.perDay.toFixed(1)), 'courier track calls': r.courierCalls });
    }
  }
  await env.teardown();
  console.table(rows);
  console.log('production workflow, webhooks-8, events by type:');
  console.table(Object.entries(breakdown).sort((a, b) => b[1] - a[1]).map(([type, count]) => ({ type, count })));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
