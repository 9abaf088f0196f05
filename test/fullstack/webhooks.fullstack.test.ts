// Full stack on real servers: the run's Temporal dev server and FerretDB, the real shipment workflow and
// activities in a worker, the API on a port, and the three courier simulators pushing webhooks in their
// own formats. Every assertion reads what the store would read: the API's order and tracking views.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { CourierId } from '../../src/couriers/types';
import { STATUS_RANK } from '../../src/domain/status';
import { createWaybillClient } from '../../src/client';
import { SIMULATOR_DEFAULTS } from '../../src/simulators/defaults';
import { ICARRY_SIM_DEFAULTS, type IcarrySimulator } from '../../src/simulators/icarry';
import type { Mongo } from '../../src/storage/mongo';
import type { TrackingView } from '../../src/workflows/shipment/contract';
import { auth, sampleOrder } from '../support/api';
import { eventually, isolatedNamespace, startSims, startWaybill, type Sims, type Waybill } from '../support/full-stack';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
let sims: Sims;
let wb: Waybill;

beforeAll(async () => {
  const address = inject('temporalAddress');
  [mongo, sims] = await Promise.all([freshMongo('fullstack_webhooks'), startSims()]);
  wb = await startWaybill({ temporalAddress: address, namespace: await isolatedNamespace(address, 'webhooks'), mongo, sims });
  sims.pushTo(wb.url);
}, 240_000);
afterAll(async () => {
  await wb?.stop();
  await sims?.close();
  await mongo?.close();
});

let seq = 0;
async function createAndShip(courier: CourierId): Promise<{ orderId: string; awb: string }> {
  const orderId = `FS-${courier.slice(0, 2).toUpperCase()}-${process.pid}-${++seq}`;
  await request(wb.app).post('/api/orders').set(auth).send(sampleOrder(orderId)).expect(201);
  const res = await request(wb.app).post(`/api/orders/${orderId}/ship`).set(auth).send({ courierId: courier }).expect(200);
  expect(res.body).toMatchObject({ orderId, courier, awb: expect.any(String), trackingUrl: expect.any(String) });
  return { orderId, awb: res.body.awb as string };
}

const tracking = async (orderId: string) => (await request(wb.app).get(`/api/orders/${orderId}/tracking`).set(auth).expect(200)).body as TrackingView;
const order = async (orderId: string) => (await request(wb.app).get(`/api/orders/${orderId}`).set(auth).expect(200)).body as { status: string; statusHistory: Array<{ status: string; source: string }> };

async function waitForOrderStatus(orderId: string, status: string) {
  return eventually(`order ${orderId} to be ${status}`, async () => {
    const o = await order(orderId);
    return o.status === status ? o : undefined;
  });
}

function expectMonotonic(view: TrackingView) {
  const ranks = view.transitions.map((t) => STATUS_RANK[t.to]);
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
}

describe.each(['shiprocket', 'delhivery', 'icarry'] as const)('%s: create → ship → webhooks in its format', (courier) => {
  it('moves the order to delivered, with the timeline built from webhooks', async () => {
    const { orderId, awb } = await createAndShip(courier);
    expect(await wb.awbs.orderFor(courier, awb)).toBe(orderId);

    // The 'happy' script: picked up at 8 h, in transit from 12 h, out for delivery at 42 h, delivered at 46 h.
    await sims.advance(30);
    await waitForOrderStatus(orderId, 'shipped');
    await sims.advance(12);
    await waitForOrderStatus(orderId, 'out_for_delivery');
    await sims.advance(6);
    const done = await waitForOrderStatus(orderId, 'delivered');

    expect(done.statusHistory.map((h) => h.status)).toEqual(['processing', 'shipped', 'out_for_delivery', 'delivered']);
    expect(done.statusHistory.slice(2).map((h) => h.source)).toEqual(['webhook', 'webhook']);
    const view = await tracking(orderId);
    expect(view).toMatchObject({ status: 'delivered', orderStatus: 'delivered', awb });
    const fromWebhooks = view.timeline.filter((e) => e.source === 'webhook' && e.applied).map((e) => e.status);
    expect(fromWebhooks).toEqual(expect.arrayContaining(['picked_up', 'in_transit', 'out_for_delivery', 'delivered']));
    expectMonotonic(view);
    // Every webhook of this courier went through the inbox and was delivered.
    const docs = await mongo.cols.inbox.find({ courier, 'deliveries.awb': awb }).toArray();
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.every((d) => d.status === 'delivered')).toBe(true);
  });
});

