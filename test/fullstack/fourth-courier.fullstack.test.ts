// A fourth courier, added the way any courier is: one descriptor handed to the courier registry. ParcelBee
// (test/support/parcelbee.ts) exists only in tests, with its own fake HTTP API, and no file under src/
// names it. On the full stack (Temporal dev server, FerretDB, the API on a port, a worker running the real
// workflow) it is configured through the admin API, ships an order, tracks it by poll and moves it on by
// webhook, exactly as the built-in couriers do.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { courierIds, registerCourier } from '../../src/couriers/registry';
import type { Mongo } from '../../src/storage/mongo';
import type { TrackingView } from '../../src/workflows/shipment/contract';
import { auth, sampleOrder } from '../support/api';
import { eventually, isolatedNamespace, startSims, startWaybill, type Sims, type Waybill } from '../support/full-stack';
import { freshMongo } from '../support/mongo';
import { BEE_TOKEN_HEADER, PARCELBEE, parcelbeeCourier, startBeeApi, type BeeApi } from '../support/parcelbee';

const API_KEY = 'bee-api-key-0001';
const WEBHOOK_TOKEN = 'bee-webhook-token-0001';
const WEBHOOK_PATH = `/api/webhooks/courier/${PARCELBEE}`;

let unregister: () => void;
let mongo: Mongo;
let sims: Sims;
let bee: BeeApi;
let wb: Waybill;

beforeAll(async () => {
  // Before the API, the webhook pipeline and the worker are built: they read the registry then.
  unregister = registerCourier(parcelbeeCourier);
  const address = inject('temporalAddress');
  [mongo, sims, bee] = await Promise.all([freshMongo('fullstack_fourth_courier'), startSims(), startBeeApi(API_KEY)]);
  wb = await startWaybill({ temporalAddress: address, namespace: await isolatedNamespace(address, 'fourth-courier'), mongo, sims });
  // Its settings, stored as an admin stores any courier's: the worker builds its client from them.
  await request(wb.app).put(`/api/admin/couriers/${PARCELBEE}`).set(auth).send(settings({ hubCode: 'BLR01' })).expect(200);
}, 240_000);
afterAll(async () => {
  await wb?.stop();
  await Promise.all([sims?.close(), bee?.close()]);
  await mongo?.close();
  unregister?.();
});

const admin = () => ({ ...auth });
const settings = (fields: Record<string, string>) => ({ apiConfig: { provider: PARCELBEE, enabled: true, baseUrl: bee.url, apiKey: API_KEY, webhookSecret: WEBHOOK_TOKEN }, fields });
const order = async (orderId: string) => (await request(wb.app).get(`/api/orders/${orderId}`).set(admin()).expect(200)).body as { status: string; statusHistory: Array<{ status: string; source: string }> };
const tracking = async (orderId: string) => (await request(wb.app).get(`/api/orders/${orderId}/tracking`).set(admin()).expect(200)).body as TrackingView;
const waitForOrderStatus = (orderId: string, status: string) =>
  eventually(`order ${orderId} to be ${status}`, async () => {
    const o = await order(orderId);
    return o.status === status ? o : undefined;
  });
const push = (body: unknown, token = WEBHOOK_TOKEN) => request(wb.url).post(WEBHOOK_PATH).set(BEE_TOKEN_HEADER, token).set('content-type', 'application/json').send(JSON.stringify(body));

