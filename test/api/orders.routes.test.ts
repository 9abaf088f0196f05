import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ShipmentGatewayError } from '../../src/shipments/gateway';
import type { Mongo } from '../../src/storage/mongo';
import { auth, FakeGateway, sampleOrder, testApp, trackingView } from '../support/api';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
let gateway: FakeGateway;
let app: ReturnType<typeof testApp>;

beforeAll(async () => {
  mongo = await freshMongo('orders_routes');
});
afterAll(async () => mongo.close());
beforeEach(async () => {
  await mongo.cols.orders.deleteMany({});
  gateway = new FakeGateway();
  app = testApp(mongo, gateway);
});

describe('POST /api/orders', () => {
  it('creates an order, normalising the phone and computing the order value', async () => {
    const res = await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-1')).expect(201);
    expect(res.body).toMatchObject({ id: 'ORD-1', status: 'processing', orderValue: 900, codAmount: 900, customer: { phone: '9876543210' } });
  });

  it('updates the same order while it is processing (upsert)', async () => {
    await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-2')).expect(201);
    const res = await request(app)
      .post('/api/orders')
      .set(auth)
      .send(sampleOrder('ORD-2', { customer: { name: 'B Rao', phone: '9123456789' } }))
      .expect(200);
    expect(res.body.customer.name).toBe('B Rao');
    expect(await mongo.cols.orders.countDocuments()).toBe(1);
  });

  it('rejects an unauthenticated request and changes nothing', async () => {
    await request(app).post('/api/orders').send(sampleOrder('ORD-3')).expect(401);
    await request(app).post('/api/orders').set({ Authorization: 'Bearer wrong' }).send(sampleOrder('ORD-3')).expect(401);
    expect(await mongo.cols.orders.countDocuments()).toBe(0);
  });

  it.each([
    ['a bad pincode', { shippingAddress: { address1: '12 Street', city: 'X', state: 'Y', pincode: '12345' } }, 'shippingAddress.pincode'],
    ['a bad phone', { customer: { name: 'A', phone: '12345' } }, 'customer.phone'],
    ['no items', { items: [] }, 'items'],
    ['COD without an amount', { codAmount: undefined }, 'codAmount'],
    ['an unknown field', { extra: 1 }, ''],
  ])('rejects %s with a 400 naming the field, changing nothing', async (_label, over, path) => {
    const res = await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-4', over)).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await mongo.cols.orders.countDocuments()).toBe(0);
  });

  it('answers 400 for malformed JSON and 413 for an oversized body', async () => {
    await request(app).post('/api/orders').set(auth).set('Content-Type', 'application/json').send('{"id":').expect(400);
    const huge = sampleOrder('ORD-5', { items: [{ name: 'x'.repeat(300_000), sku: 'S', quantity: 1, unitPrice: 1 }] });
    await request(app).post('/api/orders').set(auth).send(huge).expect(413);
    expect(await mongo.cols.orders.countDocuments()).toBe(0);
  });
});