describe('delivery quirks', () => {
  it('absorbs duplicated and out-of-order webhooks: status never moves back, each scan once', async () => {
    const { orderId, awb } = await createAndShip('delhivery');
    Object.assign(sims.delhivery.pusher.options, { duplicateRate: 1, reorder: true });
    try {
      await sims.advance(60);
    } finally {
      Object.assign(sims.delhivery.pusher.options, { duplicateRate: 0, reorder: false });
      await sims.flush();
    }
    await waitForOrderStatus(orderId, 'delivered');
    const view = await tracking(orderId);
    const keys = view.timeline.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    expectMonotonic(view);
    // Every push was acknowledged, and each distinct one stored once.
    const pushes = sims.delhivery.pusher.log.filter((p) => p.body.includes(awb));
    const distinct = new Set(pushes.map((p) => p.body)).size;
    expect(pushes.length).toBeGreaterThan(distinct);
    expect(pushes.every((p) => p.status === 200)).toBe(true);
    expect(await mongo.cols.inbox.countDocuments({ courier: 'delhivery', 'deliveries.awb': awb })).toBe(distinct);
  });

  it('refuses bad auth, malformed and oversized bodies, changing nothing', async () => {
    const { orderId, awb } = await createAndShip('shiprocket');
    await sims.advance(30);
    // The snapshot must be taken once every push of those 30 hours has landed ('shipped' is reached at
    // pickup, before the in-transit scans arrive), or a late legitimate scan looks like a changed view.
    await sims.flush();
    await wb.ingestor.idle();
    await eventually('the in-transit scans applied', async () => ((await tracking(orderId)).status === 'in_transit' ? true : undefined));
    const before = { view: await tracking(orderId), inbox: await mongo.cols.inbox.countDocuments() };
    const delivered = JSON.stringify({ awb, current_status: 'DELIVERED', current_status_id: 7, shipment_status: 'DELIVERED', shipment_status_id: 7, current_timestamp: '23 05 2099 11:43:52', scans: [] });

    await request(wb.url).post('/api/webhooks/courier/rocket').set('Content-Type', 'application/json').set('x-api-key', 'not-the-token').send(delivered).expect(401);
    await request(wb.url).post('/api/webhooks/courier/rocket').set('Content-Type', 'application/json').send(delivered).expect(401);
    await request(wb.url).post('/api/webhooks/courier/rocket').set('Content-Type', 'application/json').set('x-api-key', 'sim-shiprocket-webhook-token').send('{"awb": ').expect(400);
    await request(wb.url).post('/api/webhooks/courier/rocket').set('Content-Type', 'application/json').set('x-api-key', 'sim-shiprocket-webhook-token').send(JSON.stringify({ awb, pad: 'x'.repeat(600 * 1024) })).expect(413);

    expect(await mongo.cols.inbox.countDocuments()).toBe(before.inbox);
    const after = await tracking(orderId);
    expect(after.status).toBe(before.view.status);
    expect(after.timeline.length).toBe(before.view.timeline.length);
  });

  it('holds a webhook for an AWB not known yet, and delivers it once an order is booked with that AWB', async () => {
    // iCarry numbers AWBs in sequence: the next booking gets this one. Its first scan arrives first.
    const store = (sims.icarry as IcarrySimulator).store;
    const awb = String(Math.max(ICARRY_SIM_DEFAULTS.firstAwb - 1, ...[...store.byAwb.keys()].map(Number)) + 1);
    const callback = `client_name=icarry&callback_type=sync_status&awb=${awb}&status=3&token=${SIMULATOR_DEFAULTS.icarry.apiKey}`;
    const ack = await request(wb.url).post('/api/webhooks/shipping-updates').type('form').send(callback).expect(200);
    await wb.ingestor.idle();
    expect(await mongo.cols.inbox.findOne({ _id: ack.body.id })).toMatchObject({ status: 'unmatched', deliveries: [{ awb, status: 'unmatched' }] });

    const shipped = await createAndShip('icarry');
    expect(shipped.awb).toBe(awb);
    await eventually('the held scan to be delivered', async () => ((await mongo.cols.inbox.findOne({ _id: ack.body.id }))?.status === 'delivered' ? true : undefined));
    const view = await eventually('the scan in the timeline', async () => {
      const v = await tracking(shipped.orderId);
      return v.timeline.some((e) => e.source === 'webhook' && e.rawCode === '3') ? v : undefined;
    });
    expect(view.status).toBe('picked_up');
  });

  it('opens an NDR from a failed delivery, and the queue shows it', async () => {
    const orderId = `FS-NDR-${process.pid}-${++seq}`;
    await request(sims.urls.delhivery).post('/__sim/scenarios').send({ orderId, scenario: 'ndr_rto' }).expect(200);
    await request(wb.app).post('/api/orders').set(auth).send(sampleOrder(orderId)).expect(201);
    const { awb } = (await request(wb.app).post(`/api/orders/${orderId}/ship`).set(auth).send({ courierId: 'delhivery' }).expect(200)).body as { awb: string };
    await sims.advance(50); // the refused delivery attempt comes at 48 h
    await waitForOrderStatus(orderId, 'delivery_failed');
    const queue = await eventually('the NDR in the queue', async () => {
      const res = await request(wb.app).get('/api/ndr?courier=delhivery&paymentMethod=cod').set(auth).expect(200);
      return res.body.items.some((i: { orderId: string }) => i.orderId === orderId) ? res.body : undefined;
    });
    expect(queue.items.find((i: { orderId: string }) => i.orderId === orderId)).toMatchObject({ awb, ndr: { open: true, reason: 'refused' } });
  });

  it("delivers iCarry's daily NDR batch (authenticated by its URL token) to the shipment's workflow", async () => {
    const orderId = `FS-IC-${process.pid}-${++seq}`;
    await request(sims.urls.icarry).post('/__sim/scenarios').send({ orderId, scenario: 'ndr_rto' }).expect(200);
    await request(wb.app).post('/api/orders').set(auth).send(sampleOrder(orderId)).expect(201);
    await request(wb.app).post(`/api/orders/${orderId}/ship`).set(auth).send({ courierId: 'icarry' }).expect(200);
    await sims.advance(50);
    expect(sims.icarry.sendNdrBatch()).toBeGreaterThan(0);
    await sims.flush();
    expect(sims.icarry.pusher.log.at(-1)?.status).toBe(200);
    await eventually('the NDR scan in the timeline', async () => {
      const v = await tracking(orderId);
      return v.timeline.some((e) => e.source === 'webhook' && e.rawCode === 'REATTEMPT-CUST-REFUSED') ? v : undefined;
    });
  });
});

