// Records the golden histories replayed by test/workflows/replay.test.ts.
//   npx tsx test/histories/record.ts
// Run it only when a NEW path needs a golden history. Never re-record an existing file to make a
// replay failure go away: that failure means running shipments would break; add a patched() instead.
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TrackingEvent } from '../../src/couriers/types';
import {
  bookingUpdate,
  cancelUpdate,
  courierEventSignal,
  resolveNdrUpdate,
  retryBookingUpdate,
  SEARCH_ATTRIBUTES,
  trackingQuery,
} from '../../src/workflows/shipment/contract';
import { MemoryFeed, MemoryStoreEndpoints, startReceiver } from '../support/store-webhook-fakes';
import { FakeCourier, fakeWorld, scan } from '../support/workflow-fakes';
import { createTimeSkippingEnv, orderId, shipmentInput, toolPath } from '../support/workflow-env';
import { harness } from '../support/workflow-harness';
import { writeHistoryFile } from '../support/workflow-history-file';

const H = 3_600_000;
const OUT = __dirname;

type Env = TestWorkflowEnvironment;
type Handle = Awaited<ReturnType<Awaited<ReturnType<typeof harness>>['start']>>;

async function save(name: string, handle: Handle, env: Env): Promise<void> {
  // The first run: for continue-as-new that is the run that handed over, the interesting part.
  const history = await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory();
  writeHistoryFile(join(OUT, `${name}.json`), history);
  console.log(`recorded ${name}: ${history.events?.length ?? 0} events`);
}

/** The run a continue-as-new handed over to: it starts from the carried state. */
async function saveLatest(name: string, handle: Handle, env: Env): Promise<void> {
  const history = await env.client.workflow.getHandle(handle.workflowId).fetchHistory();
  writeHistoryFile(join(OUT, `${name}.json`), history);
  console.log(`recorded ${name}: ${history.events?.length ?? 0} events`);
}

/** Scenarios whose last run is recorded too (as `<name>-continued`). */
const CONTINUED_TOO = new Set(['can-after-timer']);

/** `npx tsx test/histories/record.ts [time-skipping|dev-server] [name]` records only that scenario. */
const ONLY_NAME = process.argv[3];

async function scenario(
  env: Env,
  name: string,
  input: Parameters<typeof shipmentInput>[1],
  script: (ctx: { env: Env; handle: Handle; courier: FakeCourier; awb: string; t0: number; send: (...e: TrackingEvent[]) => Promise<void> }) => Promise<void>,
  courier = new FakeCourier('delhivery'),
  setup?: (world: ReturnType<typeof fakeWorld>) => void,
) {
  if (ONLY_NAME && ONLY_NAME !== name) return;
  const world = fakeWorld(courier);
  setup?.(world);
  const h = await harness(env, world);
  const id = orderId(name.toUpperCase().replace(/[^A-Z]/g, ''));
  await h.run(async () => {
    const handle = await h.start(shipmentInput(id, { ...input, courier: courier.id }));
    const booking = await handle.executeUpdate(bookingUpdate);
    const awb = booking.ok ? booking.awb : '';
    const t0 = await env.currentTimeMs();
    const send = async (...events: TrackingEvent[]) => {
      courier.publish(...events);
      await handle.signal(courierEventSignal, { events, source: 'webhook', receivedAt: new Date(await env.currentTimeMs()).toISOString() });
    };
    await script({ env, handle, courier, awb, t0, send });
    await handle.result();
    await save(name, handle, env);
    if (CONTINUED_TOO.has(name)) await saveLatest(`${name}-continued`, handle, env);
  });
}

