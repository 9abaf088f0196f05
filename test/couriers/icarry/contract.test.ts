// The real client against the simulator over HTTP on 127.0.0.1, and iCarry's callbacks caught by a
// local receiver and read by the real webhook parser.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { icarryCallbackUrlToken, icarryWebhook, MemoryBookingJournal } from '../../../src/couriers/icarry';
import type { CreateShipmentRequest, ShipmentRef, TrackResult } from '../../../src/couriers/types';
import type { ShipmentStatus } from '../../../src/domain/status';
import { ICARRY_SIM_DEFAULTS } from '../../../src/simulators/icarry';
import { type Received, type SimHarness, startReceiver, startSim } from './sim-support';
import { shipmentRequest } from './support';

const H = 3_600_000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function sim(...args: Parameters<typeof startSim>): Promise<SimHarness> {
  const h = await startSim(...args);
  cleanups.push(h.close);
  return h;
}
async function receiver() {
  const r = await startReceiver();
  cleanups.push(r.close);
  return r;
}

const order = (orderId: string, over: Partial<CreateShipmentRequest> = {}) =>
  shipmentRequest({ orderId, consignee: { ...shipmentRequest().consignee, pincode: '400001' }, ...over });
const refOf = (orderId: string, b: { awb: string; courierShipmentId?: string }): ShipmentRef => ({ orderId, awb: b.awb, courierShipmentId: b.courierShipmentId });
const statusOf = (r: TrackResult | undefined) => (r?.kind === 'tracked' ? r.status : undefined);
const asRequest = (r: Received) => ({ headers: r.headers, rawBody: r.body, receivedAt: r.receivedAt, url: r.url });