describe('POST /api/orders/:id/ship', () => {
  it('starts the shipment with the order as the courier needs it and answers with the AWB', async () => {
    await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-10')).expect(201);
    const res = await request(app).post('/api/orders/ORD-10/ship').set(auth).send({ courierId: 'delhivery' }).expect(200);
    expect(res.body).toEqual({ orderId: 'ORD-10', workflowId: 'shipment-ORD-10', courier: 'delhivery', awb: 'AWB-ORD-10', trackingUrl: 'https://track.example/ORD-10', carrierName: null });
    expect(gateway.shipped[0]).toMatchObject({ orderId: 'ORD-10', courier: 'delhivery', request: { parcel: { weightGrams: 2000 }, codAmount: 900, paymentMethod: 'cod' } });
    const order = await mongo.cols.orders.findOne({ _id: 'ORD-10' });
    expect(order?.shipment).toMatchObject({ courier: 'delhivery', awb: 'AWB-ORD-10', workflowId: 'shipment-ORD-10' });
  });

  it('uses the default courier and keeps the first courier on a double click', async () => {
    await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-11')).expect(201);
    await request(app).post('/api/orders/ORD-11/ship').set(auth).send({}).expect(200);
    const again = await request(app).post('/api/orders/ORD-11/ship').set(auth).send({}).expect(200);
    expect(again.body.courier).toBe('icarry');
    await request(app).post('/api/orders/ORD-11/ship').set(auth).send({ courierId: 'shiprocket' }).expect(409);
  });

  it('answers 422 with the booking error when the courier refuses', async () => {
    gateway.outcome = () => ({ ok: false, code: 'unserviceable', message: 'pincode 999999 is not serviceable' });
    await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-12')).expect(201);
    const res = await request(app).post('/api/orders/ORD-12/ship').set(auth).send({}).expect(422);
    expect(res.body.error).toMatchObject({ code: 'unprocessable', message: 'pincode 999999 is not serviceable', details: { code: 'unserviceable' } });
  });

  it('refuses to ship an unknown order (404) and validates the courier (400)', async () => {
    await request(app).post('/api/orders/NOPE/ship').set(auth).send({}).expect(404);
    await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-13')).expect(201);
    await request(app).post('/api/orders/ORD-13/ship').set(auth).send({ courierId: 'fedex' }).expect(400);
    expect(gateway.shipped).toHaveLength(0);
  });
});

describe('GET /api/orders', () => {
  it('pages newest first with a cursor', async () => {
    for (const id of ['A1', 'A2', 'A3']) {
      await request(app).post('/api/orders').set(auth).send(sampleOrder(id)).expect(201);
      await new Promise((r) => setTimeout(r, 5)); // distinct createdAt
    }
    const p1 = await request(app).get('/api/orders?limit=2').set(auth).expect(200);
    expect(p1.body.items.map((o: { id: string }) => o.id)).toEqual(['A3', 'A2']);
    const p2 = await request(app).get(`/api/orders?limit=2&cursor=${p1.body.nextCursor}`).set(auth).expect(200);
    expect(p2.body.items.map((o: { id: string }) => o.id)).toEqual(['A1']);
    expect(p2.body.nextCursor).toBeNull();
    const bad = await request(app).get('/api/orders?cursor=garbage').set(auth).expect(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/^invalid cursor: pass the nextCursor of a previous page/) });
  });
});

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    await request(app).get('/readyz').expect(200);
  });
});