async function timeSkipping(): Promise<void> {
  const env = await createTimeSkippingEnv();
  try {
    await scenario(env, 'happy-webhooks', {}, async ({ env, awb, t0, send }) => {
      const s = [scan(awb, 'pickup_scheduled', t0 + H), scan(awb, 'picked_up', t0 + 20 * H), scan(awb, 'in_transit', t0 + 26 * H), scan(awb, 'in_transit', t0 + 40 * H)];
      await send(s[0]!);
      await env.sleep('20 hours');
      await send(s[2]!, s[1]!);
      await send(s[1]!);
      await env.sleep('20 hours');
      await send(s[3]!, scan(awb, null, t0 + 41 * H));
      await env.sleep('30 hours');
      await send(scan(awb, 'out_for_delivery', t0 + 70 * H));
      await send(scan(awb, 'delivered', t0 + 74 * H));
    });
    await scenario(env, 'polling-only', {}, async ({ env, courier, awb, t0 }) => {
      courier.publish(scan(awb, 'pickup_scheduled', t0 + H));
      await env.sleep('8 hours');
      courier.publish(scan(awb, 'picked_up', t0 + 20 * H), scan(awb, 'in_transit', t0 + 26 * H));
      await env.sleep('30 hours');
      courier.publish(scan(awb, 'out_for_delivery', t0 + 70 * H));
      await env.sleep('40 hours');
      courier.publish(scan(awb, 'delivered', t0 + 90 * H));
    });
    await scenario(env, 'ndr-customer-reattempt', {}, async ({ env, handle, awb, t0, send }) => {
      await send(scan(awb, 'picked_up', t0 + 2 * H), scan(awb, 'out_for_delivery', t0 + 40 * H));
      await send(scan(awb, 'undelivered', t0 + 44 * H, { ndr: { reason: 'consignee_unavailable', attempt: 1 } }));
      await env.sleep('1 hour');
      await handle.executeUpdate(resolveNdrUpdate, { args: [{ requestId: 'r1', action: { type: 'reschedule', date: '2026-03-05' }, by: 'customer' }] });
      await env.sleep('20 hours');
      await send(scan(awb, 'out_for_delivery', t0 + 66 * H), scan(awb, 'delivered', t0 + 69 * H));
    });
    await scenario(env, 'ndr-default-rto', {}, async ({ env, awb, t0, send }) => {
      await send(scan(awb, 'picked_up', t0 + 2 * H), scan(awb, 'out_for_delivery', t0 + 30 * H));
      await send(scan(awb, 'undelivered', t0 + 34 * H, { ndr: { reason: 'address_issue', attempt: 1 } }));
      await env.sleep('25 hours');
      await send(scan(awb, 'out_for_delivery', t0 + 60 * H), scan(awb, 'undelivered', t0 + 64 * H, { ndr: { reason: 'address_issue', attempt: 2 } }));
      await env.sleep('26 hours');
      await send(scan(awb, 'rto_initiated', t0 + 100 * H));
      await env.sleep('3 days');
      await send(scan(awb, 'rto_in_transit', t0 + 130 * H), scan(awb, 'rto_delivered', t0 + 180 * H));
    });
    await scenario(env, 'booking-failure-fix', { pincode: '999999' }, async ({ env, handle, courier }) => {
      await env.sleep('1 day');
      const fixed = await handle.executeUpdate(retryBookingUpdate, { args: [{ requestId: 'fix', request: { consignee: { ...shipmentInput('x').request.consignee, pincode: '560002' } } }] });
      if (!fixed.ok) throw new Error('fix failed');
      const t = await env.currentTimeMs();
      const e = [scan(fixed.awb, 'picked_up', t + H), scan(fixed.awb, 'delivered', t + 30 * H)];
      courier.publish(...e);
      await handle.signal(courierEventSignal, { events: e, source: 'webhook', receivedAt: new Date(t).toISOString() });
    }, Object.assign(new FakeCourier('delhivery'), { unserviceable: new Set(['999999']) }));
    await scenario(env, 'cancel-before-pickup', {}, async ({ handle, awb, t0, send }) => {
      await send(scan(awb, 'pickup_scheduled', t0 + H));
      await handle.executeUpdate(cancelUpdate, { args: [{ requestId: 'c', by: 'admin', reason: 'customer asked' }] });
    });
    // Recorded after the 'signals-before-commands' patch: the webhook and the cancel reach the same task.
    await scenario(env, 'signal-and-cancel-together', {}, async ({ handle, awb, t0, courier }) => {
      const e = scan(awb, 'pickup_scheduled', t0 + H);
      courier.publish(e);
      await Promise.all([
        handle.signal(courierEventSignal, { events: [e], source: 'webhook', receivedAt: new Date(t0).toISOString() }),
        handle.executeUpdate(cancelUpdate, { args: [{ requestId: 'c', by: 'admin', reason: 'customer asked' }] }),
      ]);
    });
    await scenario(env, 'stuck-then-lost', { options: { stuckAfterHours: { in_transit: 30 } } }, async ({ env, awb, t0, send }) => {
      await send(scan(awb, 'picked_up', t0 + 2 * H), scan(awb, 'in_transit', t0 + 5 * H));
      await env.sleep('40 hours');
      await send(scan(awb, 'lost', t0 + 60 * H));
    });
    // Recorded after the 'linger-after-final' patch, with the production linger: a scan that reaches
    // the run after the final one (late and out of order) still lands on the timeline; then the
    // linger timer closes the run.
    await scenario(env, 'linger-after-final', { options: { lingerAfterFinalMinutes: 24 * 60 } }, async ({ handle, awb, t0, send }) => {
      await send(scan(awb, 'picked_up', t0 + 2 * H), scan(awb, 'out_for_delivery', t0 + 20 * H));
      await send(scan(awb, 'delivered', t0 + 24 * H));
      await until(() => lingerTimerStarted(handle), 'the final run waits on its linger timer');
      const late = scan(awb, 'in_transit', t0 + 10 * H);
      await send(late);
      await until(async () => (await handle.query(trackingQuery)).timeline.some((e) => e.key === late.key), 'the late scan reaches the lingering run');
    });
    await scenario(env, 'icarry-ndr-ops', {}, async ({ env, handle, awb, t0, send }) => {
      await send(scan(awb, 'out_for_delivery', t0 + 30 * H, { courier: 'icarry' }), scan(awb, 'undelivered', t0 + 33 * H, { courier: 'icarry', ndr: { reason: 'refused' } }));
      await env.sleep('2 days');
      await handle.executeUpdate(resolveNdrUpdate, { args: [{ requestId: 'c1', action: { type: 'return_to_origin' }, by: 'admin' }] });
      await send(scan(awb, 'rto_initiated', t0 + 90 * H, { courier: 'icarry' }), scan(awb, 'rto_delivered', t0 + 150 * H, { courier: 'icarry' }));
    }, new FakeCourier('icarry', { ndrActions: false, cancel: false, bulkTrackLimit: 1 }));
    // Recorded after the 'store-webhooks' patch: store events to one endpoint that answers 503 (with
    // Retry-After) to its first request, then 200; an NDR opened and resolved on the way.
    const receiver = await startReceiver();
    let first = true;
    receiver.answer = () => (first ? ((first = false), { status: 503, headers: { 'retry-after': '1' } }) : { status: 200 });
    try {
      await scenario(env, 'store-webhooks', { options: { lingerAfterFinalMinutes: 0 } }, async ({ awb, t0, send }) => {
        await send(scan(awb, 'picked_up', t0 + 2 * H), scan(awb, 'out_for_delivery', t0 + 20 * H));
        await send(scan(awb, 'undelivered', t0 + 22 * H, { ndr: { reason: 'consignee_unavailable' } }));
        await send(scan(awb, 'out_for_delivery', t0 + 44 * H), scan(awb, 'delivered', t0 + 46 * H));
      }, new FakeCourier('delhivery'), (world) => {
        const endpoints = new MemoryStoreEndpoints();
        endpoints.add('ep_golden', receiver.url);
        const feed = new MemoryFeed();
        world.deps.storeWebhooks = { endpoints, feed, events: feed, retry: { initialMs: 1000, maxMs: 2000 } };
      });
    } finally {
      await receiver.close();
    }
  } finally {
    await env.teardown();
  }
}