describe('iCarry client ↔ simulator', () => {
  it('logs in, renews the token before its hour is up, and recovers from a token revoked early', async () => {
    const h = await sim();
    const logins = () => h.observations.filter((o) => o.operation === 'login').length;
    await h.client.checkServiceability({ pickupPincode: '560068', deliveryPincode: '400001', weightGrams: 500, paymentMethod: 'prepaid', orderValue: 10 });
    h.clock.advance(54 * 60_000);
    await h.client.checkServiceability({ pickupPincode: '560068', deliveryPincode: '400001', weightGrams: 500, paymentMethod: 'prepaid', orderValue: 10 });
    expect(logins()).toBe(1);
    h.clock.advance(2 * 60_000);
    await h.client.checkServiceability({ pickupPincode: '560068', deliveryPincode: '400001', weightGrams: 500, paymentMethod: 'prepaid', orderValue: 10 });
    expect(logins()).toBe(2);

    h.sim.expireTokens();
    await expect(
      h.client.checkServiceability({ pickupPincode: '560068', deliveryPincode: '400001', weightGrams: 500, paymentMethod: 'cod', orderValue: 10 }),
    ).resolves.toMatchObject({ serviceable: true });
    expect(logins()).toBe(3);
  });

  it('books, and the booking reads back through track', async () => {
    const h = await sim();
    const booking = await h.client.createShipment(order('ORD-C1'));
    expect(booking).toMatchObject({ awb: '345642367564', courierShipmentId: '352', carrierName: 'Delhivery Surface', recovered: false });
    expect(booking.trackingUrl).toBe(`${h.baseUrl}/track-shipment?shipment_id=352&awb=345642367564&courier_id=7`);
    expect(booking.pickupScheduledAt).toBe(new Date(h.clock.now() + 2 * H).toISOString());
    const posted = h.sim.store.shipments.get(352)!.request;
    expect(posted).toMatchObject({ client_order_id: 'ORD-C1', consignee: { state: 'MA', mobile: '9876543210' }, parcel: { type: 'Prepaid', weight: { weight: '1500', unit: 'gm' } } });
    await expect(h.client.track(refOf('ORD-C1', booking))).resolves.toMatchObject({ kind: 'tracked', status: 'pickup_scheduled' });
  });

  it('an invalid order is refused by iCarry with its sentences, and a corrected retry books', async () => {
    const h = await sim({ pickupAddressIds: ['56'] });
    const e = await h.client.createShipment(order('ORD-C2')).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'permanent', code: 'invalid_request', details: { courierMessage: 'Invalid Pickup Address.' } });
    const fixed = h.newClient({ pickupAddressId: '56' });
    await expect(fixed.createShipment(order('ORD-C2'))).resolves.toMatchObject({ recovered: false });
  });

  it('tracks a shipment through the happy scenario on the manual clock, status from codes', async () => {
    const h = await sim();
    const booking = await h.client.createShipment(order('ORD-C3'));
    const ref = refOf('ORD-C3', booking);
    const seen: Array<ShipmentStatus | null | undefined> = [statusOf(await h.client.track(ref))];
    for (const hours of [2, 6, 4, 10, 12, 8, 4]) {
      h.clock.advance(hours * H);
      expect(h.sim.tick()).toBe(1);
      seen.push(statusOf(await h.client.track(ref)));
    }
    expect(seen).toEqual(['pickup_scheduled', 'pickup_scheduled', 'picked_up', 'in_transit', 'in_transit', 'in_transit', 'out_for_delivery', 'delivered']);

    const final = await h.client.track(ref);
    if (final.kind !== 'tracked') throw new Error('expected tracked');
    const scans = final.events.filter((e) => e.status === null);
    expect(scans.map((e) => e.description)).toEqual([
      'Consignment Manifested',
      'Pickup scheduled',
      'Shipment Picked Up from Client Location',
      'Shipment received at facility',
      'Added to bag at hub',
      'Shipment received at facility',
      'Out for delivery',
      'Delivered to consignee',
    ]);
    // every scan time, whatever precision the simulator wrote it in, reads back to the scripted instant
    expect(scans.at(-1)!.occurredAt).toBe(new Date(h.clock.now()).toISOString());
    expect(final.events.find((e) => e.key.endsWith(':status:21'))?.occurredAt).toBe(new Date(h.clock.now()).toISOString());
  });

  it('bulk status sync maps every shipment back to its AWB', async () => {
    const h = await sim();
    h.sim.setScenario('ORD-C5', 'lost');
    const a = await h.client.createShipment(order('ORD-C4'));
    const b = await h.client.createShipment(order('ORD-C5'));
    h.clock.advance(12 * H);
    h.sim.tick();
    const result = await h.client.trackMany([refOf('ORD-C4', a), refOf('ORD-C5', b), { orderId: 'X', awb: 'NOPE', courierShipmentId: '999' }]);
    expect(Object.keys(result).sort()).toEqual([a.awb, b.awb].sort());
    expect(statusOf(result[a.awb])).toBe('in_transit');
    h.clock.advance(72 * H);
    h.sim.tick();
    expect(statusOf((await h.client.trackMany([refOf('ORD-C5', b)]))[b.awb])).toBe('lost');
  });

  it('cancel before pickup: status cancelled from the code, although the courier text says Manifested', async () => {
    const h = await sim();
    const booking = await h.client.createShipment(order('ORD-C6'));
    const result = await h.client.cancel(refOf('ORD-C6', booking));
    expect(result).toMatchObject({ cancelled: true });
    expect(result.note).toMatch(/RTO charges apply/);
    await expect(h.client.cancel(refOf('ORD-C6', booking))).resolves.toMatchObject({ cancelled: true });
    h.clock.advance(H);
    h.sim.tick();
    expect(h.sim.store.shipments.get(Number(booking.courierShipmentId))!.text).toBe('Manifested');
    const tracked = await h.client.track(refOf('ORD-C6', booking));
    expect(tracked).toMatchObject({ kind: 'tracked', status: 'cancelled' });
    expect(tracked.kind === 'tracked' && tracked.events.some((e) => e.description === 'Seller cancelled the order')).toBe(true);
  });

  it('cancel after pickup turns into a return', async () => {
    const h = await sim();
    const booking = await h.client.createShipment(order('ORD-C7'));
    h.clock.advance(8 * H);
    h.sim.tick();
    await h.client.cancel(refOf('ORD-C7', booking));
    h.clock.advance(24 * H);
    h.sim.tick();
    expect(statusOf(await h.client.track(refOf('ORD-C7', booking)))).toBe('rto_initiated');
  });

  it('serviceability: the sim rule (9xxxxx is not served) comes through', async () => {
    const h = await sim();
    const ask = (deliveryPincode: string) => h.client.checkServiceability({ pickupPincode: '560068', deliveryPincode, weightGrams: 500, paymentMethod: 'cod', orderValue: 10 });
    await expect(ask('400001')).resolves.toEqual({ serviceable: true, cod: true, prepaid: true });
    await expect(ask('900001')).resolves.toMatchObject({ serviceable: false });
  });

  it('NDR actions are unsupported and never reach iCarry', async () => {
    const h = await sim();
    const booking = await h.client.createShipment(order('ORD-C8'));
    const before = h.sim.faults.stats.requests;
    await expect(h.client.ndrAction(refOf('ORD-C8', booking), { type: 'return_to_origin' })).rejects.toMatchObject({ kind: 'permanent', code: 'unsupported' });
    expect(h.sim.faults.stats.requests).toBe(before);
  });

  it('the IP allow-list refusal reaches the caller as permanent auth_rejected', async () => {
    const h = await sim({ quirks: { allowedIps: ['10.20.30.40'] } });
    await expect(h.client.createShipment(order('ORD-C9'))).rejects.toMatchObject({ kind: 'permanent', code: 'auth_rejected', operation: 'login' });
  });

  it('every reply with a PHP notice in front still works end to end', async () => {
    const h = await sim({ quirks: { phpNotice: true } });
    const booking = await h.client.createShipment(order('ORD-C10'));
    await expect(h.client.track(refOf('ORD-C10', booking))).resolves.toMatchObject({ kind: 'tracked' });
    await expect(h.client.cancel(refOf('ORD-C10', booking))).resolves.toMatchObject({ cancelled: true });
  });
});

