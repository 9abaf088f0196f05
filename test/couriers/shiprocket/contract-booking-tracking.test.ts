// Contract: the real client against the Shiprocket simulator on 127.0.0.1. Booking, retries,
// tracking through a scenario on a manual clock, bulk tracking, and the webhooks of the same scans.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrackingEvent } from '../../../src/domain/events';
import { shiprocketWebhook } from '../../../src/couriers/shiprocket';
import type { TrackResult } from '../../../src/couriers/types';
import { ORDER, rejection } from './helpers';
import { startSim, WEBHOOK_SECRET, type SimHarness } from './sim-harness';

let h: SimHarness;
beforeEach(async () => {
  h = await startSim();
});
afterEach(async () => {
  await h.close();
});

const ref = (awb: string, orderId = ORDER.orderId) => ({ orderId, awb });

function tracked(r: TrackResult | undefined): Extract<TrackResult, { kind: 'tracked' }> {
  if (r?.kind !== 'tracked') throw new Error(`expected a tracked result, got ${JSON.stringify(r)}`);
  return r;
}

describe('booking', () => {
  it('books once: order, AWB and pickup exist at the simulator', async () => {
    const booking = await h.client.createShipment(ORDER);

    expect(booking.awb).toMatch(/^\d{14}$/);
    expect(booking).toMatchObject({ carrierName: 'Delhivery Surface', trackingUrl: `https://shiprocket.co/tracking/${booking.awb}`, recovered: false });
    const order = h.sim.store.byChannelOrderId(ORDER.orderId)!;
    expect(booking.courierShipmentId).toBe(String(order.shipmentId));
    expect(booking.courierOrderId).toBe(String(order.srOrderId));
    expect(order).toMatchObject({ awb: booking.awb, paymentMethod: 'Prepaid', weightKg: 0.75, subTotal: 1200 });
    // Generated at 10:00 IST, before the 11:00 cut-off: collected at 14:00 IST the same day.
    expect(booking.pickupScheduledAt).toBe('2026-01-05T08:30:00.000Z');
    expect(h.observations.map((o) => [o.operation, o.outcome])).toEqual([['createShipment', 'ok']]);
  });

  it('recovers instead of booking twice when the same order is booked again', async () => {
    const first = await h.client.createShipment(ORDER);
    const again = await h.client.createShipment(ORDER);

    expect(again).toEqual({ ...first, recovered: true });
    expect(h.sim.store.orders.filter((o) => o.channelOrderId === ORDER.orderId)).toHaveLength(1);
    expect(h.sim.engine.shipments.size).toBe(1);
  });

  it('continues from a previous attempt that stopped after creating the order', async () => {
    // The order exists at Shiprocket with no AWB, as after a create whose response was lost.
    const created = await h.raw('POST', '/orders/create/adhoc', {
      order_id: ORDER.orderId,
      order_date: '2026-01-05 11:10',
      pickup_location: 'Primary',
      billing_customer_name: 'Asha Rao',
      billing_address: 'Flat 4B',
      billing_city: 'Mumbai',
      billing_pincode: '400064',
      billing_state: 'Maharashtra',
      billing_country: 'India',
      billing_email: 'asha@example.com',
      billing_phone: '9876543210',
      shipping_is_billing: true,
      order_items: [{ name: 'Cotton Kurta', sku: 'KRT-01', units: 1, selling_price: 450 }],
      payment_method: 'Prepaid',
      sub_total: 450,
      length: 20,
      breadth: 15,
      height: 5,
      weight: 0.75,
    });
    expect(created.status).toBe(200);
    // A neighbour the search also matches: recovery must pick the exact id.
    await h.client.createShipment({ ...ORDER, orderId: `${ORDER.orderId}0` });

    const booking = await h.client.createShipment(ORDER);

    const order = h.sim.store.byChannelOrderId(ORDER.orderId)!;
    expect(booking).toMatchObject({ awb: order.awb, courierShipmentId: String(order.shipmentId), recovered: true });
    expect(order.pickup).toBeDefined();
    expect(h.sim.store.orders).toHaveLength(2);
  });

  it('refuses an unserviceable delivery pincode as permanent unserviceable', async () => {
    const err = await rejection(h.client.createShipment({ ...ORDER, consignee: { ...ORDER.consignee, pincode: '999999' } }));
    expect(err).toMatchObject({ courier: 'shiprocket', kind: 'permanent', code: 'unserviceable' });
  });

  it("surfaces the simulator's field validation as permanent invalid_request", async () => {
    const err = await rejection(h.client.createShipment({ ...ORDER, orderId: 'WB-BAD-PHONE', consignee: { ...ORDER.consignee, phone: '12345' } }));
    expect(err).toMatchObject({ kind: 'permanent', code: 'invalid_request', details: { httpStatus: 422 } });
    expect((err as Error).message).toContain('billing_phone: The billing phone must be 10 digits.');
  });
});