/** Continue-as-new needs the dev server (the time-skipping server mishandles it; see docs/workflow.md). */
async function devServer(): Promise<void> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: toolPath('temporal') }, searchAttributes: Object.values(SEARCH_ATTRIBUTES) },
  });
  try {
    await scenario(env, 'continue-as-new', { options: { continueAsNewAfterEvents: 30 } }, async ({ handle, awb, t0 }) => {
      const statuses = ['pickup_scheduled', 'picked_up', 'in_transit', 'in_transit', 'in_transit', 'out_for_delivery', 'undelivered', 'out_for_delivery', 'delivered'] as const;
      for (const [i, st] of statuses.entries()) {
        const e = scan(awb, st, t0 + (i + 1) * 5 * H, st === 'undelivered' ? { ndr: { reason: 'consignee_unavailable' } } : {});
        const sig = { events: [e], source: 'webhook' as const, receivedAt: new Date(t0).toISOString() };
        await handle.signal(courierEventSignal, sig);
        await handle.signal(courierEventSignal, sig);
      }
    });
    // Recorded after the 'can-after-timer' patch: the run continues as new from a timer-fired
    // activation, carrying its state; the next run finishes the shipment.
    await scenario(env, 'can-after-timer', { options: { continueAsNewAfterEvents: 20 } }, async ({ env, handle, awb, t0, send }) => {
      await send(scan(awb, 'pickup_scheduled', t0 + H));
      await send(scan(awb, 'picked_up', t0 + 2 * H));
      await send(scan(awb, 'in_transit', t0 + 5 * H));
      await until(async () => (await env.client.workflow.getHandle(handle.workflowId).describe()).runId !== handle.firstExecutionRunId, 'the first run continues as new');
      await send(scan(awb, 'out_for_delivery', t0 + 30 * H), scan(awb, 'delivered', t0 + 33 * H));
    });
  } finally {
    await env.teardown();
  }
}

/** Waits for a condition the script needs before its next step; gives up after a minute. */
async function until(done: () => Promise<boolean>, what: string): Promise<void> {
  for (const start = Date.now(); !(await done()); ) {
    if (Date.now() - start > 60_000) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether the run has recorded the 'linger-after-final' patch and started a timer after it. */
async function lingerTimerStarted(handle: Handle): Promise<boolean> {
  const events = (await handle.fetchHistory()).events ?? [];
  const patch = events.findIndex((e) => (e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? []).some((p) => Buffer.from(p.data ?? []).toString().includes('linger-after-final')));
  return patch >= 0 && events.slice(patch).some((e) => e.timerStartedEventAttributes);
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'time-skipping') await timeSkipping();
  if (!only || only === 'dev-server') await devServer();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
