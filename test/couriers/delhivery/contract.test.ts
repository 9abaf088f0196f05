// The real client against the simulator on 127.0.0.1: booking, idempotent rebooking, tracking through
// scenarios on a ManualClock, bulk tracking, cancel, serviceability and NDR actions.
import { afterEach, describe, expect, it } from 'vitest';
import type { ShipmentStatus } from '../../../src/domain/status';
import type { TrackResult } from '../../../src/couriers/types';
import { SIM_DEFAULTS } from '../../../src/simulators/delhivery';
import { advance, failure, sampleRequest, startSim, type RunningSim } from './helpers';

let s: RunningSim | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const tracked = (r: TrackResult | undefined) => {
  if (!r || r.kind !== 'tracked') throw new Error(`expected a tracked result, got ${JSON.stringify(r)}`);
  return r;
};

/** The statuses the client reads, without the scans Delhivery adds around the scenario's own steps. */
function milestones(r: TrackResult): Array<ShipmentStatus | null> {
  return tracked(r).events.filter((e) => e.rawCode !== 'X-UCI' && e.rawCode !== 'X-IBD3F').map((e) => e.status);
}

describe('booking', () => {
  it('books, and a retried booking recovers the same waybill instead of booking twice', async () => {
    s = await startSim();
    const first = await s.client.createShipment(sampleRequest());
    expect(first).toMatchObject({ recovered: false, courierOrderId: 'ORD-1001', trackingUrl: `https://www.delhivery.com/track/package/${first.awb}` });
    const again = await s.client.createShipment(sampleRequest());
    expect(again).toMatchObject({ awb: first.awb, recovered: true });
    expect(again.expectedDeliveryAt).toBe('2026-01-09T18:29:59.000Z');
    expect(s.sim.engine.shipments.size).toBe(1);
    expect(s.observations.map((o) => [o.operation, o.outcome])).toEqual([
      ['createShipment', 'ok'],
      ['createShipment', 'ok'],
    ]);
  });

  it('a booking whose answer was lost (client timeout) is recovered on retry', async () => {
    s = await startSim({}, { timeoutMs: 150 });
    s.sim.faults.set({ latencyMs: 400 });
    const e = await failure(s.client.createShipment(sampleRequest()));
    expect([e.kind, e.code]).toEqual(['transient', 'timeout']);
    // The simulator still books once the delayed request reaches it.
    for (let i = 0; i < 100 && s.sim.engine.shipments.size === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.sim.engine.shipments.size).toBe(1);
    s.sim.faults.set({});
    const b = await s.client.createShipment(sampleRequest());
    expect(b).toMatchObject({ recovered: true, awb: [...s.sim.engine.shipments.keys()][0] });
  });

  it.each([
    ['a wrong-case warehouse', {}, { warehouseName: SIM_DEFAULTS.warehouse.toLowerCase() }, sampleRequest(), 'invalid_request', /case-sensitive/],
    ['an unserviceable pincode', {}, {}, sampleRequest({ consignee: { ...sampleRequest().consignee, pincode: '900001' } }), 'unserviceable', /non serviceable pincode/],
    ['the other environment\'s token', {}, { apiToken: SIM_DEFAULTS.otherEnvToken }, sampleRequest(), 'auth_rejected', /staging and production/],
    ['a bad token', {}, { apiToken: 'not-the-sim-token' }, sampleRequest(), 'auth_rejected', /HTTP 401/],
    ['a low wallet', { walletBalance: 100 }, {}, sampleRequest(), 'insufficient_balance', /wallet/],
  ] as const)('refuses with %s', async (_n, simOpts, cfg, req, code, message) => {
    s = await startSim(simOpts, cfg);
    const e = await failure(s.client.createShipment(req));
    expect([e.kind, e.code]).toEqual(['permanent', code]);
    expect(e.message).toMatch(message);
    expect(s.sim.engine.shipments.size).toBe(0);
  });

  it('sanitised free text books cleanly where the raw text would break Delhivery\'s parser', async () => {
    s = await startSim();
    const req = sampleRequest({ consignee: { ...sampleRequest().consignee, address1: '#12, 3rd Cross & Main; 100% Lane\\B' } });
    await expect(s.client.createShipment(req)).resolves.toMatchObject({ recovered: false });
  });
});