describe('tracking through a scenario', () => {
  it('is not_yet before the first scan, then follows the happy path to delivered, oldest first', async () => {
    const { awb } = await h.client.createShipment(ORDER);
    expect(await h.client.track(ref(awb))).toEqual({ kind: 'not_yet', awb });

    expect(await h.advance(2)).toBe(1);
    const early = tracked(await h.client.track(ref(awb)));
    expect(early.status).toBe('pickup_scheduled');
    expect(early.events.map((e) => e.rawCode)).toEqual(['FMPUR-101']);

    await h.advance(48);
    const done = tracked(await h.client.track(ref(awb)));
    expect(done.status).toBe('delivered');
    expect(done.events.map((e) => [e.rawCode, e.status])).toEqual([
      ['FMPUR-101', 'pickup_scheduled'],
      ['X-PPOM', 'picked_up'],
      ['X-PIOM', 'in_transit'],
      ['X-DBL1F', null],
      ['X-ILL1F', 'in_transit'],
      ['X-DDD3FD', 'out_for_delivery'],
      ['EOD-38', 'delivered'],
    ]);
    const times = done.events.map((e) => e.occurredAt);
    expect([...times].sort()).toEqual(times);
    expect(done.events[0]).toEqual({
      key: `shiprocket:${awb}:FMPUR-101:2026-01-05T06:30:00`,
      courier: 'shiprocket',
      awb,
      status: 'pickup_scheduled',
      rawCode: 'FMPUR-101',
      rawLabel: 'OUT FOR PICKUP',
      description: 'Manifested - Out for pickup',
      location: 'Bengaluru_Bomsndra_PC (Karnataka)',
      occurredAt: '2026-01-05T06:30:00.000Z',
    });
    expect(done.trackingUrl).toBe(`https://shiprocket.co/tracking/${awb}`);
    expect(done.expectedDeliveryAt).toBe('2026-01-09T04:30:00.000Z'); // booked + 4 days (Delhivery Surface)
    expect(h.unmapped).toEqual([]);
  });

  it('carries the NDR reason of an undelivered scan', async () => {
    h.sim.setScenario(ORDER.orderId, 'ndr_rto');
    const { awb } = await h.client.createShipment(ORDER);
    await h.advance(48);
    const result = tracked(await h.client.track(ref(awb)));
    expect(result.status).toBe('undelivered');
    expect(result.events.at(-1)).toMatchObject({
      status: 'undelivered',
      rawCode: 'EOD-6',
      ndr: { reason: 'refused', rawCode: 'EOD-6', rawText: 'Pending - Consignee refused to accept' },
    });
  });

  it('tracks many AWBs in one call, keyed by AWB, leaving out unknown ones', async () => {
    const a = await h.client.createShipment(ORDER);
    const b = await h.client.createShipment({ ...ORDER, orderId: 'WB-1002' });
    h.sim.setScenario('WB-1003', 'silent');
    const c = await h.client.createShipment({ ...ORDER, orderId: 'WB-1003' });
    await h.advance(12);

    const results = await h.client.trackMany([ref(a.awb), ref(b.awb, 'WB-1002'), ref(c.awb, 'WB-1003'), ref('99999999999999', 'WB-0')]);

    expect(Object.keys(results).sort()).toEqual([a.awb, b.awb, c.awb].sort());
    expect(results[c.awb]).toEqual({ kind: 'not_yet', awb: c.awb });
    const first = tracked(results[a.awb]);
    expect(first.status).toBe('in_transit');
    // The bulk endpoint's older shape has no courier codes: the activity text stands in, and the
    // current status is its own event.
    expect(first.events.map((e) => [e.description, e.status])).toEqual([
      ['Manifested - Out for pickup', null],
      ['In Transit - Shipment picked up', null],
      ['In Transit - Shipment Recieved at Origin Center', null],
      ['Shipped', 'in_transit'],
    ]);
    expect(h.observations.filter((o) => o.operation === 'trackMany')).toEqual([expect.objectContaining({ outcome: 'ok', httpStatus: 200 })]);
  });
});

