// The store integration end to end on the real servers: the run's Temporal dev server and FerretDB,
// the real workflow and activities, the courier simulators pushing webhooks, and the example store
// receiver (examples/store-receiver) applying signed store events to the store's own `orders`
// collection in its own database.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StoreEvent } from '../../src/domain/store-events';
import type { Mongo } from '../../src/storage/mongo';
import { createReceiver, WEBHOOK_PATH, type StoreOrder } from '../../examples/store-receiver/receiver';
import { auth, sampleOrder } from '../support/api';
import { eventually, isolatedNamespace, startSims, startWaybill, type Sims, type Waybill } from '../support/full-stack';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
let storeDb: Mongo;
let sims: Sims;
let wb: Waybill;
const secret = `whsec_${randomBytes(32).toString('base64')}`;
let endpointId: string;

// The store's receiver, with a count of what reached it; stopped and started again on the same port.
let receiver: Server | undefined;
let port = 0;
let requests = 0;
async function startReceiver(): Promise<void> {
  const app = express();
  app.use((_req, _res, next) => {
    requests += 1;
    next();
  });
  app.use(createReceiver({ db: storeDb.db, secrets: [secret] }));
  receiver = app.listen(port, '127.0.0.1');
  await new Promise<void>((r, j) => receiver!.once('listening', r).once('error', j));
  port = (receiver.address() as AddressInfo).port;
}
async function stopReceiver(): Promise<void> {
  const s = receiver;
  receiver = undefined;
  s?.closeAllConnections();
  await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
}