describe('one booking per order, against an iCarry that would book twice', () => {
  it('a reply lost to a client timeout leaves one booking at iCarry and a refused retry', async () => {
    const journal = new MemoryBookingJournal();
    const h = await sim({}, { timeoutMs: 200 }, { journal });
    await h.client.checkServiceability({ pickupPincode: '560068', deliveryPincode: '400001', weightGrams: 500, paymentMethod: 'prepaid', orderValue: 10 });
    h.sim.faults.set({ latencyMs: 600 });
    await expect(h.client.createShipment(order('ORD-D1'))).rejects.toMatchObject({ kind: 'permanent', code: 'duplicate' });
    // iCarry went on to book it after the client gave up
    await vi.waitFor(() => expect(h.sim.store.bookingsFor('ORD-D1')).toHaveLength(1), { timeout: 5_000, interval: 50 });
    h.sim.faults.set({});
    await expect(h.client.createShipment(order('ORD-D1'))).rejects.toMatchObject({ code: 'duplicate' });
    expect(h.sim.store.bookingsFor('ORD-D1')).toHaveLength(1);
    expect(journal.get('ORD-D1')?.state).toBe('in_doubt');
  });

  it('workers sharing one journal book once between them; the booking is recovered by the other', async () => {
    const journal = new MemoryBookingJournal();
    const h = await sim({}, {}, { journal });
    const other = h.newClient({}, { journal });
    const first = await h.client.createShipment(order('ORD-D2'));
    await expect(other.createShipment(order('ORD-D2'))).resolves.toEqual({ ...first, recovered: true });
    expect(h.sim.store.bookingsFor('ORD-D2')).toHaveLength(1);
  });
});

