// Batch sync: per-order results that never fail as a whole, bounded in size and in concurrency.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShipmentGatewayError } from '../../src/shipments/gateway';
import { SYNC_CONCURRENCY } from '../../src/shipments/sync-orders';
import type { Mongo } from '../../src/storage/mongo';
import type { RefreshResult } from '../../src/workflows/shipment/contract';
import { auth, FakeGateway, testApp, trackingView } from '../support/api';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
beforeAll(async () => {
  mongo = await freshMongo('tracking_routes');
});
afterAll(async () => mongo.close());

describe('POST /api/tracking/sync', () => {
  it('answers one result per distinct order, in order, including the ones that failed', async () => {
    const gateway = new FakeGateway();
    gateway.views.set('A', trackingView('A', { status: 'delivered', orderStatus: 'delivered' }));
    gateway.views.set('B', trackingView('B'));
    const res = await request(testApp(mongo, gateway)).post('/api/tracking/sync').set(auth).send({ orderIds: ['A', 'NOPE', 'B', 'A'] }).expect(200);
    expect(res.body.results).toEqual([
      { orderId: 'A', success: true, statusUpdated: false, status: 'delivered', orderStatus: 'delivered' },
      { orderId: 'NOPE', success: false, statusUpdated: false, error: 'not_found: no shipment for order NOPE' },
      { orderId: 'B', success: true, statusUpdated: false, status: 'in_transit', orderStatus: 'shipped' },
    ]);
  });

  it('reports Temporal being down per order instead of failing the request', async () => {
    const gateway = new FakeGateway();
    gateway.fail = new ShipmentGatewayError('unavailable', 'Temporal is unreachable');
    const res = await request(testApp(mongo, gateway)).post('/api/tracking/sync').set(auth).send({ orderIds: ['A'] }).expect(200);
    expect(res.body.results).toEqual([{ orderId: 'A', success: false, statusUpdated: false, error: 'unavailable: Temporal is unreachable' }]);
  });

  it('asks at most a few workflows at a time', async () => {
    let inflight = 0;
    let peak = 0;
    const gateway = new FakeGateway();
    gateway.refresh = async (): Promise<RefreshResult> => {
      peak = Math.max(peak, ++inflight);
      await new Promise((r) => setImmediate(r));
      inflight--;
      return { success: true, statusUpdated: true, status: 'in_transit', orderStatus: 'shipped' };
    };
    const ids = Array.from({ length: 50 }, (_, i) => `O${i}`);
    const res = await request(testApp(mongo, gateway)).post('/api/tracking/sync').set(auth).send({ orderIds: ids }).expect(200);
    expect(res.body.results).toHaveLength(50);
    expect(peak).toBe(SYNC_CONCURRENCY);
  });

  it('refuses an empty, oversized or malformed list with 400', async () => {
    const app = testApp(mongo);
    await request(app).post('/api/tracking/sync').set(auth).send({ orderIds: [] }).expect(400);
    await request(app).post('/api/tracking/sync').set(auth).send({ orderIds: Array.from({ length: 101 }, (_, i) => `O${i}`) }).expect(400);
    await request(app).post('/api/tracking/sync').set(auth).send({ orderIds: ['bad id!'] }).expect(400);
    await request(app).post('/api/tracking/sync').send({ orderIds: ['A'] }).expect(401);
  });
});