describe('order actions through the workflow', () => {
  beforeEach(async () => {
    await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-30')).expect(201);
    await request(app).post('/api/orders/ORD-30/ship').set(auth).send({}).expect(200);
    gateway.views.set('ORD-30', trackingView('ORD-30'));
  });

  it('POST /:id/sync answers {success, statusUpdated, status}', async () => {
    const res = await request(app).post('/api/orders/ORD-30/sync').set(auth).expect(200);
    expect(res.body).toEqual({ success: true, statusUpdated: false, status: 'in_transit', orderStatus: 'shipped' });
  });

  it('maps Temporal outcomes: no workflow 404, refused 409, malformed 422, unreachable 503', async () => {
    await request(app).post('/api/orders/NOPE/sync').set(auth).expect(404);
    for (const [kind, status] of [
      ['conflict', 409],
      ['finished', 409],
      ['invalid', 422],
      ['unavailable', 503],
    ] as const) {
      gateway.fail = new ShipmentGatewayError(kind, `because ${kind}`);
      const res = await request(app).post('/api/orders/ORD-30/status').set(auth).send({ status: 'delivered', reason: 'customer confirmed by phone' }).expect(status);
      expect(res.body.error.message).toBe(`because ${kind}`);
    }
  });

  it('POST /:id/status records who and why, with the Idempotency-Key as the request id', async () => {
    const res = await request(app)
      .post('/api/orders/ORD-30/status')
      .set(auth)
      .set('Idempotency-Key', 'req-0001-abcdef')
      .send({ status: 'delivered', reason: 'customer confirmed by phone' })
      .expect(200);
    expect(res.body.manual).toMatchObject({ status: 'delivered', by: 'admin:0', reason: 'customer confirmed by phone' });
    expect(gateway.updates.at(-1)).toEqual({ orderId: 'ORD-30', name: 'setManualStatus', req: { requestId: 'req-0001-abcdef', status: 'delivered', by: 'admin:0', reason: 'customer confirmed by phone' } });
  });

  it.each([
    ['an unknown status', { status: 'teleported', reason: 'because' }],
    ['no reason', { status: 'delivered' }],
    ['a blank reason', { status: 'delivered', reason: '  ' }],
  ])('POST /:id/status refuses %s with 400, asking the workflow nothing', async (_l, body) => {
    await request(app).post('/api/orders/ORD-30/status').set(auth).send(body).expect(400);
    await request(app).post('/api/orders/ORD-30/status').set(auth).set('Idempotency-Key', 'bad key!').send({ status: 'delivered', reason: 'fine reason' }).expect(400);
    expect(gateway.updates).toHaveLength(0);
  });

  it('POST /:id/ndr sends the admin resolution', async () => {
    const res = await request(app).post('/api/orders/ORD-30/ndr').set(auth).send({ action: { type: 'reschedule', date: '2025-02-01', comment: 'customer away' } }).expect(200);
    expect(res.body).toMatchObject({ accepted: true, sentToCourier: true });
    expect(gateway.updates.at(-1)).toMatchObject({ name: 'resolveNdr', req: { action: { type: 'reschedule', date: '2025-02-01' }, by: 'admin', actor: 'admin:0', requestId: expect.any(String) } });
  });

  it.each([
    [{ action: { type: 'reschedule', date: 'tomorrow' } }],
    [{ action: { type: 'change_phone', phone: '123' } }],
    [{ action: { type: 'teleport' } }],
    [{}],
  ])('POST /:id/ndr refuses a malformed action %j with 400', async (body) => {
    await request(app).post('/api/orders/ORD-30/ndr').set(auth).send(body).expect(400);
    expect(gateway.updates).toHaveLength(0);
  });

  it('POST /:id/cancel cancels a shipment through its workflow', async () => {
    const res = await request(app).post('/api/orders/ORD-30/cancel').set(auth).send({ reason: 'customer changed mind' }).expect(200);
    expect(res.body).toEqual({ orderId: 'ORD-30', cancelled: true, status: 'cancelled' });
    expect(gateway.updates.at(-1)).toMatchObject({ name: 'cancel', req: { by: 'admin:0', reason: 'customer changed mind' } });
  });

  it('POST /:id/cancel cancels an order that never shipped in place, once', async () => {
    await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-31')).expect(201);
    await request(app).post('/api/orders/ORD-31/cancel').set(auth).send({ reason: 'out of stock' }).expect(200, { orderId: 'ORD-31', cancelled: true, status: 'cancelled' });
    await request(app).post('/api/orders/ORD-31/cancel').set(auth).send({ reason: 'out of stock' }).expect(200);
    const order = await mongo.cols.orders.findOne({ _id: 'ORD-31' });
    expect(order?.status).toBe('cancelled');
    expect(order?.statusHistory.filter((h) => h.status === 'cancelled')).toEqual([expect.objectContaining({ source: 'manual', by: 'admin:0', reason: 'out of stock' })]);
    // A cancelled order cannot ship, and nothing went to Temporal.
    await request(app).post('/api/orders/ORD-31/ship').set(auth).send({}).expect(409);
    expect(gateway.updates).toHaveLength(0);
    await request(app).post('/api/orders/NOPE/cancel').set(auth).send({ reason: 'whatever' }).expect(404);
  });

  it('GET /:id/tracking answers the live view, 404 without a workflow', async () => {
    const res = await request(app).get('/api/orders/ORD-30/tracking').set(auth).expect(200);
    expect(res.body).toMatchObject({ orderId: 'ORD-30', status: 'in_transit' });
    await request(app).get('/api/orders/NOPE/tracking').set(auth).expect(404);
  });

  it('every action requires the admin token', async () => {
    for (const path of ['sync', 'status', 'ndr', 'cancel']) await request(app).post(`/api/orders/ORD-30/${path}`).send({}).expect(401);
    await request(app).get('/api/orders/ORD-30/tracking').expect(401);
  });
});