describe('a courier registered at run time', () => {
  it('is a courier everywhere: its settings are validated with its own fields, its webhook setup is its own', async () => {
    expect(courierIds()).toContain(PARCELBEE);
    // Its own required field, checked by the same API the built-in couriers use.
    const missing = await request(wb.app).put(`/api/admin/couriers/${PARCELBEE}`).set(admin()).send(settings({})).expect(400);
    expect(JSON.stringify(missing.body)).toContain('hubCode');
    const malformed = await request(wb.app).put(`/api/admin/couriers/${PARCELBEE}`).set(admin()).send(settings({ hubCode: 'nope' })).expect(400);
    expect(JSON.stringify(malformed.body)).toContain('a hub code like BLR01');
    // A refused PUT changed nothing.
    expect((await request(wb.app).get(`/api/admin/couriers/${PARCELBEE}`).set(admin()).expect(200)).body).toMatchObject({ fields: { hubCode: 'BLR01' } });

    const setup = (await request(wb.app).get(`/api/admin/couriers/${PARCELBEE}/webhook-url`).set(admin()).expect(200)).body as { urls: Array<{ url: string }>; auth: { header: string; configured: boolean }; compliant: boolean };
    expect(setup).toMatchObject({ urls: [{ url: `http://127.0.0.1${WEBHOOK_PATH}` }], auth: { header: BEE_TOKEN_HEADER, configured: true }, compliant: true });
    const doc = (await request(wb.app).get('/openapi.json').expect(200)).body as { components: { schemas: { CourierId: { enum: string[] } } } };
    expect(doc.components.schemas.CourierId.enum).toEqual(expect.arrayContaining(['shiprocket', 'delhivery', 'icarry', PARCELBEE]));
  });

  it('ships an order, tracks it by poll and moves it to delivered by webhook', async () => {
    const orderId = `FS-BEE-${process.pid}`;
    await request(wb.app).post('/api/orders').set(admin()).send(sampleOrder(orderId)).expect(201);

    // Ship: the worker builds ParcelBee's client from the stored settings and books at its API.
    const shipped = await request(wb.app).post(`/api/orders/${orderId}/ship`).set(admin()).send({ courierId: PARCELBEE }).expect(200);
    expect(shipped.body).toMatchObject({ orderId, courier: PARCELBEE, awb: expect.stringMatching(/^BEE\d{7}$/) });
    const awb = shipped.body.awb as string;
    expect(bee.bookings.get(awb)).toMatchObject({ reference: orderId, hub: 'BLR01', pincode: '400064' });
    expect(bee.calls).toEqual(expect.arrayContaining(['GET /serviceability', 'POST /shipments']));
    expect(await wb.awbs.orderFor(PARCELBEE, awb)).toBe(orderId);

    // Track: scans at the courier, picked up by an on-demand poll.
    const t0 = Date.now() - 6 * 3_600_000;
    bee.scan(awb, { code: 'PICKED', at: new Date(t0).toISOString(), where: 'Bengaluru hub' });
    bee.scan(awb, { code: 'MOVING', at: new Date(t0 + 3_600_000).toISOString(), where: 'Line haul' });
    const sync = await request(wb.app).post(`/api/orders/${orderId}/sync`).set(admin()).expect(200);
    expect(sync.body).toMatchObject({ success: true, statusUpdated: true, status: 'in_transit' });
    expect((await tracking(orderId)).timeline.filter((e) => e.source === 'poll' && e.applied).map((e) => e.status)).toEqual(['picked_up', 'in_transit']);

    // Webhooks: a wrong token changes nothing; the right one moves the order on.
    await push({ awb, code: 'OFD', at: new Date(t0 + 4 * 3_600_000).toISOString(), where: 'Mumbai' }, 'wrong-token-0000').expect(401);
    await push({ awb, code: 'OFD', at: new Date(t0 + 4 * 3_600_000).toISOString(), where: 'Mumbai' }).expect(200);
    await waitForOrderStatus(orderId, 'out_for_delivery');
    await push({ awb, code: 'DONE', at: new Date(t0 + 5 * 3_600_000).toISOString(), where: 'Mumbai' }).expect(200);
    const done = await waitForOrderStatus(orderId, 'delivered');

    expect(done.statusHistory.map((h) => h.status)).toEqual(['processing', 'shipped', 'out_for_delivery', 'delivered']);
    expect(done.statusHistory.slice(2).map((h) => h.source)).toEqual(['webhook', 'webhook']);
    const view = await tracking(orderId);
    expect(view).toMatchObject({ status: 'delivered', orderStatus: 'delivered', awb, courier: PARCELBEE });
    const inbox = await mongo.cols.inbox.find({ courier: PARCELBEE, 'deliveries.awb': awb }).toArray();
    expect(inbox.map((d) => d.status)).toEqual(['delivered', 'delivered']);
  });
});
