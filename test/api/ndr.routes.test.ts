// The NDR queue reads the shipments projection: filters, oldest first, cursor pages.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mongo } from '../../src/storage/mongo';
import type { ShipmentDoc } from '../../src/storage/types';
import { auth, testApp } from '../support/api';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
let app: ReturnType<typeof testApp>;
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

function shipment(orderId: string, over: Partial<ShipmentDoc> & { openedHoursAgo?: number; attempts?: number; reason?: ShipmentDoc['ndrReason'] } = {}): ShipmentDoc {
  const { openedHoursAgo = 1, attempts = 1, reason = 'consignee_unavailable', ...rest } = over;
  return {
    _id: orderId,
    orderId,
    workflowId: `shipment-${orderId}`,
    courier: 'delhivery',
    awb: `AWB-${orderId}`,
    status: 'undelivered',
    orderStatus: 'delivery_failed',
    ndr: { open: true, reason, rawCode: 'EOD-74', rawText: 'Consignee unavailable', attempts, openedAt: hoursAgo(openedHoursAgo), deadlineAt: hoursAgo(openedHoursAgo - 24), escalated: false },
    ndrOpen: true,
    ndrReason: reason,
    stuck: false,
    paymentMethod: 'cod',
    seq: 1,
    createdAt: hoursAgo(100),
    updatedAt: hoursAgo(1),
    ...rest,
  };
}

beforeAll(async () => {
  mongo = await freshMongo('ndr_routes');
  app = testApp(mongo);
  await mongo.cols.shipments.insertMany([
    shipment('N1', { openedHoursAgo: 30, attempts: 2 }),
    shipment('N2', { openedHoursAgo: 5, courier: 'shiprocket', reason: 'address_issue' }),
    shipment('N3', { openedHoursAgo: 50, paymentMethod: 'prepaid', attempts: 3 }),
    shipment('N4', { openedHoursAgo: 2, courier: 'icarry', reason: 'refused' }),
    { ...shipment('CLOSED'), ndrOpen: false, status: 'delivered' },
  ]);
});
afterAll(async () => mongo.close());

const ids = (body: { items: Array<{ orderId: string }> }) => body.items.map((i) => i.orderId);

describe('GET /api/ndr', () => {
  it('lists open NDRs only, oldest first, with their age', async () => {
    const res = await request(app).get('/api/ndr').set(auth).expect(200);
    expect(ids(res.body)).toEqual(['N3', 'N1', 'N2', 'N4']);
    expect(res.body.items[0]).toMatchObject({ orderId: 'N3', courier: 'delhivery', awb: 'AWB-N3', paymentMethod: 'prepaid', ndr: { reason: 'consignee_unavailable', attempts: 3 } });
    expect(res.body.items[0].ageHours).toBeCloseTo(50, 0);
    expect(res.body.nextCursor).toBeNull();
  });

  it.each([
    ['courier=shiprocket', ['N2']],
    ['reason=refused', ['N4']],
    ['minAttempts=2', ['N3', 'N1']],
    ['paymentMethod=prepaid', ['N3']],
    ['olderThanHours=24', ['N3', 'N1']],
    ['courier=delhivery&minAttempts=3', ['N3']],
  ])('filters by %s', async (q, expected) => {
    const res = await request(app).get(`/api/ndr?${q}`).set(auth).expect(200);
    expect(ids(res.body)).toEqual(expected);
  });

  it('pages with a cursor', async () => {
    const p1 = await request(app).get('/api/ndr?limit=3').set(auth).expect(200);
    expect(ids(p1.body)).toEqual(['N3', 'N1', 'N2']);
    const p2 = await request(app).get(`/api/ndr?limit=3&cursor=${p1.body.nextCursor}`).set(auth).expect(200);
    expect(ids(p2.body)).toEqual(['N4']);
    expect(p2.body.nextCursor).toBeNull();
  });

  it('refuses bad filters and cursors with 400, and strangers with 401', async () => {
    await request(app).get('/api/ndr?reason=bored').set(auth).expect(400);
    await request(app).get('/api/ndr?minAttempts=-1').set(auth).expect(400);
    const bad = await request(app).get('/api/ndr?cursor=garbage').set(auth).expect(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/^invalid cursor/) });
    await request(app).get('/api/ndr?color=red').set(auth).expect(400);
    await request(app).get('/api/ndr').expect(401);
  });
});
