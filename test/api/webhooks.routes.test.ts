// Webhook ingestion through the HTTP routes, against real MongoDB and a scriptable gateway: what is
// accepted is in the inbox before the 200 and reaches its workflow; what is refused changes nothing.
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ShipmentGatewayError } from '../../src/shipments/gateway';
import { icarryCallbackUrlToken, icarryWebhook } from '../../src/couriers/icarry';
import type { InboxRecord } from '../../src/storage/inbox-repo';
import type { Mongo } from '../../src/storage/mongo';
import { WebhookIngestor } from '../../src/webhooks/ingest';
import { webhookAuthFor } from '../../src/webhooks/auth-settings';
import { auth, FakeGateway, scanBody, TEST_TOKEN_HEADER, testModules, testStack } from '../support/api';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
let s: ReturnType<typeof testStack>;
let gateway: FakeGateway;
const TOKEN = 'courier-webhook-token-0001';
const scan = (awb: string, code = 'IT', at = '2025-01-02T10:00:00.000Z') => ({ awb, code, status: 'in_transit' as const, at });

beforeAll(async () => {
  mongo = await freshMongo('webhooks_routes');
});
afterAll(async () => mongo.close());
beforeEach(async () => {
  await Promise.all([mongo.cols.inbox.deleteMany({}), mongo.cols.awbIndex.deleteMany({}), mongo.cols.couriers.deleteMany({})]);
  gateway = new FakeGateway();
  s = testStack(mongo, { gateway });
  for (const c of ['shiprocket', 'delhivery', 'icarry'] as const) {
    await s.courierSettings.put(c, { provider: c, enabled: false, webhookSecret: TOKEN, apiKey: TOKEN, fields: {} }, 'test');
  }
  await s.awbs.register('delhivery', 'AWB1', 'ORD-1');
});
afterEach(async () => s.pipeline.stop());

const post = (path: string, body: string, token: string | null = TOKEN) => {
  const r = request(s.app).post(path).set('Content-Type', 'application/json');
  return (token === null ? r : r.set(TEST_TOKEN_HEADER, token)).send(body);
};

describe('accepting a webhook', () => {
  it('writes it to the inbox before answering, then signals the workflow of its AWB', async () => {
    const res = await post('/api/webhooks/courier/delhivery', scanBody(scan('AWB1'))).expect(200);
    expect(res.body).toEqual({ ok: true, id: expect.stringMatching(/^[0-9a-f]{64}$/), duplicate: false, events: 1 });
    // In the inbox already when the 200 arrived (delivery may still be in flight).
    expect(await mongo.cols.inbox.countDocuments()).toBe(1);
    await s.ingestor.idle();
    expect(gateway.signals).toHaveLength(1);
    expect(gateway.signals[0]).toMatchObject({ orderId: 'ORD-1', signal: { source: 'webhook', events: [{ awb: 'AWB1', rawCode: 'IT' }] } });
    const doc = await mongo.cols.inbox.findOne({});
    expect(doc).toMatchObject({ courier: 'delhivery', endpoint: '/api/webhooks/courier/delhivery', status: 'delivered', deliveries: [{ awb: 'AWB1', orderId: 'ORD-1', status: 'delivered' }] });
    expect(gateway.signals[0]!.signal.inboxId).toBe(doc!._id);
    expect(res.body.id).toBe(doc!._id);
  });

  it('takes copies of one delivery written at the same moment: one is new, the rest are duplicates, none fails', async () => {
    const at = new Date().toISOString();
    const doc = (): InboxRecord => ({ _id: 'race-1', courier: 'delhivery', endpoint: '/x', receivedAt: at, rawBody: '{}', deliveries: [{ awb: 'AWB1', status: 'pending', attempts: 0, events: [] }], status: 'pending', attempts: 0, nextAttemptAt: at, updatedAt: at });
    for (let round = 0; round < 5; round++) {
      await Promise.all([mongo.cols.inbox.deleteMany({}), mongo.db.collection('webhook_inbox_queue').deleteMany({})]);
      const fresh = await Promise.all(Array.from({ length: 8 }, () => s.inbox.insert(doc())));
      expect(fresh.filter(Boolean)).toHaveLength(1);
    }
    expect(await mongo.db.collection('webhook_inbox_queue').countDocuments()).toBe(1);
  });

  it('acknowledges a resend as a duplicate and does not process it again', async () => {
    const body = scanBody(scan('AWB1'));
    await post('/api/webhooks/courier/delhivery', body).expect(200);
    const again = await post('/api/webhooks/courier/delhivery', body).expect(200);
    expect(again.body.duplicate).toBe(true);
    await s.ingestor.idle();
    expect(await mongo.cols.inbox.countDocuments()).toBe(1);
    expect(gateway.signals).toHaveLength(1);
  });

  it('splits a batch across AWBs and orders', async () => {
    await s.awbs.register('delhivery', 'AWB2', 'ORD-2');
    await post('/api/webhooks/courier/delhivery', scanBody(scan('AWB1'), scan('AWB2'), scan('AWB1', 'OFD', '2025-01-03T08:00:00.000Z'))).expect(200);
    await s.ingestor.idle();
    const byOrder = Object.fromEntries(gateway.signals.map((g) => [g.orderId, g.signal.events.map((e) => e.rawCode)]));
    expect(byOrder).toEqual({ 'ORD-1': ['IT', 'OFD'], 'ORD-2': ['IT'] });
  });

  it('routes each path to its courier (Shiprocket alias, named paths, iCarry callbacks, generic)', async () => {
    const cases = [
      ['/api/webhooks/courier/rocket', 'shiprocket'],
      ['/api/webhooks/courier/shiprocket', 'shiprocket'],
      ['/api/webhooks/courier/delhivery', 'delhivery'],
      ['/api/webhooks/shipping-updates', 'icarry'],
      ['/api/webhooks/ndr-updates', 'icarry'],
      ['/api/webhooks/courier/icarry', 'icarry'],
    ] as const;
    for (const [i, [path]] of cases.entries()) await post(path, scanBody(scan(`X${i}`))).expect(200);
    const docs = await mongo.cols.inbox.find({}).toArray();
    expect(Object.fromEntries(docs.map((d) => [d.endpoint, d.courier]))).toEqual(Object.fromEntries(cases));
  });
});

