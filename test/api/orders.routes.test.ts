import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Mongo } from '../../src/storage/mongo';
import { auth, FakeGateway, sampleOrder, testApp } from '../support/api';
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
    await request(app).get('/api/orders?cursor=garbage').set(auth).expect(400);
  });
});

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    await request(app).get('/readyz').expect(200);
  });
});
