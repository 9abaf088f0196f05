// Store events from the shipment workflow on the time-skipping server, delivered over real HTTP to
// local receivers: every change told once and in order; a dead endpoint holds up neither another
// endpoint nor the shipment; 410 stops deliveries there.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/client';
import { bookingUpdate, courierEventSignal, trackingQuery } from '../../src/workflows/shipment/contract';
import { deliveredIds, MemoryFeed, MemoryStoreEndpoints, startReceiver, type Receiver } from '../support/store-webhook-fakes';
import { FakeCourier, fakeWorld, scan } from '../support/workflow-fakes';
import { createTimeSkippingEnv, orderId, shipmentInput } from '../support/workflow-env';
import { harness } from '../support/workflow-harness';

let env: TestWorkflowEnvironment;
const receivers: Receiver[] = [];
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await env?.teardown();
});

const H = 3_600_000;

/** Waits (real time: deliveries are real HTTP) for something the test needs next; fails after 30 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (const start = Date.now(); !done(); ) {
    if (Date.now() - start > 30_000) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function world() {
  const w = fakeWorld(new FakeCourier('delhivery'));
  const endpoints = new MemoryStoreEndpoints();
  const feed = new MemoryFeed();
  w.deps.storeWebhooks = { endpoints, feed, events: feed, retry: { initialMs: 1000, maxMs: 4000 }, timeoutMs: 2000 };
  return { w, endpoints, feed };
}

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

describe('store webhooks from the shipment workflow (time-skipping)', () => {
  it('tells every change once, in order, signed; a dead endpoint holds up neither the other endpoint nor the shipment', async () => {
    const { w, endpoints, feed } = await world();
    const good = await receiver();
    // Down until the test has seen the shipment and the other endpoint go on without it.
    const dead = await receiver();
    let deadUp = false;
    dead.answer = () => (deadUp ? { status: 200 } : { status: 503, headers: { 'retry-after': '1' } });
    endpoints.add('ep_good', good.url);
    endpoints.add('ep_dead', dead.url, ['shipment.delivered', 'shipment.status_changed']);
    const h = await harness(env, w);
    const id = orderId('STOREHOOKS');
    await h.run(async () => {
      const handle = await h.start(shipmentInput(id, { options: { lingerAfterFinalMinutes: 0, storeDelivery: { giveUpHours: 1 } } }));
      const booking = await handle.executeUpdate(bookingUpdate);
      if (!booking.ok) throw new Error('booking failed');
      const t0 = await env.currentTimeMs();
      const send = async (...events: ReturnType<typeof scan>[]) => handle.signal(courierEventSignal, { events, source: 'webhook', receivedAt: new Date(await env.currentTimeMs()).toISOString() });
      await send(scan(booking.awb, 'picked_up', t0 + H));
      await send(scan(booking.awb, 'in_transit', t0 + 5 * H), scan(booking.awb, 'out_for_delivery', t0 + 20 * H));
      await send(scan(booking.awb, 'delivered', t0 + 24 * H));
      // The shipment reaches delivered and the good endpoint hears of it all while the dead one is down.
      expect((await handle.query(trackingQuery)).status).toBe('delivered');
      await until(() => deliveredIds(good).length === 7, 'the good endpoint has every event');
      expect(deliveredIds(dead)).toEqual([]);
      const deadBefore = new Set(dead.received.map((r) => (JSON.parse(r.body) as { id: string }).id));
      deadUp = true;
      // The run ends once the dead endpoint, back, has been told everything it wants.
      await handle.result();
      expect(deadBefore.size).toBe(1);
    });

    const told = feed.events.filter((e) => e.orderId === id);
    expect(told.map((e) => e.sequence)).toEqual(told.map((_, i) => i + 1));
    expect(told.map((e) => e.type)).toEqual([
      'shipment.booked',
      'shipment.status_changed', // pending → booked
      'shipment.status_changed', // → picked_up
      'shipment.status_changed', // → in_transit
      'shipment.status_changed', // → out_for_delivery
      'shipment.status_changed', // → delivered
      'shipment.delivered',
    ]);
    // The good endpoint got all of them, in order, each once, each verifying with the client's verifier.
    expect(deliveredIds(good)).toEqual(told.map((e) => e.id));
    for (const r of good.received) expect(() => verifyWebhook({ headers: r.headers, body: r.body, secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], toleranceSeconds: 10 ** 9 })).not.toThrow();
    // While down, the dead one was only ever asked for its first event (in order, never ahead); once
    // back it got every event it wants, in order, each once.
    const wanted = told.filter((e) => e.type !== 'shipment.booked').map((e) => e.id);
    expect(deliveredIds(dead)).toEqual(wanted);
    expect(dead.received.filter((r) => r.status === 503).every((r) => (JSON.parse(r.body) as { id: string }).id === wanted[0])).toBe(true);
    expect(endpoints.deliveries.get(`ep_dead|${wanted[0]}`)).toMatchObject({ status: 'delivered', attempts: dead.received.length - wanted.length + 1 });
  });

  it('410: the endpoint is disabled and the rest of its queue is dropped; the shipment goes on', async () => {
    const { w, endpoints } = await world();
    const gone = await receiver();
    gone.answer = () => ({ status: 410 });
    endpoints.add('ep_gone', gone.url);
    const h = await harness(env, w);
    const id = orderId('STOREGONE');
    await h.run(async () => {
      const handle = await h.start(shipmentInput(id, { options: { lingerAfterFinalMinutes: 0 } }));
      const booking = await handle.executeUpdate(bookingUpdate);
      if (!booking.ok) throw new Error('booking failed');
      const t0 = await env.currentTimeMs();
      await handle.signal(courierEventSignal, { events: [scan(booking.awb, 'delivered', t0 + H)], source: 'webhook', receivedAt: new Date(t0).toISOString() });
      await handle.result();
    });
    expect(gone.received).toHaveLength(1);
    expect(endpoints.endpoints.get('ep_gone')?.enabled).toBe(false);
  });
});
