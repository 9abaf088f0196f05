// Injected faults from the simulator, classified by the real client.
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { ShipmentRef } from '../../../src/couriers/types';
import { type SimHarness, startSim } from './sim-support';
import { shipmentRequest } from './support';

let h: SimHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const pincode = { pickupPincode: '560068', deliveryPincode: '400001', weightGrams: 500, paymentMethod: 'prepaid' as const, orderValue: 10 };

/** A booked shipment and a logged-in client, then the given faults switched on. */
async function bookedThenFaulty(faults: Parameters<SimHarness['sim']['faults']['set']>[0], timeoutMs = 5_000): Promise<{ h: SimHarness; ref: ShipmentRef }> {
  h = await startSim({}, { timeoutMs });
  const b = await h.client.createShipment(shipmentRequest({ orderId: 'ORD-F0' }));
  h.sim.faults.set(faults);
  return { h, ref: { orderId: 'ORD-F0', awb: b.awb, courierShipmentId: b.courierShipmentId } };
}

describe('fault injection', () => {
  it('429 with Retry-After → rate_limited carrying the wait', async () => {
    const { h, ref } = await bookedThenFaulty({ burst429: { every: 1, length: 1_000, retryAfterSeconds: 7 } });
    await h.client.trackMany([ref]); // the one request the burst lets through
    const e = await h.client.trackMany([ref]).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'rate_limited', code: 'rate_limited', details: { httpStatus: 429, retryAfterMs: 7_000 } });
    expect(h.observations.at(-1)).toMatchObject({ operation: 'trackMany', outcome: 'rate_limited', httpStatus: 429 });
  });

  it('500s are transient server_error for every read and for cancel', async () => {
    const { h, ref } = await bookedThenFaulty({ errorRate: 1 });
    for (const call of [() => h.client.trackMany([ref]), () => h.client.track(ref), () => h.client.cancel(ref), () => h.client.checkServiceability(pincode)]) {
      await expect(call()).rejects.toMatchObject({ kind: 'transient', code: 'server_error', details: { httpStatus: 500 } });
    }
  });

  it('a 500 on a booking is not retried blindly: the outcome is unknown, so it is a permanent duplicate for ops', async () => {
    const { h } = await bookedThenFaulty({ errorRate: 1 });
    await expect(h.client.createShipment(shipmentRequest({ orderId: 'ORD-F1' }))).rejects.toMatchObject({ kind: 'permanent', code: 'duplicate' });
    // (here the fault struck before iCarry's PHP ran, which the client cannot know)
    expect(h.sim.store.bookingsFor('ORD-F1')).toHaveLength(0);
  });

  it('a 500 at login is transient and leaves the order free to book', async () => {
    h = await startSim();
    h.sim.faults.set({ errorRate: 1 });
    await expect(h.client.createShipment(shipmentRequest({ orderId: 'ORD-F2' }))).rejects.toMatchObject({ kind: 'transient', operation: 'login' });
    h.sim.faults.set({});
    await expect(h.client.createShipment(shipmentRequest({ orderId: 'ORD-F2' }))).resolves.toMatchObject({ recovered: false });
  });

  it('a request that never answers times out as transient', async () => {
    const { h, ref } = await bookedThenFaulty({ timeoutRate: 1 }, 250);
    await expect(h.client.trackMany([ref])).rejects.toMatchObject({ kind: 'transient', code: 'timeout' });
    await expect(h.client.track(ref)).rejects.toMatchObject({ kind: 'transient', code: 'timeout' });
  });

  it('a booking that times out is in doubt, never silently rebooked', async () => {
    const { h } = await bookedThenFaulty({ timeoutRate: 1 }, 250);
    await expect(h.client.createShipment(shipmentRequest({ orderId: 'ORD-F3' }))).rejects.toMatchObject({ kind: 'permanent', code: 'duplicate' });
    h.sim.faults.set({});
    await expect(h.client.createShipment(shipmentRequest({ orderId: 'ORD-F3' }))).rejects.toMatchObject({ code: 'duplicate' });
  });

  it('a refused connection is transient network, and a booking may be retried after it', async () => {
    h = await startSim();
    // No keep-alive, so every request needs a new connection (a reused socket that dies is a different,
    // ambiguous failure: "other side closed").
    const dispatcher = new Agent({ pipelining: 0 });
    const client = h.newClient({}, {}, { dispatcher });
    await client.checkServiceability(pincode); // logged in
    await h.close(); // iCarry is gone: connections are refused before any request is sent
    const e = await client.createShipment(shipmentRequest({ orderId: 'ORD-F4' })).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'transient', code: 'network', operation: 'createShipment' });
    expect((e as Error).message).toContain('ECONNREFUSED');
    // not in doubt: the retry tries again rather than being refused as a possible duplicate
    await expect(client.createShipment(shipmentRequest({ orderId: 'ORD-F4' }))).rejects.toMatchObject({ kind: 'transient', code: 'network' });
    await dispatcher.close();
    h = undefined;
  });
});