describe('POST /api/orders/:id/ship errors', () => {
  it('refuses an order the couriers cannot book (no phone) with 422 and its code, starting nothing', async () => {
    await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-40', { customer: { name: 'No Phone' } })).expect(201);
    const res = await request(app).post('/api/orders/ORD-40/ship').set(auth).send({}).expect(422);
    expect(res.body.error.details).toEqual({ code: 'missing_phone' });
    expect(gateway.shipped).toHaveLength(0);
  });

  it.each([
    ['unserviceable', 'pincode 400064 is not serviceable by icarry'],
    ['auth_rejected', 'icarry rejected the stored credentials'],
    ['missing_weight', 'no usable weight'],
  ])('passes the booking refusal %s through as 422', async (code, message) => {
    gateway.outcome = () => ({ ok: false, code, message });
    await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-41')).expect(201);
    const res = await request(app).post('/api/orders/ORD-41/ship').set(auth).send({}).expect(422);
    expect(res.body.error).toMatchObject({ message, details: { code } });
  });

  it('answers 503 when the workflow does not answer in time; a retry joins the same shipment', async () => {
    await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-42')).expect(201);
    gateway.fail = new ShipmentGatewayError('unavailable', 'did not answer in time');
    await request(app).post('/api/orders/ORD-42/ship').set(auth).send({}).expect(503);
    gateway.fail = undefined;
    const res = await request(app).post('/api/orders/ORD-42/ship').set(auth).send({}).expect(200);
    expect(res.body.awb).toBe('AWB-ORD-42');
  });
});

describe('POST /api/orders/:id/ship/retry', () => {
  it('books again after a refused booking, with another courier, and records the new shipment', async () => {
    gateway.outcome = () => ({ ok: false, code: 'unserviceable', message: 'pincode 400064 is not serviceable by icarry' });
    await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-50')).expect(201);
    await request(app).post('/api/orders/ORD-50/ship').set(auth).send({}).expect(422);
    // The order is locked to its workflow: shipping again with another courier is refused...
    await request(app).post('/api/orders/ORD-50/ship').set(auth).send({ courierId: 'delhivery' }).expect(409);
    gateway.views.set('ORD-50', trackingView('ORD-50'));
    // ...the retry is the way.
    const res = await request(app).post('/api/orders/ORD-50/ship/retry').set(auth).set('Idempotency-Key', 'retry-0001-xyz').send({ courierId: 'delhivery' }).expect(200);
    expect(res.body).toMatchObject({ orderId: 'ORD-50', courier: 'delhivery', awb: 'AWB2-ORD-50' });
    expect(gateway.updates.at(-1)).toEqual({ orderId: 'ORD-50', name: 'retryBooking', req: { requestId: 'retry-0001-xyz', courier: 'delhivery' } });
    expect((await mongo.cols.orders.findOne({ _id: 'ORD-50' }))?.shipment).toMatchObject({ courier: 'delhivery', awb: 'AWB2-ORD-50' });
    expect(await mongo.cols.awbIndex.findOne({ _id: 'delhivery:AWB2-ORD-50' })).toMatchObject({ orderId: 'ORD-50' });
  });

  it('refuses an order that never shipped (409), an unknown one (404), and passes the workflow refusing (409)', async () => {
    await request(app).post('/api/orders').set(auth).send(sampleOrder('ORD-51')).expect(201);
    await request(app).post('/api/orders/ORD-51/ship/retry').set(auth).send({}).expect(409);
    await request(app).post('/api/orders/NOPE/ship/retry').set(auth).send({}).expect(404);
    await request(app).post('/api/orders/ORD-51/ship').set(auth).send({}).expect(200);
    gateway.fail = new ShipmentGatewayError('conflict', 'booking is booked, not failed');
    const res = await request(app).post('/api/orders/ORD-51/ship/retry').set(auth).send({}).expect(409);
    expect(res.body.error.message).toBe('booking is booked, not failed');
  });
});