describe('iCarry callbacks ↔ webhook parser', () => {
  it('status callbacks arrive as forms with the API key, and key the same as polling', async () => {
    const r = await receiver();
    const h = await sim({ webhook: { url: `${r.url}/api/webhooks/icarry` } });
    const booking = await h.client.createShipment(order('ORD-W1'));
    const ref = refOf('ORD-W1', booking);
    const pushedKeys: string[] = [];
    const polledKeys: string[] = [];
    for (const hours of [2, 6, 4, 10, 12, 8, 4]) {
      h.clock.advance(hours * H);
      h.sim.tick();
      await h.sim.pusher.flush();
      const polled = (await h.client.trackMany([ref]))[booking.awb];
      if (polled?.kind === 'tracked') polledKeys.push(polled.events[0]!.key);
    }
    for (const delivery of r.received) {
      const req = asRequest(delivery);
      expect(delivery.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(icarryWebhook.authenticate(req, { secret: ICARRY_SIM_DEFAULTS.apiKey })).toBe(true);
      expect(icarryWebhook.authenticate(req, { secret: 'another-key' })).toBe(false);
      const parsed = icarryWebhook.parse(req);
      if (!parsed.ok) throw new Error(parsed.error);
      pushedKeys.push(...parsed.events.map((e) => e.key));
    }
    // one callback per code change: 25, 3, 22, 26, 21 (the second 22 and the informational scan send none)
    expect(pushedKeys).toEqual(['25', '3', '22', '26', '21'].map((c) => `icarry:${booking.awb}:status:${c}`));
    expect([...new Set(polledKeys)]).toEqual(pushedKeys);
  });

  it('JSON status callbacks parse to the same events', async () => {
    const r = await receiver();
    const h = await sim({ webhook: { url: r.url }, quirks: { statusCallbackEncoding: 'json' } });
    await h.client.createShipment(order('ORD-W2'));
    h.clock.advance(2 * H);
    h.sim.tick();
    await h.sim.pusher.flush();
    expect(r.received).toHaveLength(1);
    expect(r.received[0]!.headers['content-type']).toBe('application/json');
    expect(icarryWebhook.parse(asRequest(r.received[0]!))).toMatchObject({ ok: true, events: [{ status: 'pickup_scheduled', rawCode: '25' }] });
  });

  it('the daily NDR batch covers today and yesterday, carries no token, and is let in by the URL token', async () => {
    const r = await receiver();
    const urlToken = icarryCallbackUrlToken(ICARRY_SIM_DEFAULTS.apiKey);
    const h = await sim({ webhook: { url: `${r.url}/api/webhooks/icarry?token=${urlToken}` } });
    h.sim.setScenario('ORD-W3', 'ndr_reattempt_delivered');
    const booking = await h.client.createShipment(order('ORD-W3'));
    h.clock.advance(48 * H);
    h.sim.tick();
    await h.sim.pusher.flush();
    const statusCallbacks = r.received.length;

    const batches: Received[] = [];
    for (let day = 0; day < 3; day++) {
      const sent = h.sim.sendNdrBatch();
      await h.sim.pusher.flush();
      batches.push(r.received.at(-1)!);
      expect(sent).toBe(day < 2 ? 1 : 0);
      h.clock.advance(24 * H);
    }
    expect(r.received).toHaveLength(statusCallbacks + 3);
    const [today, tomorrow, later] = batches.map((b) => icarryWebhook.parse(asRequest(b)));
    const keys = (r: ReturnType<typeof icarryWebhook.parse> | undefined) => (r?.ok ? r.events.map((e) => e.key) : undefined);
    expect(JSON.parse(batches[0]!.body.toString())).not.toHaveProperty('token');
    expect(today).toMatchObject({
      ok: true,
      kind: 'ndr_batch',
      events: [{ awb: booking.awb, status: 'undelivered', rawCode: 'REATTEMPT-OUTOFSTN', ndr: { reason: 'consignee_unavailable' }, occurredAt: '2026-01-07T18:29:59.000Z' }],
    });
    expect(keys(tomorrow)).toEqual(keys(today));
    expect(keys(today)).toHaveLength(1);
    expect(later).toEqual({ ok: true, events: [], kind: 'ndr_batch' });

    for (const b of batches) {
      expect(icarryWebhook.authenticate(asRequest(b), { secret: ICARRY_SIM_DEFAULTS.apiKey })).toBe(true);
      expect(icarryWebhook.authenticate({ ...asRequest(b), url: '/api/webhooks/icarry' }, { secret: ICARRY_SIM_DEFAULTS.apiKey })).toBe(false);
    }
  });

  it('the NDR itself sends no status callback: iCarry has no NDR code', async () => {
    const r = await receiver();
    const h = await sim({ webhook: { url: r.url } });
    h.sim.setScenario('ORD-W4', 'ndr_reattempt_delivered');
    await h.client.createShipment(order('ORD-W4'));
    h.clock.advance(42 * H);
    h.sim.tick();
    await h.sim.pusher.flush();
    const before = r.received.length;
    h.clock.advance(6 * H);
    expect(h.sim.tick()).toBe(1);
    await h.sim.pusher.flush();
    expect(r.received).toHaveLength(before);
  });

  it('a weight discrepancy callback is authenticated and yields no tracking events', async () => {
    const r = await receiver();
    const h = await sim({ webhook: { url: r.url } });
    const booking = await h.client.createShipment(order('ORD-W5'));
    expect(h.sim.reportWeightDiscrepancy(booking.awb, 2400)).toBe(true);
    await h.sim.pusher.flush();
    const req = asRequest(r.received[0]!);
    expect(icarryWebhook.authenticate(req, { secret: ICARRY_SIM_DEFAULTS.apiKey })).toBe(true);
    expect(icarryWebhook.parse(req)).toEqual({ ok: true, events: [], kind: 'weight_discrepancy' });
    expect(JSON.parse(r.received[0]!.body.toString())).toMatchObject({ old_weight: 1500, new_weight: 2400 });
  });
});
