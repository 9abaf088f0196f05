// Whole shipment lives on the time-skipping test server: days of courier time in seconds. The
// activities are the production ones, over in-memory stores and a scripted courier.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingUpdate, courierEventSignal, trackingQuery, type ShipmentResult } from '../../src/workflows/shipment/contract';
import { harness } from '../support/workflow-harness';
import { FakeCourier, fakeWorld, scan } from '../support/workflow-fakes';
import { createTimeSkippingEnv, orderId, shipmentInput } from '../support/workflow-env';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const H = 3_600_000;

describe('shipment lives (time-skipping)', () => {
  it('happy path via webhooks: 8 scans, duplicates and disorder, one notification per milestone and channel', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const h = await harness(env, world);
    const id = orderId('HAPPY');
    await h.run(async () => {
      const handle = await h.start(shipmentInput(id));
      const booking = await handle.executeUpdate(bookingUpdate);
      expect(booking).toMatchObject({ ok: true, courier: 'delhivery' });
      if (!booking.ok) throw new Error('booking failed');
      const awb = booking.awb;
      const t0 = await env.currentTimeMs();
      const scans = [
        scan(awb, 'pickup_scheduled', t0 + 1 * H),
        scan(awb, 'picked_up', t0 + 20 * H),
        scan(awb, 'in_transit', t0 + 26 * H, { location: 'Mumbai Hub' }),
        scan(awb, 'in_transit', t0 + 40 * H, { location: 'Pune Hub' }),
        scan(awb, 'in_transit', t0 + 60 * H, { location: 'Bengaluru Hub' }),
        scan(awb, null, t0 + 61 * H),
        scan(awb, 'out_for_delivery', t0 + 70 * H),
        scan(awb, 'delivered', t0 + 74 * H),
      ];
      // The courier's tracking API knows a scan from the moment its webhook is sent, so polls in between
      // find nothing new: this life is webhook-driven.
      const send = async (events: typeof scans) => {
        courier.publish(...events.filter((e) => !courier.published.get(awb)?.some((p) => p.key === e.key)));
        await handle.signal(courierEventSignal, { events, source: 'webhook', receivedAt: new Date(await env.currentTimeMs()).toISOString() });
      };
      await send([scans[0]!]);
      await env.sleep('20 hours');
      await send([scans[2]!, scans[1]!]); // out of order in one delivery
      await send([scans[1]!]); // courier retry
      await env.sleep('40 hours');
      await send([scans[4]!, scans[3]!, scans[5]!]);
      await env.sleep('10 hours');
      await send([scans[6]!]);
      const mid = await handle.query(trackingQuery);
      expect(mid.status).toBe('out_for_delivery');
      await send([scans[7]!, scans[6]!]);
      const result = (await handle.result()) as ShipmentResult;
      expect(result).toMatchObject({ status: 'delivered', orderStatus: 'delivered', awb });
      const view = await handle.query(trackingQuery);
      expect(view.timeline).toHaveLength(8);
      expect(view.timeline.map((e) => e.source)).toEqual(Array(8).fill('webhook'));
      expect(view.transitions.map((t) => `${t.from}>${t.to}:${t.source}`)).toEqual([
        'pending>booked:booking',
        'booked>pickup_scheduled:webhook',
        'pickup_scheduled>in_transit:webhook',
        'in_transit>out_for_delivery:webhook',
        'out_for_delivery>delivered:webhook',
      ]);
    });
    expect(world.sender.keys(id)).toEqual(['delivered:email', 'delivered:whatsapp', 'out_for_delivery:email', 'out_for_delivery:whatsapp', 'shipped:email', 'shipped:whatsapp']);
    const doc = world.store.shipments.get(id);
    expect(doc).toMatchObject({ status: 'delivered', orderStatus: 'delivered', ndrOpen: false, stuck: false, location: 'Hub' });
    expect(world.store.timeline(id)).toHaveLength(8);
    expect(world.store.orderStatus.get(id)?.map((e) => e.status)).toEqual(['shipped', 'out_for_delivery', 'delivered']);
    expect(courier.createCalls).toBe(1);
  });
});