describe('webhooks', () => {
  it('pushes one authenticated webhook per scan that parses to the same events, with the same keys, as tracking', async () => {
    const { awb } = await h.client.createShipment(ORDER);
    await h.advance(50);

    expect(h.deliveries).toHaveLength(7);
    for (const d of h.deliveries) {
      expect(d.headers['x-api-key']).toBe(WEBHOOK_SECRET);
      expect(shiprocketWebhook.authenticate(d, { secret: WEBHOOK_SECRET })).toBe(true);
      expect(shiprocketWebhook.authenticate(d, { secret: 'another-token' })).toBe(false);
    }
    const parsed = h.deliveries.map((d) => shiprocketWebhook.parse(d));
    const byKey = new Map<string, TrackingEvent>();
    for (const p of parsed) {
      if (!p.ok) throw new Error(p.error);
      for (const e of p.events) byKey.set(e.key, e);
    }
    const polled = tracked(await h.client.track(ref(awb)));
    for (const e of polled.events) expect(byKey.get(e.key)).toEqual(e);
    // The informational "Added to Bag" scan changes nothing: its push still says SHIPPED.
    const bag = parsed[3]!;
    expect(bag.ok && bag.events.at(-1)).toMatchObject({ rawCode: 'X-DBL1F', status: null, rawLabel: 'NA' });
    expect(bag.ok && bag.events.map((e) => e.status).filter((s) => s !== null).at(-1)).toBe('in_transit');
  });

  it('delivers duplicates and out-of-order pushes when asked, which dedupe by key', async () => {
    h.sim.pusher.options.duplicateRate = 1;
    h.sim.pusher.options.reorder = true;
    h.sim.pusher.options.rand = () => 0;
    await h.client.createShipment(ORDER);
    await h.advance(14);
    expect(h.deliveries.length).toBeGreaterThan(3);
    const scanCounts = h.deliveries.map((d) => (JSON.parse(d.rawBody.toString('utf8')) as { scans: unknown[] }).scans.length);
    expect(scanCounts).not.toEqual([...scanCounts].sort((x, y) => x - y)); // arrival order differs from scan order
    const keys = new Set(
      h.deliveries.flatMap((d) => {
        const p = shiprocketWebhook.parse(d);
        return p.ok ? p.events.map((e) => e.key) : [];
      }),
    );
    expect(keys.size).toBe(3);
  });

  it('sends no x-api-key when no token is configured, and Waybill refuses such pushes', async () => {
    h.sim.webhookSecret = undefined;
    await h.client.createShipment(ORDER);
    await h.advance(2);
    expect(h.deliveries).toHaveLength(1);
    expect(h.deliveries[0]!.headers['x-api-key']).toBeUndefined();
    expect(shiprocketWebhook.authenticate(h.deliveries[0]!, { secret: WEBHOOK_SECRET })).toBe(false);
  });
});
