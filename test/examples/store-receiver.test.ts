// The example store receiver against the real FerretDB: signed store events, derived from a shipment's
// life by the same function the workflow uses (storeEventsSince), are applied to the store's `orders`
// document in order and exactly once; a request that does not verify is 400 and changes nothing.
import type { Db } from 'mongodb';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver, WEBHOOK_PATH, type StoreOrder } from '../../examples/store-receiver/receiver';
import { initialStoreEventMarks, storeEventBody, storeEventsSince, type StoreEvent, type StoreEventSource } from '../../src/domain/store-events';
import { generateSecret, signatureHeaders } from '../../src/lib/standard-webhooks';
import type { Mongo } from '../../src/storage/mongo';
import { freshMongo } from '../support/mongo';

const NOW = new Date('2026-03-02T12:00:00.000Z');
const SECRET = generateSecret();
const OLD_SECRET = generateSecret();

let mongo: Mongo;
/** The store's own database: not Waybill's (whose `orders` has its own schema). */
let storeDb: Db;
let app: ReturnType<typeof createReceiver>;

beforeAll(async () => {
  mongo = await freshMongo('store_receiver');
  storeDb = mongo.client.db(`${mongo.db.databaseName}_store`);
  app = createReceiver({ db: storeDb, secrets: [SECRET, OLD_SECRET], now: () => NOW });
});
afterAll(async () => {
  await storeDb?.dropDatabase().catch(() => {});
  await mongo?.close();
});

const orderDoc = (id: string) => storeDb.collection<StoreOrder>('orders').findOne({ _id: id });

/** A shipment's life, step by step, as the state the workflow derives store events from. */
function lifeOf(orderId: string): StoreEvent[][] {
  const t = (m: number) => new Date(Date.parse('2026-03-01T08:00:00.000Z') + m * 60_000).toISOString();
  const scans: StoreEventSource['machine']['events'] = [];
  const transitions: StoreEventSource['machine']['transitions'] = [];
  let status: StoreEventSource['machine']['status'] = 'pending';
  let ndr: StoreEventSource['ndr'];
  const s = (): StoreEventSource => ({
    orderId,
    courier: 'delhivery',
    trackingPageUrl: `https://track.example/o/${orderId}?sig=abc`,
    booking: { state: 'booked', awb: 'AWB-777', trackingUrl: 'https://delhivery.example/t/AWB-777', bookedAt: t(0) },
    machine: { status, events: [...scans], transitions: [...transitions] },
    ...(ndr ? { ndr: { ...ndr } } : {}),
  });
  const move = (to: typeof status, m: number, scan?: { code: string; label: string; location: string }) => {
    const key = `k${scans.length + 1}`;
    if (scan) scans.push({ key, rawCode: scan.code, rawLabel: scan.label, description: '', location: scan.location });
    transitions.push({ from: status, to, source: scan ? 'webhook' : 'booking', at: t(m), recordedAt: t(m + 1), ...(scan ? { eventKey: key } : {}) });
    status = to;
  };
  let marks = initialStoreEventMarks();
  const steps: StoreEvent[][] = [];
  const step = (m: number, change: () => void) => {
    change();
    const r = storeEventsSince(s(), marks, t(m + 2));
    marks = r.marks;
    steps.push(r.events);
  };
  step(0, () => move('booked', 0));
  step(60, () => move('picked_up', 60, { code: 'PU', label: 'Picked up', location: 'Mumbai Hub' }));
  step(600, () => move('in_transit', 600, { code: 'IT', label: 'In transit', location: 'Pune Gateway' }));
  step(1400, () => move('out_for_delivery', 1400, { code: 'OFD', label: 'Out for delivery', location: 'Pune DC' }));
  step(1500, () => {
    move('undelivered', 1500, { code: 'EOD-11', label: 'Consignee unavailable', location: 'Pune DC' });
    ndr = { open: true, reason: 'consignee_unavailable', rawCode: 'EOD-11', rawText: 'Consignee unavailable', attempts: 1, openedAt: t(1501), deadlineAt: t(2940) };
  });
  step(1600, () => {
    ndr = { ...ndr!, resolution: { action: { type: 'reattempt' }, by: 'customer', at: t(1600), sentToCourier: true, courierReference: 'DLV-REF-1' } };
  });
  step(2800, () => {
    move('out_for_delivery', 2800, { code: 'OFD', label: 'Out for delivery', location: 'Pune DC' });
    ndr = { ...ndr!, open: false };
  });
  step(2900, () => move('delivered', 2900, { code: 'DL', label: 'Delivered', location: 'Pune' }));
  return steps;
}

function post(e: StoreEvent, o: { secrets?: string[]; body?: string; timestamp?: Date; headers?: Record<string, string | undefined> } = {}) {
  const body = storeEventBody(e);
  const signed = signatureHeaders({ id: e.id, timestamp: o.timestamp ?? NOW, body, secrets: o.secrets ?? [SECRET] });
  const headers = { ...signed, ...o.headers };
  let req = request(app).post(WEBHOOK_PATH).set('content-type', 'application/json');
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) req = req.set(k, v);
  return req.send(o.body ?? body);
}

