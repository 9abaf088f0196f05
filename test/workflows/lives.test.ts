// Whole shipment lives on the time-skipping test server: days of courier time in seconds. The
// activities are the production ones, over in-memory stores and a scripted courier.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TrackingEvent } from '../../src/couriers/types';
import {
  bookingUpdate,
  cancelUpdate,
  courierEventSignal,
  resolveNdrUpdate,
  refreshUpdate,
  retryBookingUpdate,
  setManualStatusUpdate,
  trackingQuery,
  type ShipmentResult,
} from '../../src/workflows/shipment/contract';
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
        // picked_up and in_transit came in one delivery, in reverse order: both steps are recorded.
        'pickup_scheduled>picked_up:webhook',
        'picked_up>in_transit:webhook',
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

  it('polling only: no webhook ever arrives, the retry poller follows the parcel to delivery', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const h = await harness(env, world);
    const id = orderId('POLL');
    await h.run(async () => {
      const handle = await h.start(shipmentInput(id));
      const booking = await handle.executeUpdate(bookingUpdate);
      if (!booking.ok) throw new Error('booking failed');
      const awb = booking.awb;
      const t0 = await env.currentTimeMs();
      courier.publish(scan(awb, 'pickup_scheduled', t0 + 1 * H));
      await env.sleep('8 hours');
      expect((await handle.query(trackingQuery)).status).toBe('pickup_scheduled');
      courier.publish(scan(awb, 'picked_up', t0 + 20 * H), scan(awb, 'in_transit', t0 + 26 * H));
      await env.sleep('30 hours');
      expect((await handle.query(trackingQuery)).status).toBe('in_transit');
      courier.publish(scan(awb, 'in_transit', t0 + 50 * H), scan(awb, 'out_for_delivery', t0 + 70 * H));
      await env.sleep('40 hours');
      expect((await handle.query(trackingQuery)).status).toBe('out_for_delivery');
      courier.publish(scan(awb, 'delivered', t0 + 90 * H));
      const result = (await handle.result()) as ShipmentResult;
      expect(result.status).toBe('delivered');
      const view = await handle.query(trackingQuery);
      expect(view.timeline.map((e) => e.source)).toEqual(Array(6).fill('poll'));
      expect(view.lastSyncAt).toBeDefined();
    });
    expect(courier.trackCalls + courier.trackManyCalls.length).toBeGreaterThan(4);
    expect(world.sender.keys(id)).toEqual(['delivered:email', 'delivered:whatsapp', 'out_for_delivery:email', 'out_for_delivery:whatsapp', 'shipped:email', 'shipped:whatsapp']);
  });

  /** Starts, books and returns a sender of webhook scans that also publishes them at the courier. */
  async function booked(h: Awaited<ReturnType<typeof harness>>, courier: FakeCourier, input: ReturnType<typeof shipmentInput>) {
    const handle = await h.start(input);
    const booking = await handle.executeUpdate(bookingUpdate);
    if (!booking.ok) throw new Error(`booking failed: ${booking.code}`);
    const t0 = await env.currentTimeMs();
    const send = async (...events: TrackingEvent[]) => {
      courier.publish(...events);
      await handle.signal(courierEventSignal, { events, source: 'webhook', receivedAt: new Date(await env.currentTimeMs()).toISOString() });
    };
    return { handle, awb: booking.awb, t0, send };
  }

  it('NDR → customer asks for a reattempt → delivered', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const h = await harness(env, world);
    const id = orderId('NDR');
    await h.run(async () => {
      const { handle, awb, t0, send } = await booked(h, courier, shipmentInput(id));
      await send(scan(awb, 'picked_up', t0 + 2 * H), scan(awb, 'in_transit', t0 + 10 * H), scan(awb, 'out_for_delivery', t0 + 40 * H));
      await env.sleep('2 hours');
      await send(scan(awb, 'undelivered', t0 + 44 * H, { ndr: { reason: 'consignee_unavailable', rawText: 'Customer not available', attempt: 1 } }));
      await env.sleep('1 hour');
      const open = await handle.query(trackingQuery);
      expect(open.status).toBe('undelivered');
      expect(open.orderStatus).toBe('delivery_failed');
      expect(open.ndr).toMatchObject({ open: true, reason: 'consignee_unavailable', attempts: 1, escalated: false });
      const req = { requestId: 'ndr-req-1', action: { type: 'reattempt' as const }, by: 'customer' as const };
      const answer = await handle.executeUpdate(resolveNdrUpdate, { args: [req] });
      expect(answer).toMatchObject({ accepted: true, sentToCourier: true });
      // The same request again (a retry from the tracking page) is answered, not re-sent.
      expect(await handle.executeUpdate(resolveNdrUpdate, { args: [req] })).toEqual(answer);
      expect(courier.ndrActions).toEqual([{ awb, action: { type: 'reattempt' } }]);
      await env.sleep('20 hours');
      await send(scan(awb, 'out_for_delivery', t0 + 66 * H), scan(awb, 'delivered', t0 + 69 * H));
      expect(((await handle.result()) as ShipmentResult).status).toBe('delivered');
      const done = await handle.query(trackingQuery);
      expect(done.ndr).toMatchObject({ open: false, resolution: { by: 'customer', sentToCourier: true } });
    });
    expect(world.sender.keys(id)).toEqual([
      'admin_ndr_alert:admin_email',
      'delivered:email',
      'delivered:whatsapp',
      'ndr_action_needed:email',
      'ndr_action_needed:whatsapp',
      'out_for_delivery:email',
      'out_for_delivery:whatsapp',
      'shipped:email',
      'shipped:whatsapp',
    ]);
    const ndrMail = world.sender.sent.find((m) => m.event === 'ndr_action_needed' && m.channel === 'email');
    expect(ndrMail?.data.trackingPageUrl).toContain(`/order-tracking/${id}`);
    expect(world.store.notes.get(id)?.map((n) => n.text).join('\n')).toContain('consignee_unavailable');
    expect(world.store.shipments.get(id)).toMatchObject({ ndrOpen: false, status: 'delivered' });
  });

  it('NDR with no answer → default reattempt → second failure → escalation → RTO', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const h = await harness(env, world);
    const id = orderId('RTO');
    await h.run(async () => {
      const { handle, awb, t0, send } = await booked(h, courier, shipmentInput(id));
      await send(scan(awb, 'picked_up', t0 + 2 * H), scan(awb, 'out_for_delivery', t0 + 30 * H));
      await send(scan(awb, 'undelivered', t0 + 34 * H, { ndr: { reason: 'address_issue', attempt: 1 } }));
      await env.sleep('25 hours');
      let view = await handle.query(trackingQuery);
      expect(view.ndr?.resolution).toMatchObject({ by: 'default', action: { type: 'reattempt' }, sentToCourier: true });
      expect(courier.ndrActions).toHaveLength(1);
      await send(scan(awb, 'out_for_delivery', t0 + 60 * H), scan(awb, 'undelivered', t0 + 64 * H, { ndr: { reason: 'address_issue', attempt: 2 } }));
      await env.sleep('1 hour');
      view = await handle.query(trackingQuery);
      expect(view.ndr).toMatchObject({ open: true, attempts: 2, escalated: false });
      expect(view.ndr?.resolution).toBeUndefined();
      await env.sleep('25 hours');
      view = await handle.query(trackingQuery);
      expect(view.ndr).toMatchObject({ escalated: true, escalationReason: '2 failed attempts' });
      expect(courier.ndrActions).toHaveLength(1);
      await send(scan(awb, 'rto_initiated', t0 + 100 * H));
      await env.sleep('3 days');
      await send(scan(awb, 'rto_in_transit', t0 + 130 * H), scan(awb, 'out_for_delivery', t0 + 131 * H), scan(awb, 'rto_delivered', t0 + 180 * H));
      const result = (await handle.result()) as ShipmentResult;
      expect(result).toMatchObject({ status: 'rto_delivered', orderStatus: 'returned' });
    });
    expect(world.sender.keys(id)).toContain('rto_initiated:email');
    // Both failed attempts are in the order history, although the second arrived in one delivery with its OFD scan.
    expect(world.store.orderStatus.get(id)?.map((e) => e.status)).toEqual(['shipped', 'out_for_delivery', 'delivery_failed', 'out_for_delivery', 'delivery_failed', 'returned']);
    expect(world.store.notes.get(id)?.some((n) => n.text.includes('escalated'))).toBe(true);
  });

  it('iCarry has no NDR API: an NDR goes to ops at once and a customer answer is recorded for them', async () => {
    const icarry = new FakeCourier('icarry', { ndrActions: false, cancel: false, bulkTrackLimit: 1 });
    const world = fakeWorld(icarry);
    const h = await harness(env, world);
    const id = orderId('ICR');
    await h.run(async () => {
      const { handle, awb, t0, send } = await booked(h, icarry, shipmentInput(id, { courier: 'icarry' }));
      await send(scan(awb, 'out_for_delivery', t0 + 30 * H, { courier: 'icarry' }), scan(awb, 'undelivered', t0 + 33 * H, { courier: 'icarry', ndr: { reason: 'refused' } }));
      await env.sleep('1 hour');
      expect((await handle.query(trackingQuery)).ndr).toMatchObject({ open: true, escalated: true, escalationReason: 'courier has no NDR API' });
      const r = await handle.executeUpdate(resolveNdrUpdate, { args: [{ requestId: 'c1', action: { type: 'reschedule', date: '2026-03-09' }, by: 'customer' }] });
      expect(r).toMatchObject({ accepted: true, sentToCourier: false });
      await send(scan(awb, 'delivered', t0 + 80 * H, { courier: 'icarry' }));
      expect(((await handle.result()) as ShipmentResult).status).toBe('delivered');
    });
    expect(world.sender.keys(id)).toContain('admin_ndr_alert:admin_email');
    // The admin template says ops must act when `escalated` is set (test/notifications/templates.test.ts).
    expect(world.sender.sent.find((m) => m.event === 'admin_ndr_alert')?.data.escalated).toBe(true);
  });

  it('lost: the courier declares the parcel lost; cancel after pickup is refused', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const h = await harness(env, world);
    const id = orderId('LOST');
    await h.run(async () => {
      const { handle, awb, t0, send } = await booked(h, courier, shipmentInput(id));
      await send(scan(awb, 'picked_up', t0 + 3 * H), scan(awb, 'in_transit', t0 + 9 * H));
      await env.sleep('1 hour');
      await expect(handle.executeUpdate(cancelUpdate, { args: [{ requestId: 'x', by: 'admin', reason: 'customer asked' }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await env.sleep('6 days');
      await send(scan(awb, 'lost', t0 + 160 * H));
      expect(await handle.result()).toMatchObject({ status: 'lost', orderStatus: 'lost' });
    });
    expect(world.store.shipments.get(id)).toMatchObject({ status: 'lost', orderStatus: 'lost' });
    expect(courier.cancels).toHaveLength(0);
  });

  it('cancel before pickup: cancelled at the courier, once, and the workflow ends', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const h = await harness(env, world);
    const id = orderId('CNL');
    await h.run(async () => {
      const { handle, awb, t0, send } = await booked(h, courier, shipmentInput(id));
      await send(scan(awb, 'pickup_scheduled', t0 + 1 * H));
      const req = { requestId: 'cancel-1', by: 'admin@store', reason: 'customer changed their mind' };
      const r = await handle.executeUpdate(cancelUpdate, { args: [req] });
      expect(r).toMatchObject({ cancelled: true, status: 'cancelled' });
      expect(await handle.result()).toMatchObject({ status: 'cancelled', orderStatus: 'cancelled' });
      const view = await handle.query(trackingQuery);
      expect(view.transitions.at(-1)).toMatchObject({ to: 'cancelled', source: 'manual', by: 'admin@store' });
    });
    expect(courier.cancels).toHaveLength(1);
    expect(world.store.orderStatus.get(id)?.map((e) => e.status)).toEqual(['shipped', 'cancelled']);
  });

  it('booking failure (unserviceable pincode) waits for ops; a fixed address books and ships', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    courier.unserviceable.add('999999');
    const h = await harness(env, world);
    const id = orderId('FIX');
    const input = shipmentInput(id, { pincode: '999999' });
    await h.run(async () => {
      const handle = await h.start(input);
      const first = await handle.executeUpdate(bookingUpdate);
      expect(first).toMatchObject({ ok: false, code: 'unserviceable' });
      // A double click gets the same answer; nothing is retried behind the admin's back.
      expect(await handle.executeUpdate(bookingUpdate)).toEqual(first);
      await env.sleep('2 days');
      expect(courier.createCalls).toBe(0);
      expect((await handle.query(trackingQuery)).booking.state).toBe('failed');
      expect(world.store.shipments.get(id)).toMatchObject({ status: 'pending', bookingError: { code: 'unserviceable' } });
      const fixed = await handle.executeUpdate(retryBookingUpdate, { args: [{ requestId: 'fix-1', request: { consignee: { ...input.request.consignee, pincode: '560002' } } }] });
      expect(fixed).toMatchObject({ ok: true });
      expect(await handle.executeUpdate(bookingUpdate)).toEqual(fixed);
      if (!fixed.ok) return;
      const t0 = await env.currentTimeMs();
      const events = [scan(fixed.awb, 'picked_up', t0 + H), scan(fixed.awb, 'delivered', t0 + 30 * H)];
      courier.publish(...events);
      await handle.signal(courierEventSignal, { events, source: 'webhook', receivedAt: new Date(t0).toISOString() });
      expect(await handle.result()).toMatchObject({ status: 'delivered' });
    });
    expect(courier.createCalls).toBe(1);
    expect(world.sender.keys(id)).toEqual(['delivered:email', 'delivered:whatsapp', 'shipped:email', 'shipped:whatsapp']);
  });

  it('stuck: no scan for longer than the status allows → flagged, ops alerted once, forced poll; a new scan clears it', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const h = await harness(env, world);
    const id = orderId('STK');
    await h.run(async () => {
      const { handle, awb, t0, send } = await booked(h, courier, shipmentInput(id, { options: { stuckAfterHours: { in_transit: 30 } } }));
      await send(scan(awb, 'picked_up', t0 + 2 * H), scan(awb, 'in_transit', t0 + 5 * H));
      const pollsBefore = courier.trackCalls;
      await env.sleep('40 hours');
      const view = await handle.query(trackingQuery);
      expect(view.stuck).toBe(true);
      expect(courier.trackCalls).toBeGreaterThan(pollsBefore);
      expect(world.store.shipments.get(id)?.stuck).toBe(true);
      await send(scan(awb, 'out_for_delivery', t0 + 46 * H));
      await env.sleep('1 hour');
      expect((await handle.query(trackingQuery)).stuck).toBe(false);
      await send(scan(awb, 'delivered', t0 + 48 * H));
      await handle.result();
    });
    expect(world.sender.keys(id).filter((k) => k.startsWith('stuck'))).toEqual(['stuck_alert:admin_email']);
  });

  it('a failing channel retries with backoff and never holds the shipment; a missing email is skipped', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    world.sender.failing.add('whatsapp');
    const h = await harness(env, world);
    const id = orderId('NTF');
    await h.run(async () => {
      const { handle, awb, t0, send } = await booked(h, courier, shipmentInput(id, { email: null }));
      await send(scan(awb, 'picked_up', t0 + H), scan(awb, 'out_for_delivery', t0 + 20 * H));
      await env.sleep('1 hour');
      expect((await handle.query(trackingQuery)).status).toBe('out_for_delivery');
      world.sender.failing.delete('whatsapp');
      await send(scan(awb, 'delivered', t0 + 24 * H));
      await handle.result();
    });
    expect(world.sender.keys(id)).toEqual(['delivered:whatsapp', 'out_for_delivery:whatsapp', 'shipped:whatsapp']);
    expect(world.sender.attempts).toBeGreaterThan(3);
    expect(world.ledger.docs.get(`${id}:shipped:email`)).toMatchObject({ status: 'skipped' });
    expect(world.ledger.docs.get(`${id}:shipped:whatsapp`)).toMatchObject({ status: 'sent' });
  });

  it('an admin status holds against stale courier scans; refresh syncs now and says whether anything changed', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const h = await harness(env, world);
    const id = orderId('ADM');
    await h.run(async () => {
      const { handle, awb, t0, send } = await booked(h, courier, shipmentInput(id));
      await send(scan(awb, 'in_transit', t0 + 5 * H));
      const req = { requestId: 'm1', status: 'out_for_delivery' as const, by: 'admin@store', reason: 'hub confirmed by phone' };
      const view = await handle.executeUpdate(setManualStatusUpdate, { args: [req] });
      expect(view).toMatchObject({ status: 'out_for_delivery', manual: { by: 'admin@store' } });
      await send(scan(awb, 'in_transit', t0 + 8 * H, { location: 'Late hub scan' }));
      expect((await handle.query(trackingQuery)).status).toBe('out_for_delivery');
      await expect(handle.executeUpdate(setManualStatusUpdate, { args: [{ ...req, requestId: 'm2', status: 'nonsense' as never }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      // Nothing new at the courier: success, no change.
      expect(await handle.executeUpdate(refreshUpdate)).toEqual({ success: true, statusUpdated: false, status: 'out_for_delivery', orderStatus: 'out_for_delivery' });
      courier.publish(scan(awb, 'delivered', t0 + 10 * H));
      expect(await handle.executeUpdate(refreshUpdate)).toEqual({ success: true, statusUpdated: true, status: 'delivered', orderStatus: 'delivered' });
      await handle.result();
      const done = await handle.query(trackingQuery);
      expect(done.transitions.map((t) => `${t.to}:${t.source}`)).toEqual(['booked:booking', 'in_transit:webhook', 'out_for_delivery:manual', 'delivered:poll']);
    });
    // The admin's change notified like a courier one would have.
    expect(world.sender.keys(id)).toContain('out_for_delivery:email');
  });
  it('stays open a day after the final scan: a late, out-of-order scan still reaches the timeline; then it closes', async () => {
    const world = fakeWorld();
    const courier = world.couriers.delhivery as FakeCourier;
    const h = await harness(env, world);
    const id = orderId('LINGER');
    await h.run(async () => {
      const { handle, awb, t0, send } = await booked(h, courier, shipmentInput(id, { options: { lingerAfterFinalMinutes: 24 * 60 } }));
      await send(scan(awb, 'picked_up', t0 + H));
      await send(scan(awb, 'delivered', t0 + 30 * H));
      expect((await handle.query(trackingQuery)).status).toBe('delivered');
      await env.sleep('2 hours');
      // The courier's older hub scan, pushed after the delivery scan: recorded, status unchanged.
      const late = scan(awb, 'in_transit', t0 + 20 * H, { location: 'Late hub scan' });
      await send(late);
      const view = await handle.query(trackingQuery);
      expect(view.status).toBe('delivered');
      expect(view.timeline.map((e) => e.key)).toContain(late.key);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect(await handle.result()).toMatchObject({ status: 'delivered' });
      const closedAt = (await handle.describe()).closeTime!.getTime();
      // Closed a day after it became final (time-skipped), not at once.
      expect(closedAt - t0).toBeGreaterThanOrEqual(24 * H);
      expect(world.store.shipments.get(id)?.status).toBe('delivered');
    });
  });
});