beforeAll(async () => {
  const address = inject('temporalAddress');
  [mongo, storeDb, sims] = await Promise.all([freshMongo('fullstack_store_events'), freshMongo('store_receiver'), startSims()]);
  wb = await startWaybill({ temporalAddress: address, namespace: await isolatedNamespace(address, 'store-events'), mongo, sims, storeWebhookRetry: { initialMs: 250, maxMs: 2_000 } });
  sims.pushTo(wb.url);
  await startReceiver();
  const created = await request(wb.app)
    .post('/api/admin/store-webhooks')
    .set(auth)
    .send({ url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`, secret, description: 'the store' })
    .expect(201);
  endpointId = created.body.id as string;
  expect(JSON.stringify(created.body)).not.toContain(secret.slice(6));
}, 240_000);
afterAll(async () => {
  await stopReceiver();
  await wb?.stop();
  await sims?.close();
  await mongo?.close();
  await storeDb?.close();
});

let seq = 0;
async function shipOne(): Promise<{ orderId: string; awb: string }> {
  const orderId = `FS-SE-${process.pid}-${++seq}`;
  await request(wb.app).post('/api/orders').set(auth).send(sampleOrder(orderId)).expect(201);
  const res = await request(wb.app).post(`/api/orders/${orderId}/ship`).set(auth).send({ courierId: 'delhivery' }).expect(200);
  return { orderId, awb: res.body.awb as string };
}

const orderStatus = async (orderId: string) => (await request(wb.app).get(`/api/orders/${orderId}`).set(auth).expect(200)).body.status as string;
const storeOrder = (orderId: string) => storeDb.db.collection<StoreOrder>('orders').findOne({ _id: orderId });

/** Every event of one order, through the catch-up API. */
async function eventsOf(orderId: string): Promise<StoreEvent[]> {
  const out: StoreEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const res = await request(wb.app)
      .get('/api/events')
      .query({ orderId, limit: 5, ...(after ? { after } : {}) })
      .set(auth)
      .expect(200);
    out.push(...(res.body.items as StoreEvent[]));
    after = res.body.next as string;
    if (!res.body.hasMore) return out;
  }
}

/** The store's order document has every event Waybill recorded for the order, each once, in order. */
async function storeCaughtUp(orderId: string): Promise<{ doc: StoreOrder; events: StoreEvent[] }> {
  return eventually(
    `the store's order ${orderId} to have every event`,
    async () => {
      const events = await eventsOf(orderId);
      const doc = await storeOrder(orderId);
      const last = events.at(-1);
      return doc && last && doc.lastSequence === last.sequence && doc.status === 'delivered' ? { doc, events } : undefined;
    },
    60_000,
  );
}

describe('store events to the store’s own system', () => {
  it('ship → courier webhooks → the store’s orders document reaches delivered with the full status log, each event once, in order', async () => {
    const { orderId, awb } = await shipOne();
    await sims.advance(60);
    await eventually('delivered in Waybill', async () => ((await orderStatus(orderId)) === 'delivered' ? true : undefined));
    const { doc, events } = await storeCaughtUp(orderId);

    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({ type: 'shipment.booked', data: { awb, courier: 'delhivery' } });
    expect(events.at(-1)).toMatchObject({ type: 'shipment.delivered' });
    const statusEvents = events.filter((e) => e.type === 'shipment.status_changed');
    // The log holds every status event, in the order Waybill recorded them, each once.
    const logged = (doc.statusLog ?? []).filter((l) => l.type === 'shipment.status_changed').map((l) => l.eventId);
    expect(logged).toEqual(statusEvents.map((e) => e.id));
    expect(doc.label).toMatchObject({ courier: 'delhivery', awb });
    expect(doc.status).toBe('delivered');
    // Waybill's record of each delivery to the endpoint.
    const deliveries = (await request(wb.app).get(`/api/admin/store-webhooks/${endpointId}/deliveries?limit=200`).set(auth).expect(200)).body.items as Array<{ event: StoreEvent; delivery?: { status: string } }>;
    const mine = deliveries.filter((d) => d.event.orderId === orderId);
    expect(mine).toHaveLength(events.length);
    expect(mine.every((d) => d.delivery?.status === 'delivered')).toBe(true);
  });

  it('receiver down, then back: every event delivered, in order per order, none applied twice; courier webhooks acked all along', async () => {
    await stopReceiver();
    const orders = [await shipOne(), await shipOne()];
    const pushesBefore = sims.delhivery.pusher.log.length;
    await sims.advance(60);
    for (const { orderId } of orders) await eventually('delivered in Waybill while the store is down', async () => ((await orderStatus(orderId)) === 'delivered' ? true : undefined));
    // Waybill's own ingestion did not notice: every courier push of the period acknowledged.
    const pushes = sims.delhivery.pusher.log.slice(pushesBefore);
    expect(pushes.length).toBeGreaterThan(0);
    expect(pushes.every((p) => p.status === 200)).toBe(true);
    // Attempts were made and failed meanwhile.
    const failed = await eventually('failed attempts recorded', async () => {
      const items = (await request(wb.app).get(`/api/admin/store-webhooks/${endpointId}/deliveries?limit=200`).set(auth).expect(200)).body.items as Array<{ event: StoreEvent; delivery?: { status: string; attempts: number; lastError?: string } }>;
      const f = items.filter((d) => orders.some((o) => o.orderId === d.event.orderId) && d.delivery?.status === 'failed');
      return f.length >= orders.length ? f : undefined;
    });
    expect(failed[0]!.delivery?.lastError).toMatch(/connection failed|fetch failed|ECONNREFUSED/);
    for (const { orderId } of orders) expect(await storeOrder(orderId)).toBeNull();

    await startReceiver();
    for (const { orderId } of orders) {
      const { doc, events } = await storeCaughtUp(orderId);
      const logged = (doc.statusLog ?? []).map((l) => l.eventId);
      expect(new Set(logged).size).toBe(logged.length);
      const statusIds = events.filter((e) => e.type === 'shipment.status_changed').map((e) => e.id);
      expect(logged.filter((id) => statusIds.includes(id))).toEqual(statusIds);
    }
  });

  it('catch-up: GET /api/events pages through every event after a cursor; a replay re-sends one, which the store dedupes', async () => {
    const all: StoreEvent[] = [];
    let after: string | undefined;
    for (let page = 0; page < 100; page++) {
      const res = await request(wb.app)
        .get('/api/events')
        .query({ limit: 4, ...(after ? { after } : {}) })
        .set(auth)
        .expect(200);
      all.push(...(res.body.items as StoreEvent[]));
      after = res.body.next as string;
      if (!res.body.hasMore) break;
    }
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    const byOrder = new Map<string, number[]>();
    for (const e of all) byOrder.set(e.orderId, [...(byOrder.get(e.orderId) ?? []), e.sequence]);
    expect(byOrder.size).toBeGreaterThanOrEqual(3);
    for (const seqs of byOrder.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Nothing new after the last cursor.
    expect((await request(wb.app).get('/api/events').query({ after }).set(auth).expect(200)).body.items).toEqual([]);
    // Only delivered events, across orders.
    const delivered = (await request(wb.app).get('/api/events').query({ type: 'shipment.delivered', limit: 100 }).set(auth).expect(200)).body.items as StoreEvent[];
    expect(delivered.length).toBe(byOrder.size);

    const target = delivered[0]!;
    const before = await storeOrder(target.orderId);
    const seen = requests;
    const replay = await request(wb.app).post(`/api/admin/store-webhooks/${endpointId}/replay`).set(auth).send({ eventId: target.id }).expect(202);
    expect(replay.body).toMatchObject({ events: 1, replayId: expect.any(String) });
    await eventually('the replayed delivery', async () => (requests > seen ? true : undefined));
    await eventually('the replay recorded', async () => {
      const items = (await request(wb.app).get(`/api/admin/store-webhooks/${endpointId}/deliveries?limit=200`).set(auth).expect(200)).body.items as Array<{ event: StoreEvent; delivery?: { replays?: number } }>;
      return items.find((d) => d.event.id === target.id)?.delivery?.replays === 1 ? true : undefined;
    });
    expect(await storeOrder(target.orderId)).toEqual(before);
  });
});