describe('refusing a webhook changes nothing', () => {
  it('401 for a wrong or missing token, and for a courier with no secret configured', async () => {
    await post('/api/webhooks/courier/delhivery', scanBody(scan('AWB1')), 'wrong-token').expect(401);
    await post('/api/webhooks/courier/delhivery', scanBody(scan('AWB1')), null).expect(401);
    await mongo.cols.couriers.deleteMany({});
    await post('/api/webhooks/courier/delhivery', scanBody(scan('AWB1'))).expect(401);
    expect(await mongo.cols.inbox.countDocuments()).toBe(0);
    expect(gateway.signals).toHaveLength(0);
  });

  it('400 for a body the courier module cannot read', async () => {
    const res = await post('/api/webhooks/courier/delhivery', '{"scans": ').expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    await post('/api/webhooks/courier/delhivery', '{"nothing":1}').expect(400);
    expect(await mongo.cols.inbox.countDocuments()).toBe(0);
  });

  it('413 for a body over the limit, before authentication or parsing', async () => {
    const small = testStack(mongo, { gateway, maxBodyBytes: 1024 });
    const big = scanBody(...Array.from({ length: 40 }, (_, i) => scan(`AWB${i}`)));
    expect(big.length).toBeGreaterThan(1024);
    const res = await request(small.app).post('/api/webhooks/courier/delhivery').set(TEST_TOKEN_HEADER, TOKEN).set('Content-Type', 'application/json').send(big).expect(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(await mongo.cols.inbox.countDocuments()).toBe(0);
  });

  it('404 for a courier Waybill does not know, on the generic route', async () => {
    await post('/api/webhooks/courier/fedex', scanBody(scan('AWB1'))).expect(404);
    expect(await mongo.cols.inbox.countDocuments()).toBe(0);
  });

  it('rate limits an address that keeps failing, never one whose webhooks are accepted', async () => {
    const limited = testStack(mongo, { gateway, rateLimitPerMinute: 3 });
    for (let i = 0; i < 5; i++) {
      await request(limited.app).post('/api/webhooks/courier/delhivery').set(TEST_TOKEN_HEADER, TOKEN).set('Content-Type', 'application/json').send(scanBody(scan('AWB1', `C${i}`))).expect(200);
    }
    for (let i = 0; i < 3; i++) await request(limited.app).post('/api/webhooks/courier/delhivery').set(TEST_TOKEN_HEADER, 'bad').send('{}').expect(401);
    const res = await request(limited.app).post('/api/webhooks/courier/delhivery').set(TEST_TOKEN_HEADER, TOKEN).set('Content-Type', 'application/json').send(scanBody(scan('AWB1', 'late'))).expect(429);
    expect(res.body.error.code).toBe('rate_limited');
    await limited.ingestor.idle();
  });

  it('logs rejections without the token or the body', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
    const ingestor = new WebhookIngestor({
      modules: { icarry: icarryWebhook },
      auth: async (c) => webhookAuthFor(c, await s.courierSettings.getDecrypted(c)),
      committer: s.pipeline.committer,
      log,
      backlog: () => 0,
      maxBacklog: 1,
    });
    const body = JSON.stringify({ callback_type: 'sync_status', awb: 'AWB9', status: 3, token: 'guessed-secret-value' });
    const out = await ingestor.accept({ courier: 'icarry', endpoint: '/x', headers: { 'x-api-key': 'header-secret-value' }, rawBody: Buffer.from(body), receivedAt: Date.now() });
    expect(out.kind).toBe('unauthenticated');
    expect(lines.join('')).toContain('webhook rejected');
    expect(lines.join('')).not.toMatch(/guessed-secret-value|header-secret-value|AWB9/);
  });
});