describe('the typed client and the sync endpoints, against the real workflow', () => {
  it('syncOrderTracking / POST /sync poll the courier and answer {success, statusUpdated, status}', async () => {
    const { orderId } = await createAndShip('delhivery');
    // Scans happen at the courier, but their pushes are lost: only a poll can find them.
    sims.delhivery.pusher.options.url = undefined;
    try {
      await sims.advance(30);
    } finally {
      sims.pushTo(wb.url);
    }
    const client = createWaybillClient({ gateway: wb.gateway, mongo });
    const first = await client.syncOrderTracking(orderId);
    expect(first).toMatchObject({ orderId, success: true, statusUpdated: true, orderStatus: 'shipped' });
    const again = await request(wb.app).post(`/api/orders/${orderId}/sync`).set(auth).expect(200);
    expect(again.body).toMatchObject({ success: true, statusUpdated: false, status: first.status });
    const batch = await client.syncMultipleOrdersTracking([orderId, 'NO-SUCH-ORDER']);
    expect(batch).toEqual([
      expect.objectContaining({ orderId, success: true }),
      expect.objectContaining({ orderId: 'NO-SUCH-ORDER', success: false, error: expect.stringMatching(/^not_found/) }),
    ]);
  });

  it("answers a courier's refusal to book with 422 and its code (the simulators refuse pincodes starting with 9)", async () => {
    const orderId = `FS-UNS-${process.pid}-${++seq}`;
    const order = sampleOrder(orderId, { shippingAddress: { address1: '1 Far Away Road', city: 'Nowhere', state: 'Maharashtra', pincode: '999999' } });
    await request(wb.app).post('/api/orders').set(auth).send(order).expect(201);
    const res = await request(wb.app).post(`/api/orders/${orderId}/ship`).set(auth).send({ courierId: 'delhivery' }).expect(422);
    expect(res.body.error).toMatchObject({ code: 'unprocessable', details: { code: 'unserviceable' } });
    // Still unserviceable with another courier: the retry answers the same way, through the workflow.
    const retry = await request(wb.app).post(`/api/orders/${orderId}/ship/retry`).set(auth).send({ courierId: 'shiprocket' }).expect(422);
    expect(retry.body.error.details.code).toBe('unserviceable');
  });

  it('maps the workflow refusing a request to 409, and a malformed one to 400 before it is sent', async () => {
    const { orderId } = await createAndShip('shiprocket');
    // No NDR is open: the workflow's validator refuses.
    const res = await request(wb.app).post(`/api/orders/${orderId}/ndr`).set(auth).send({ action: { type: 'reattempt' } }).expect(409);
    expect(res.body.error.message).toMatch(/no open NDR/);
    await request(wb.app).post(`/api/orders/${orderId}/status`).set(auth).send({ status: 'delivered', reason: 'confirmed by phone' }).expect(200);
    const view = await tracking(orderId);
    expect(view).toMatchObject({ status: 'delivered', manual: { status: 'delivered', by: 'admin:0', reason: 'confirmed by phone' } });
    await request(wb.app).post('/api/orders/NO-SUCH-ORDER/sync').set(auth).expect(404);
  });
});
