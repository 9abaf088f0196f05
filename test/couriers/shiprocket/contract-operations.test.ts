// Contract: cancel, serviceability, NDR actions, auth and injected faults, client against simulator.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CourierError } from '../../../src/couriers/common/errors';
import { SHIPROCKET_SIM_DEFAULTS } from '../../../src/simulators/shiprocket';
import { ORDER, rejection } from './helpers';
import { startSim, type SimHarness } from './sim-harness';

let h: SimHarness;
beforeEach(async () => {
  h = await startSim();
});
afterEach(async () => {
  await h.close();
});

const ref = (awb: string) => ({ orderId: ORDER.orderId, awb });
const DAY_HOURS = 24;

describe('cancel', () => {
  it('cancels before pickup; the shipment then ends cancelled', async () => {
    const { awb } = await h.client.createShipment(ORDER);
    expect(await h.client.cancel(ref(awb))).toEqual({ cancelled: true, note: 'Bulk Shipment cancellation is in progress. Please wait for 24 hours.' });
    await h.advance(1);
    const r = await h.client.track(ref(awb));
    expect(r.kind === 'tracked' && r.status).toBe('cancelled');
  });

  it('is refused once the courier has the parcel: permanent not_allowed', async () => {
    const { awb } = await h.client.createShipment(ORDER);
    await h.advance(8); // out for pickup, then picked up
    const err = await rejection(h.client.cancel(ref(awb)));
    expect(err).toMatchObject({ kind: 'permanent', code: 'not_allowed', details: { httpStatus: 400 } });
    expect((err as Error).message).toContain('already been picked up');
    expect(h.sim.store.byAwb(awb)!.cancelRequestedAt).toBeUndefined();
  });

  it('reports an unknown AWB as not_found', async () => {
    await h.client.createShipment(ORDER);
    expect(await rejection(h.client.cancel(ref('10000000000000')))).toMatchObject({ kind: 'permanent', code: 'not_found' });
  });
});

describe('serviceability', () => {
  const req = { pickupPincode: '560068', deliveryPincode: '400064', weightGrams: 750, paymentMethod: 'cod' as const, orderValue: 1200 };

  it('is serviceable with COD and the recommended courier’s days', async () => {
    expect(await h.client.checkServiceability(req)).toEqual({ serviceable: true, cod: true, prepaid: true, expectedDeliveryDays: 4 });
  });

  it('checks only the pinned courier when one is configured', async () => {
    expect(await h.clientWith({ courierCompanyId: 51 }).checkServiceability(req)).toMatchObject({ serviceable: true, expectedDeliveryDays: 5 });
    const pinned = await h.clientWith({ courierCompanyId: 77 }).checkServiceability(req);
    expect(pinned).toMatchObject({ serviceable: false });
    expect(pinned.reason).toContain('configured courier (77)');
  });

  it('says why an unserviceable pincode is not served', async () => {
    const r = await h.client.checkServiceability({ ...req, deliveryPincode: '999999' });
    expect(r).toEqual({ serviceable: false, cod: false, prepaid: false, reason: 'no Shiprocket courier serves 560068 → 999999 for COD at 0.75 kg' });
  });
});

describe('NDR actions', () => {
  async function undelivered(): Promise<string> {
    h.sim.setScenario(ORDER.orderId, 'ndr_rto');
    const { awb } = await h.client.createShipment(ORDER);
    await h.advance(48);
    return awb;
  }

  it('re-attempts: the simulator records it and the parcel is delivered instead of returned', async () => {
    const awb = await undelivered();
    expect(await h.client.ndrAction(ref(awb), { type: 'reattempt' })).toEqual({ accepted: true });
    expect(h.sim.engine.get(awb)!.ndrActions).toEqual([{ at: h.clock.now(), action: 'reattempt', detail: { comments: 'Re-attempt requested by the seller' } }]);
    await h.advance(DAY_HOURS);
    const r = await h.client.track(ref(awb));
    expect(r.kind === 'tracked' && r.status).toBe('delivered');
  });

  it('reschedules with a deferred date and changes the phone', async () => {
    const awb = await undelivered();
    await h.client.ndrAction(ref(awb), { type: 'reschedule', date: '2026-01-09', comment: 'Customer travelling' });
    await h.client.ndrAction(ref(awb), { type: 'change_phone', phone: '9123456789' });
    expect(h.sim.engine.get(awb)!.ndrActions.map((a) => [a.action, a.detail])).toEqual([
      ['reschedule', { comments: 'Customer travelling', deferred_date: '2026-01-09' }],
      ['reattempt', { comments: 'Re-attempt with the corrected phone number', phone: '9123456789' }],
    ]);
  });

  it('returns to origin', async () => {
    const awb = await undelivered();
    await h.client.ndrAction(ref(awb), { type: 'return_to_origin' });
    await h.advance(DAY_HOURS);
    const r = await h.client.track(ref(awb));
    expect(r.kind === 'tracked' && r.status).toBe('rto_initiated');
  });

  it('is refused when no NDR is open: permanent not_allowed', async () => {
    const { awb } = await h.client.createShipment(ORDER);
    expect(await rejection(h.client.ndrAction(ref(awb), { type: 'reattempt' }))).toMatchObject({ kind: 'permanent', code: 'not_allowed', details: { httpStatus: 400 } });
  });

  it('is listed by /ndr/all and /ndr/{awb} with the free-text reason', async () => {
    const awb = await undelivered();
    const all = await h.raw('GET', '/ndr/all');
    expect(all.body).toMatchObject({ data: [{ awb_code: awb, status_code: 36, reason: 'Consignee refused to accept', attempts: 1 }] });
    const one = await h.raw('GET', `/ndr/${awb}`);
    expect(one.body).toMatchObject({ data: [{ awb_code: awb }], meta: { pagination: { links: {} } } });
  });
});