describe('tracking through scenarios', () => {
  it('happy: every step arrives as the clock moves, ending delivered', async () => {
    s = await startSim();
    const { awb } = await s.client.createShipment(sampleRequest());
    const ref = { orderId: 'ORD-1001', awb };
    expect(tracked(await s.client.track(ref))).toMatchObject({ status: 'booked', events: [{ rawCode: 'X-UCI' }] });

    const seen: Array<ShipmentStatus | null> = [];
    for (let h = 0; h < 80; h += 2) {
      advance(s, 2);
      const r = tracked(await s.client.track(ref));
      if (r.status !== seen.at(-1)) seen.push(r.status);
    }
    expect(seen).toEqual(['pickup_scheduled', 'picked_up', 'in_transit', 'out_for_delivery', 'delivered']);
    const final = await s.client.track(ref);
    // The scenario's own steps, read back through Delhivery's codes by the client's independent table.
    const engineSteps = s.sim.engine.get(awb)!.scans.map((x) => x.status);
    expect(milestones(final)).toEqual(engineSteps);
    expect(tracked(final).events.find((e) => e.rawCode === 'X-IBD3F')?.status).toBe('in_transit');
    expect(s.unmapped).toEqual([]);
  });

  it('NDR then reattempt: undelivered with its reason, the action accepted with an UPL id, then delivered', async () => {
    s = await startSim();
    s.sim.setScenario('ORD-1001', 'ndr_reattempt_delivered');
    const { awb } = await s.client.createShipment(sampleRequest());
    const ref = { orderId: 'ORD-1001', awb };
    advance(s, 50);
    const ndr = tracked(await s.client.track(ref));
    expect(ndr.status).toBe('undelivered');
    expect(ndr.events.at(-1)!.ndr).toEqual({ reason: 'consignee_unavailable', rawCode: 'EOD-11', rawText: 'Consignee Unavailable' });

    const action = await s.client.ndrAction(ref, { type: 'reattempt' });
    expect(action.accepted).toBe(true);
    expect(action.reference).toMatch(/^UPL\d+$/);
    expect(s.sim.engine.get(awb)!.ndrActions.map((a) => a.action)).toEqual(['reattempt']);

    advance(s, 30);
    expect(tracked(await s.client.track(ref)).status).toBe('delivered');
  });

  it('NDR refused then RTO: rto_initiated, rto_in_transit, rto_delivered', async () => {
    s = await startSim();
    s.sim.setScenario('ORD-1001', 'ndr_rto');
    const { awb } = await s.client.createShipment(sampleRequest());
    advance(s, 200);
    const r = tracked(await s.client.track({ orderId: 'ORD-1001', awb }));
    expect(milestones(r).slice(-4)).toEqual(['undelivered', 'rto_initiated', 'rto_in_transit', 'rto_delivered']);
    expect(r.events.find((e) => e.status === 'undelivered')!.ndr!.reason).toBe('refused');
    expect(milestones(r)).toEqual(s.sim.engine.get(awb)!.scans.map((x) => x.status));
  });

  it.each([
    ['lost', 'lost'],
    ['pickup_failure', 'delivered'],
  ] as const)('%s ends %s and every step maps', async (scenario, end) => {
    s = await startSim({ defaultScenario: scenario });
    const { awb } = await s.client.createShipment(sampleRequest());
    advance(s, 200);
    const r = tracked(await s.client.track({ orderId: 'ORD-1001', awb }));
    expect(r.status).toBe(end);
    expect(milestones(r)).toEqual(s.sim.engine.get(awb)!.scans.map((x) => x.status));
  });

  it('cancelled_before_pickup: a forward cancellation never shows in Delhivery\'s tracking (stays manifested)', async () => {
    s = await startSim({ defaultScenario: 'cancelled_before_pickup' });
    const { awb } = await s.client.createShipment(sampleRequest());
    advance(s, 200);
    expect(s.sim.engine.get(awb)!.scans.map((x) => x.status)).toEqual(['pickup_scheduled', 'cancelled']);
    const r = tracked(await s.client.track({ orderId: 'ORD-1001', awb }));
    expect(r.status).toBe('pickup_scheduled');
    expect(r.events.map((e) => e.rawCode)).toEqual(['X-UCI', 'FMPUR-101']);
  });

  it('silent: manifested and never scanned stays tracked/booked', async () => {
    s = await startSim({ defaultScenario: 'silent' });
    const { awb } = await s.client.createShipment(sampleRequest());
    advance(s, 200);
    expect(tracked(await s.client.track({ orderId: 'ORD-1001', awb })).status).toBe('booked');
  });

  it('an unknown waybill is not_found', async () => {
    s = await startSim();
    const e = await failure(s.client.track({ orderId: 'X', awb: '12345678901234' }));
    expect([e.kind, e.code]).toEqual(['permanent', 'not_found']);
  });
});