async function deliver(events: StoreEvent[], times = 1): Promise<string[]> {
  const outcomes: string[] = [];
  for (const e of events) {
    for (let i = 0; i < times; i++) {
      const res = await post(e);
      expect(res.status, `${e.id} ${JSON.stringify(res.body)}`).toBe(200);
      outcomes.push(res.body.outcome);
    }
  }
  return outcomes;
}

/** The document for another order id, with that id written as `as` (to compare two orders' documents). */
const renamed = (doc: StoreOrder | null, from: string, as: string) => JSON.parse(JSON.stringify(doc).replaceAll(from, as)) as StoreOrder;

describe('the example store receiver', () => {
  it('applies a shipment life in order: booking, status changes to delivered, an NDR opened, answered and resolved', async () => {
    const steps = lifeOf('ORD-A');
    const all = steps.flat();
    expect(all.map((e) => e.sequence)).toEqual(all.map((_, i) => i + 1));
    expect(all.map((e) => e.type)).toEqual([
      'shipment.booked',
      'shipment.status_changed',
      'shipment.status_changed',
      'shipment.status_changed',
      'shipment.status_changed',
      'shipment.status_changed',
      'ndr.opened',
      'ndr.answered',
      'shipment.status_changed',
      'ndr.resolved',
      'shipment.status_changed',
      'shipment.delivered',
    ]);

    await deliver(steps[0]!);
    expect(await orderDoc('ORD-A')).toMatchObject({
      status: 'shipped',
      label: { courier: 'delhivery', awb: 'AWB-777', trackingUrl: 'https://delhivery.example/t/AWB-777', trackingPageUrl: 'https://track.example/o/ORD-A?sig=abc' },
      lastSequence: 2,
    });

    await deliver(steps.slice(1, 5).flat());
    const ndrOpen = await orderDoc('ORD-A');
    expect(ndrOpen).toMatchObject({ status: 'delivery_failed', label: { courierStatus: 'Consignee unavailable', location: 'Pune DC' }, lastSequence: 7 });
    expect(ndrOpen?.ndr).toEqual({
      open: true,
      reason: 'consignee_unavailable',
      courierReasonCode: 'EOD-11',
      courierReasonText: 'Consignee unavailable',
      attempts: 1,
      openedAt: all[6]!.occurredAt,
      deadlineAt: '2026-03-03T09:00:00.000Z',
    });

    await deliver(steps.slice(5).flat());
    const doc = await orderDoc('ORD-A');
    const last = all[all.length - 1]!;
    expect(doc).toEqual({
      _id: 'ORD-A',
      status: 'delivered',
      lastSequence: 12,
      updatedAt: NOW.toISOString(),
      label: {
        courier: 'delhivery',
        awb: 'AWB-777',
        trackingUrl: 'https://delhivery.example/t/AWB-777',
        trackingPageUrl: 'https://track.example/o/ORD-A?sig=abc',
        courierStatus: 'Delivered',
        location: 'Pune',
        lastSyncAt: last.occurredAt,
      },
      ndr: {
        open: false,
        reason: 'consignee_unavailable',
        courierReasonCode: 'EOD-11',
        courierReasonText: 'Consignee unavailable',
        attempts: 1,
        openedAt: all[6]!.occurredAt,
        deadlineAt: '2026-03-03T09:00:00.000Z',
        answer: { action: 'reattempt', by: 'customer', sentToCourier: true, courierReference: 'DLV-REF-1', at: all[7]!.occurredAt },
        resolvedAt: all[9]!.occurredAt,
        resolvedStatus: 'out_for_delivery',
      },
      statusLog: expect.any(Array),
    });
    expect(doc!.statusLog!.map((l) => [l.type, l.from, l.to, l.orderStatus, l.source, l.courierStatus ?? null, l.location ?? null, l.eventId])).toEqual([
      ['shipment.status_changed', 'pending', 'booked', 'shipped', 'booking', null, null, 'ORD-A:e2'],
      ['shipment.status_changed', 'booked', 'picked_up', 'shipped', 'webhook', 'Picked up', 'Mumbai Hub', 'ORD-A:e3'],
      ['shipment.status_changed', 'picked_up', 'in_transit', 'shipped', 'webhook', 'In transit', 'Pune Gateway', 'ORD-A:e4'],
      ['shipment.status_changed', 'in_transit', 'out_for_delivery', 'out_for_delivery', 'webhook', 'Out for delivery', 'Pune DC', 'ORD-A:e5'],
      ['shipment.status_changed', 'out_for_delivery', 'undelivered', 'delivery_failed', 'webhook', 'Consignee unavailable', 'Pune DC', 'ORD-A:e6'],
      ['shipment.status_changed', 'undelivered', 'out_for_delivery', 'out_for_delivery', 'webhook', 'Out for delivery', 'Pune DC', 'ORD-A:e9'],
      ['shipment.status_changed', 'out_for_delivery', 'delivered', 'delivered', 'webhook', 'Delivered', 'Pune', 'ORD-A:e11'],
      ['shipment.delivered', 'out_for_delivery', 'delivered', 'delivered', 'webhook', 'Delivered', 'Pune', 'ORD-A:e12'],
    ]);
    expect(doc!.statusLog![6]!.at).toBe('2026-03-03T08:20:00.000Z');
  });

  it('applies each event once when each is delivered twice, and a late retry of an old one changes nothing', async () => {
    const once = lifeOf('ORD-B1').flat();
    const twice = lifeOf('ORD-B2').flat();
    await deliver(once);
    const outcomes = await deliver(twice, 2);
    expect(outcomes).toEqual(twice.flatMap(() => ['applied', 'duplicate']));
    const expected = await orderDoc('ORD-B1');
    expect(renamed(await orderDoc('ORD-B2'), 'ORD-B2', 'ORD-B1')).toEqual(expected);
    expect(expected!.statusLog).toHaveLength(8);

    for (const old of [twice[0]!, twice[5]!, twice[11]!]) {
      const res = await post(old);
      expect(res.status).toBe(200);
      expect(res.body.outcome).toBe('duplicate');
    }
    expect(renamed(await orderDoc('ORD-B2'), 'ORD-B2', 'ORD-B1')).toEqual(expected);
  });

  it('applies once a retry that arrives while the first attempt is still being applied', async () => {
    const events = lifeOf('ORD-C').flat();
    for (const e of events) {
      const results = await Promise.all([post(e), post(e), post(e)]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(results.map((r) => r.body.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    }
    const doc = await orderDoc('ORD-C');
    expect(doc!.statusLog).toHaveLength(8);
    expect(doc!.lastSequence).toBe(12);
  });

  it('a request that does not verify is 400 and changes nothing; the genuine event still applies after it', async () => {
    const events = lifeOf('ORD-D').flat();
    await deliver(events.slice(0, 5));
    const before = await orderDoc('ORD-D');
    const next = events[5]!;
    const genuine = storeEventBody(next);
    const forged = [
      { why: 'another secret', o: { secrets: [generateSecret()] } },
      { why: 'forged body', o: { body: genuine.replace('delivery_failed', 'delivered') } },
      { why: 'signature header dropped', o: { headers: { 'webhook-signature': undefined } } },
      { why: 'forged signature', o: { headers: { 'webhook-signature': 'v1,' + Buffer.alloc(32).toString('base64') } } },
      { why: 'replayed an hour later', o: { timestamp: new Date(NOW.getTime() - 3_600_000) } },
      { why: 'from the future', o: { timestamp: new Date(NOW.getTime() + 3_600_000) } },
      { why: 'id moved to another event', o: { headers: { 'webhook-id': events[6]!.id } } },
    ];
    for (const f of forged) {
      const res = await post(next, f.o);
      expect(res.status, f.why).toBe(400);
      expect(res.body.error, f.why).toBe('invalid_signature');
    }
    // A forged event for an order the store never heard of creates nothing either.
    const unknown = { ...lifeOf('ORD-NEW').flat()[0]! };
    expect((await post(unknown, { secrets: [generateSecret()] })).status).toBe(400);
    expect(await orderDoc('ORD-NEW')).toBeNull();
    expect(await orderDoc('ORD-D')).toEqual(before);

    const res = await post(next);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('applied');
    expect((await orderDoc('ORD-D'))!.status).toBe('delivery_failed');
  });

  it('accepts the previous secret during a rotation, and events whose sequence skips numbers (types not subscribed)', async () => {
    const statusOnly = lifeOf('ORD-E')
      .flat()
      .filter((e) => e.type === 'shipment.status_changed' || e.type === 'shipment.booked');
    expect(statusOnly.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 9, 11]);
    for (const [i, e] of statusOnly.entries()) {
      const res = await post(e, { secrets: i % 2 ? [OLD_SECRET] : [SECRET, OLD_SECRET] });
      expect(res.status).toBe(200);
      expect(res.body.outcome).toBe('applied');
    }
    const doc = await orderDoc('ORD-E');
    expect(doc).toMatchObject({ status: 'delivered', lastSequence: 11 });
    expect(doc!.ndr).toBeUndefined();
    expect(doc!.statusLog).toHaveLength(7);
  });

  it('refuses a payload version it does not know without taking its sequence, and a signed body that is no event', async () => {
    const [booked] = lifeOf('ORD-F').flat();
    const res = await post({ ...booked!, version: 2 });
    expect(res.status).toBe(422);
    expect(await orderDoc('ORD-F')).toBeNull();
    for (const body of ['null', '[]', '{"orderId":"ORD-F","sequence":0}', 'not json']) {
      const headers = signatureHeaders({ id: 'x', timestamp: NOW, body, secrets: [SECRET] });
      const r = await request(app).post(WEBHOOK_PATH).set(headers).set('content-type', 'application/json').send(body);
      expect(r.status, body).toBe(400);
    }
    expect(await orderDoc('ORD-F')).toBeNull();
  });
});