describe('acks that do not wait for deliveries', () => {
  it('acknowledges a burst while the workflows are slow, then delivers every webhook once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    gateway.gate = gate;
    const outs = await Promise.all(['A', 'B', 'C', 'D'].map((code) => post('/api/webhooks/courier/delhivery', scanBody(scan('AWB1', code)))));
    expect(outs.map((o) => o.status)).toEqual([200, 200, 200, 200]);
    // Durable before the acks, none delivered yet: the signals are held at the gate.
    expect(await mongo.cols.inbox.countDocuments()).toBe(4);
    expect(gateway.signals).toHaveLength(0);
    expect(s.drainer.backlog()).toBe(4);
    release();
    await s.ingestor.idle();
    expect(gateway.signals.flatMap((g) => g.signal.events.map((e) => e.rawCode)).sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(await mongo.cols.inbox.countDocuments({ status: 'delivered' })).toBe(4);
    expect(s.drainer.backlog()).toBe(0);
  });

  it('sheds with 503 + Retry-After only once the stored backlog reaches its bound, storing nothing', async () => {
    const small = testStack(mongo, { gateway, maxBacklog: 2 });
    let release!: () => void;
    gateway.gate = new Promise<void>((r) => (release = r));
    const send = (code: string) => request(small.app).post('/api/webhooks/courier/delhivery').set(TEST_TOKEN_HEADER, TOKEN).set('Content-Type', 'application/json').send(scanBody(scan('AWB1', code)));
    await send('A').expect(200);
    await send('B').expect(200);
    const shed = await send('C').expect(503);
    expect(Number(shed.headers['retry-after'])).toBeGreaterThan(0);
    expect(await mongo.cols.inbox.countDocuments()).toBe(2);
    release();
    await small.ingestor.idle();
    await send('C').expect(200);
    await small.ingestor.idle();
    expect(gateway.signals.flatMap((g) => g.signal.events.map((e) => e.rawCode)).sort()).toEqual(['A', 'B', 'C']);
    await small.pipeline.stop();
  });

  it('recognises each copy of a webhook in one group commit: one is new, the others duplicates', async () => {
    const body = scanBody(scan('AWB1', 'SAME'));
    const outs = await Promise.all(Array.from({ length: 6 }, () => post('/api/webhooks/courier/delhivery', body)));
    expect(outs.map((o) => o.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(outs.filter((o) => o.body.duplicate === false)).toHaveLength(1);
    await s.ingestor.idle();
    expect(gateway.signals).toHaveLength(1);
    expect(await mongo.cols.inbox.countDocuments()).toBe(1);
  });
});

describe('the inbox keeps what could not be delivered yet', () => {
  it('an unknown AWB waits as unmatched and is delivered once the AWB is known', async () => {
    await post('/api/webhooks/courier/delhivery', scanBody(scan('LATER1'))).expect(200);
    await s.ingestor.idle();
    expect(await mongo.cols.inbox.findOne({})).toMatchObject({ status: 'unmatched', deliveries: [{ awb: 'LATER1', status: 'unmatched' }] });
    expect(gateway.signals).toHaveLength(0);

    await s.awbs.register('delhivery', 'LATER1', 'ORD-9');
    expect(await s.inbox.expedite('delhivery', 'LATER1')).toBe(1);
    await s.relay.runOnce();
    expect(gateway.signals.map((g) => g.orderId)).toEqual(['ORD-9']);
    expect(await mongo.cols.inbox.findOne({})).toMatchObject({ status: 'delivered' });
  });

  it('shipping an order makes its AWB known to waiting webhooks at once', async () => {
    await post('/api/webhooks/courier/icarry', scanBody(scan('AWB-ORD-20'))).expect(200);
    await s.ingestor.idle();
    await request(s.app).post('/api/orders').set(auth).send(orderBody('ORD-20')).expect(201);
    await request(s.app).post('/api/orders/ORD-20/ship').set(auth).send({ courierId: 'icarry' }).expect(200);
    expect(await mongo.cols.awbIndex.findOne({ _id: 'icarry:AWB-ORD-20' })).toMatchObject({ orderId: 'ORD-20' });
    // Due now (not after its backoff): the next relay pass delivers it.
    await s.relay.runOnce();
    expect(gateway.signals.map((g) => g.orderId)).toEqual(['ORD-20']);
  });

  it('accepts while Temporal is unreachable; the journal delivers once it is back', async () => {
    gateway.fail = new ShipmentGatewayError('unavailable', 'Temporal is unreachable');
    await post('/api/webhooks/courier/delhivery', scanBody(scan('AWB1'))).expect(200);
    await vi.waitFor(() => expect(gateway.attempts).toBeGreaterThan(0));
    expect(await mongo.cols.inbox.findOne({})).toMatchObject({ status: 'pending' });
    expect(s.drainer.backlog()).toBe(1);
    gateway.fail = undefined;
    await s.ingestor.idle();
    expect(gateway.signals).toHaveLength(1);
    expect(await mongo.cols.inbox.findOne({})).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('a relay retry after a failed signal still gets through (the retry queue)', async () => {
    gateway.fail = new ShipmentGatewayError('invalid', 'boom');
    await post('/api/webhooks/courier/delhivery', scanBody(scan('AWB1'))).expect(200);
    await s.ingestor.idle();
    expect(await mongo.cols.inbox.findOne({})).toMatchObject({ status: 'pending', deliveries: [{ status: 'pending', lastError: 'delivery failed' }] });
    gateway.fail = undefined;
    await waitDue();
    await s.relay.runOnce();
    expect(gateway.signals).toHaveLength(1);
    expect(await mongo.cols.inbox.findOne({})).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('stops trying for a shipment that has finished', async () => {
    gateway.finished.add('ORD-1');
    await post('/api/webhooks/courier/delhivery', scanBody(scan('AWB1'))).expect(200);
    await s.ingestor.idle();
    expect(await mongo.cols.inbox.findOne({})).toMatchObject({ status: 'rejected', deliveries: [{ status: 'rejected' }] });
  });
});

describe('secrets never reach the inbox in clear', () => {
  it("scrubs iCarry's API key from the stored body, and authenticates its NDR batch by the URL token", async () => {
    const ic = testStack(mongo, { gateway, modules: { icarry: icarryWebhook } });
    const key = 'icarry-live-api-key-123';
    await ic.courierSettings.put('icarry', { provider: 'icarry', enabled: false, apiKey: key, fields: {} }, 'test');
    await request(ic.app).post('/api/webhooks/shipping-updates').type('form').send(`client_name=icarry&callback_type=sync_status&awb=AWB1&status=3&token=${key}`).expect(200);
    const ndr = JSON.stringify({ client_name: 'icarry', callback_type: 'ndr_status', ndr_data: [{ shipment_id: 1, awb: 'AWB1', type: 'REATTEMPT-CONTACT', date_added: '23/01/2025' }] });
    await request(ic.app).post('/api/webhooks/ndr-updates').set('Content-Type', 'application/json').send(ndr).expect(401);
    await request(ic.app).post(`/api/webhooks/ndr-updates?token=${icarryCallbackUrlToken(key)}`).set('Content-Type', 'application/json').send(ndr).expect(200);
    // The right key with a truncated body: 400 (the sender's body is broken), not 401; nothing stored.
    const truncated = JSON.stringify({ client_name: 'icarry', callback_type: 'sync_status', awb: 'AWB1', status: 3, token: key }).slice(0, -1);
    const bad = await request(ic.app).post('/api/webhooks/shipping-updates').set('Content-Type', 'application/json').send(truncated).expect(400);
    expect(bad.body.error.code).toBe('validation_failed');
    await request(ic.app).post('/api/webhooks/shipping-updates').set('Content-Type', 'application/json').send(truncated.replace(key, 'wrong-key-000000000000')).expect(401);
    await ic.ingestor.idle();
    const docs = await mongo.cols.inbox.find({}).toArray();
    expect(docs).toHaveLength(2);
    expect(JSON.stringify(docs)).not.toContain(key);
    expect(docs.map((d) => d.endpoint).sort()).toEqual(['/api/webhooks/ndr-updates', '/api/webhooks/shipping-updates']);
  });
});

/** Waits until the inbox's earliest retry is due (backoff in these tests is tens of milliseconds). */
async function waitDue(): Promise<void> {
  const doc = await mongo.cols.inbox.findOne({}, { sort: { nextAttemptAt: 1 } });
  const wait = doc ? Date.parse(doc.nextAttemptAt) - Date.now() : 0;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait + 5));
}

function orderBody(id: string) {
  return {
    id,
    customer: { name: 'A Kumar', phone: '9876543210' },
    shippingAddress: { address1: '12 Example Street', city: 'Mumbai', state: 'Maharashtra', pincode: '400064' },
    items: [{ name: 'Tea', sku: 'TEA', quantity: 1, unitPrice: 100, weight: '500g' }],
    paymentMethod: 'prepaid',
  };
}