describe('bulk tracking', () => {
  it('one call for many waybills; unknown ones are absent', async () => {
    s = await startSim();
    const awbs: string[] = [];
    for (let i = 0; i < 3; i++) awbs.push((await s.client.createShipment(sampleRequest({ orderId: `ORD-${i}` }))).awb);
    advance(s, 20);
    const r = await s.client.trackMany([...awbs, '99999999999999'].map((awb) => ({ orderId: 'x', awb })));
    expect(Object.keys(r).sort()).toEqual([...awbs].sort());
    for (const awb of awbs) expect(r[awb]).toMatchObject({ kind: 'tracked', status: 'in_transit' });
    expect(s.observations.filter((o) => o.operation === 'trackMany')).toHaveLength(1);
  });
});

describe('cancel', () => {
  it('before pickup: cancelled; Delhivery keeps showing it manifested', async () => {
    s = await startSim();
    const { awb } = await s.client.createShipment(sampleRequest());
    advance(s, 2);
    const r = await s.client.cancel({ orderId: 'ORD-1001', awb });
    expect(r.cancelled).toBe(true);
    expect(r.note).toMatch(/RTO/);
    advance(s, 100);
    expect(tracked(await s.client.track({ orderId: 'ORD-1001', awb })).status).toBe('pickup_scheduled');
  });

  it('after pickup: cancelled, and it becomes an RTO at once', async () => {
    s = await startSim();
    const { awb } = await s.client.createShipment(sampleRequest());
    advance(s, 12);
    expect((await s.client.cancel({ orderId: 'ORD-1001', awb })).cancelled).toBe(true);
    expect(tracked(await s.client.track({ orderId: 'ORD-1001', awb })).status).toBe('rto_initiated');
    // A retried cancel succeeds too.
    expect((await s.client.cancel({ orderId: 'ORD-1001', awb })).cancelled).toBe(true);
    advance(s, 200);
    expect(tracked(await s.client.track({ orderId: 'ORD-1001', awb })).status).toBe('rto_delivered');
  });

  it('out for delivery: not_allowed', async () => {
    s = await startSim();
    const { awb } = await s.client.createShipment(sampleRequest());
    advance(s, 44);
    const e = await failure(s.client.cancel({ orderId: 'ORD-1001', awb }));
    expect([e.kind, e.code]).toEqual(['permanent', 'not_allowed']);
  });
});

describe('serviceability', () => {
  it.each([
    ['400064', 'cod', { serviceable: true, cod: true, prepaid: true }],
    ['900001', 'prepaid', { serviceable: false, cod: false, prepaid: false }],
    ['400999', 'prepaid', { serviceable: false, cod: false, prepaid: false }],
    ['400077', 'cod', { serviceable: false, cod: false, prepaid: true }],
    ['400077', 'prepaid', { serviceable: true, cod: false, prepaid: true }],
  ] as const)('%s (%s)', async (pin, paymentMethod, expected) => {
    s = await startSim();
    const r = await s.client.checkServiceability({ pickupPincode: '560001', deliveryPincode: pin, weightGrams: 500, paymentMethod, orderValue: 500 });
    expect(r).toMatchObject(expected);
  });
});

describe('NDR actions', () => {
  it('outside an NDR: not_allowed with Delhivery\'s "Package in incorrect status"', async () => {
    s = await startSim();
    const { awb } = await s.client.createShipment(sampleRequest());
    const e = await failure(s.client.ndrAction({ orderId: 'ORD-1001', awb }, { type: 'reattempt' }));
    expect([e.kind, e.code]).toEqual(['permanent', 'not_allowed']);
    expect(e.message).toMatch(/Package in incorrect status/);
    expect(s.observations.filter((o) => o.operation === 'ndrAction')).toEqual([expect.objectContaining({ outcome: 'permanent' })]);
  });

  it('reschedule and phone change during an NDR reach the simulator', async () => {
    s = await startSim({ defaultScenario: 'ndr_reattempt_delivered' });
    const { awb } = await s.client.createShipment(sampleRequest());
    advance(s, 50);
    const ref = { orderId: 'ORD-1001', awb };
    await expect(s.client.ndrAction(ref, { type: 'reschedule', date: '2026-01-08' })).resolves.toMatchObject({ accepted: true });
    await expect(s.client.ndrAction(ref, { type: 'change_phone', phone: '9123456780' })).resolves.toMatchObject({ accepted: true });
    expect(s.sim.engine.get(awb)!.ndrActions.map((a) => [a.action, a.detail])).toEqual([
      ['reschedule', { deferred_date: '2026-01-08' }],
      ['edit', { phone: '9123456780' }],
    ]);
  });
});