describe('auth', () => {
  it('logs in once and reuses the token across calls', async () => {
    await h.client.createShipment(ORDER);
    await h.client.checkServiceability({ pickupPincode: '560068', deliveryPincode: '400064', weightGrams: 500, paymentMethod: 'prepaid', orderValue: 100 });
    expect(h.sim.store.issuedTokens).toBe(1);
  });

  it('logs in again ahead of the 10-day expiry, on the injected clock', async () => {
    const { awb } = await h.client.createShipment(ORDER);
    h.clock.advance(9 * DAY_HOURS * 3_600_000 - 60_000);
    await h.client.track(ref(awb));
    expect(h.sim.store.issuedTokens).toBe(1);
    h.clock.advance(120_000);
    await h.client.track(ref(awb));
    expect(h.sim.store.issuedTokens).toBe(2);
  });

  it('recovers from a token the API stopped accepting by logging in again once', async () => {
    const { awb } = await h.client.createShipment(ORDER);
    h.sim.expireTokens();
    expect(await h.client.track(ref(awb))).toEqual({ kind: 'not_yet', awb });
    expect(h.sim.store.issuedTokens).toBe(2);
  });

  it('rejects bad credentials permanently, without the password in the error or observations', async () => {
    const wrong = 'Wr0ng-Secret-Passw0rd';
    const err = await rejection(h.clientWith({ password: wrong }).createShipment(ORDER));
    expect(err).toBeInstanceOf(CourierError);
    expect(err).toMatchObject({ kind: 'permanent', code: 'auth_rejected', details: { httpStatus: 400 } });
    expect(JSON.stringify({ m: (err as Error).message, d: (err as CourierError).details, o: h.observations })).not.toContain(wrong);
    expect(SHIPROCKET_SIM_DEFAULTS.password).not.toBe(wrong);
  });
});

describe('injected faults', () => {
  async function loggedIn(): Promise<string> {
    const { awb } = await h.client.createShipment(ORDER);
    return awb;
  }

  it('classifies a 429 burst as rate_limited with Retry-After in ms', async () => {
    const awb = await loggedIn();
    // One request through, then a burst of 429s.
    h.sim.faults.set({ burst429: { every: 1, length: 5, retryAfterSeconds: 7 } });
    expect(await h.client.track(ref(awb))).toEqual({ kind: 'not_yet', awb });
    const err = await rejection(h.client.track(ref(awb)));
    expect(err).toMatchObject({ kind: 'rate_limited', code: 'rate_limited', details: { httpStatus: 429, retryAfterMs: 7000 } });
    expect(h.observations.at(-1)).toMatchObject({ operation: 'track', outcome: 'rate_limited', httpStatus: 429 });
  });

  it('classifies 500s as transient', async () => {
    const awb = await loggedIn();
    h.sim.faults.set({ errorRate: 1, seed: 1 });
    expect(await rejection(h.client.track(ref(awb)))).toMatchObject({ kind: 'transient', code: 'server_error', details: { httpStatus: 500 } });
  });

  it('classifies a request that never answers as a transient timeout', async () => {
    const client = h.clientWith({ timeoutMs: 300 });
    const { awb } = await client.createShipment(ORDER);
    h.sim.faults.set({ timeoutRate: 1, seed: 1 });
    expect(await rejection(client.track(ref(awb)))).toMatchObject({ kind: 'transient', code: 'timeout' });
    expect(h.observations.at(-1)).toMatchObject({ operation: 'track', outcome: 'transient' });
    expect(h.observations.filter((o) => o.operation === 'track')).toHaveLength(1);
  });
});
