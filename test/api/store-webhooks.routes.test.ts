// The store integration's admin API and event feed over HTTP, on the run's FerretDB with a real
// StoreWebhooks whose replays are only recorded: secrets go in and never come out, refusals store
// nothing, disabled endpoints come back, rotations overlap, replays start, and the feed pages.
import request from 'supertest';
import type { Express } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storeEventsPageResponse, storeEndpointResponse } from '../../src/api/store-webhook-responses';
import { storeEventId, type StoreEvent, type StoreEventType } from '../../src/domain/store-events';
import { generateSecret, SECRET_PREFIX } from '../../src/lib/standard-webhooks';
import { COLLECTIONS } from '../../src/storage/collections';
import type { Mongo } from '../../src/storage/mongo';
import { StoreEndpointsRepo } from '../../src/storage/store-endpoints-repo';
import { StoreEventFeedWriter } from '../../src/store-webhooks/feed-writer';
import { auth, testSecretBox, testStack, testStoreWebhooks } from '../support/api';
import { freshMongo } from '../support/mongo';

const BASE = '/api/admin/store-webhooks';
const box = testSecretBox();
let mongo: Mongo;
let app: Express;
let sw: ReturnType<typeof testStoreWebhooks>;
let repo: StoreEndpointsRepo;

/** The events in the feed, in the order they were written (a few segments). */
const WRITES: StoreEvent[][] = [];
let writtenFrom = '';
let writtenTo = '';

const event = (orderId: string, sequence: number, type: StoreEventType, occurredAt: string): StoreEvent => ({
  id: storeEventId(orderId, sequence),
  type,
  version: 1,
  orderId,
  sequence,
  occurredAt,
  data:
    type === 'shipment.booked'
      ? { courier: 'delhivery', awb: `AWB-${orderId}`, trackingUrl: `https://track.example/${orderId}` }
      : type === 'ndr.opened'
        ? { reason: 'consignee_unavailable', courierReasonCode: 'EOD-74', courierReasonText: 'Consignee not available', attempts: 1, deadlineAt: '2026-03-06T14:32:10.009Z' }
        : { from: 'in_transit', to: type === 'shipment.delivered' ? 'delivered' : 'out_for_delivery', orderStatus: 'out_for_delivery', previousOrderStatus: 'shipped', source: 'webhook', at: occurredAt },
});

beforeAll(async () => {
  mongo = await freshMongo('store_webhooks_routes');
  sw = testStoreWebhooks(mongo, box);
  app = testStack(mongo, { storeWebhooks: sw.storeWebhooks, box }).app;
  repo = new StoreEndpointsRepo(mongo.db, box);

  WRITES.push(
    [event('ORD-A1', 1, 'shipment.booked', '2026-03-02T09:00:00.000Z'), event('ORD-B2', 1, 'shipment.booked', '2026-03-02T09:00:01.000Z')],
    [event('ORD-A1', 2, 'shipment.status_changed', '2026-03-02T10:00:00.000Z')],
    [event('ORD-B2', 2, 'shipment.status_changed', '2026-03-02T11:00:00.000Z'), event('ORD-B2', 3, 'shipment.delivered', '2026-03-02T11:00:00.000Z')],
    [event('ORD-A1', 3, 'ndr.opened', '2026-03-02T12:00:00.000Z')],
  );
  const writer = new StoreEventFeedWriter(sw.feed, { writer: 'routes-test' });
  writtenFrom = new Date(Date.now() - 1000).toISOString();
  for (const w of WRITES) await writer.write(w);
  writtenTo = new Date(Date.now() + 1000).toISOString();
});
afterAll(async () => mongo.close());
beforeEach(async () => {
  await mongo.db.collection(COLLECTIONS.storeEndpoints).deleteMany({});
  await mongo.db.collection(COLLECTIONS.storeDeliveries).deleteMany({});
  sw.replays.length = 0;
});

const SECRET = generateSecret();
/** What must never appear: the whole secret and its key part. */
const leaks = (text: string, ...secrets: string[]) => secrets.some((s) => text.includes(s) || text.includes(s.slice(SECRET_PREFIX.length)));

async function create(over: Record<string, unknown> = {}) {
  const res = await request(app)
    .post(BASE)
    .set(auth)
    .send({ url: 'https://shop.example.in/hooks/waybill', eventTypes: ['shipment.delivered', 'ndr.opened'], secret: SECRET, ...over })
    .expect(201);
  return res.body as { id: string };
}

describe('admin token', () => {
  it.each([
    ['get', BASE],
    ['post', BASE],
    ['get', `${BASE}/ep_0123456789abcdef`],
    ['patch', `${BASE}/ep_0123456789abcdef`],
    ['delete', `${BASE}/ep_0123456789abcdef`],
    ['post', `${BASE}/ep_0123456789abcdef/rotate-secret`],
    ['get', `${BASE}/ep_0123456789abcdef/deliveries`],
    ['post', `${BASE}/ep_0123456789abcdef/replay`],
    ['get', '/api/events'],
  ] as const)('is required by %s %s', async (method, path) => {
    const res = await request(app)[method](path).send(method === 'post' ? { url: 'https://shop.example.in/h', secret: SECRET } : undefined);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
    await request(app)[method](path).set('Authorization', 'Bearer not-the-token').expect(401);
  });

  it('changes nothing when refused', async () => {
    await request(app).post(BASE).send({ url: 'https://shop.example.in/h', secret: SECRET }).expect(401);
    expect(await mongo.db.collection(COLLECTIONS.storeEndpoints).countDocuments()).toBe(0);
  });
});

describe('POST /api/admin/store-webhooks', () => {
  it('creates an endpoint (201) and never shows its secret, in the answer or any later read', async () => {
    const res = await request(app).post(BASE).set(auth).send({ url: 'https://shop.example.in/hooks/waybill', description: 'Main store', eventTypes: ['shipment.delivered'], secret: SECRET }).expect(201);
    expect(leaks(res.text, SECRET)).toBe(false);
    expect(storeEndpointResponse.parse(res.body)).toMatchObject({ url: 'https://shop.example.in/hooks/waybill', description: 'Main store', eventTypes: ['shipment.delivered'], enabled: true, updatedBy: 'admin:0', health: {} });
    expect(res.body.id).toMatch(/^ep_[0-9a-f]{16}$/);
    expect(res.body.secrets).toEqual([{ id: expect.any(String), createdAt: expect.any(String) }]);

    const list = await request(app).get(BASE).set(auth).expect(200);
    const one = await request(app).get(`${BASE}/${res.body.id}`).set(auth).expect(200);
    const deliveries = await request(app).get(`${BASE}/${res.body.id}/deliveries`).set(auth).expect(200);
    const events = await request(app).get('/api/events').set(auth).expect(200);
    for (const [name, r] of Object.entries({ list, one, deliveries, events })) expect(leaks(r.text, SECRET), name).toBe(false);
    expect(list.body.items.map((e: { id: string }) => e.id)).toEqual([res.body.id]);
    expect(one.body).toEqual(res.body);
    // At rest too: encrypted.
    expect(leaks(JSON.stringify(await mongo.db.collection(COLLECTIONS.storeEndpoints).find({}).toArray()), SECRET)).toBe(false);
    // …and the delivery side reads it back.
    expect((await repo.decrypted(res.body.id))?.secrets).toEqual([SECRET]);
  });

  it('takes every event type when none is given', async () => {
    const res = await request(app).post(BASE).set(auth).send({ url: 'http://localhost:4000/hooks', secret: SECRET }).expect(201);
    expect(res.body.eventTypes).toEqual([]);
  });

  it.each([
    ['a URL that is not http(s)', { url: 'ftp://shop.example.in/hooks' }, 'url'],
    ['no URL', { url: undefined }, 'url'],
    ['a secret without the whsec_ prefix', { secret: SECRET.slice(SECRET_PREFIX.length) }, 'secret'],
    ['a secret too short', { secret: 'whsec_c2hvcnQ=' }, 'secret'],
    ['a secret that is not base64', { secret: 'whsec_not base64 at all!!' }, 'secret'],
    ['an unknown event type', { eventTypes: ['shipment.delivered', 'shipment.exploded'] }, 'eventTypes.1'],
  ])('refuses %s with 400 and details, storing nothing', async (_label, over, path) => {
    const res = await request(app)
      .post(BASE)
      .set(auth)
      .send({ url: 'https://shop.example.in/hooks/waybill', secret: SECRET, ...over })
      .expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.any(String) })]));
    expect(leaks(res.text, SECRET)).toBe(false);
    expect(await mongo.db.collection(COLLECTIONS.storeEndpoints).countDocuments()).toBe(0);
  });
});

describe('PATCH /api/admin/store-webhooks/:id', () => {
  it('disables by hand, and re-enabling clears the reason and the failure streak', async () => {
    const { id } = await create();
    const off = await request(app).patch(`${BASE}/${id}`).set(auth).send({ enabled: false }).expect(200);
    expect(off.body).toMatchObject({ enabled: false, disabledReason: 'disabled by admin:0', disabledAt: expect.any(String) });

    // Re-enabled, then failing for days and disabled automatically…
    await request(app).patch(`${BASE}/${id}`).set(auth).send({ enabled: true }).expect(200);
    await repo.recordHealth(id, false, 'HTTP 500');
    await repo.disable(id, 'failing since 2026-03-01T00:00:00.000Z without a success (last: HTTP 500)');
    const disabled = await request(app).get(`${BASE}/${id}`).set(auth).expect(200);
    expect(disabled.body).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('failing since'), health: { failingSince: expect.any(String), lastError: 'HTTP 500' } });

    // …and back.
    const on = await request(app).patch(`${BASE}/${id}`).set(auth).send({ enabled: true }).expect(200);
    expect(on.body.enabled).toBe(true);
    expect(on.body).not.toHaveProperty('disabledReason');
    expect(on.body).not.toHaveProperty('disabledAt');
    expect(on.body.health).not.toHaveProperty('failingSince');
    expect(on.body.health.lastError).toBe('HTTP 500');
  });

  it('changes only what is given; refuses an empty or invalid change; 404 for an unknown endpoint', async () => {
    const { id } = await create({ description: 'Main' });
    const res = await request(app).patch(`${BASE}/${id}`).set(auth).send({ eventTypes: ['ndr.opened'], description: null }).expect(200);
    expect(res.body).toMatchObject({ url: 'https://shop.example.in/hooks/waybill', eventTypes: ['ndr.opened'], enabled: true });
    expect(res.body).not.toHaveProperty('description');
    await request(app).patch(`${BASE}/${id}`).set(auth).send({}).expect(400);
    const bad = await request(app).patch(`${BASE}/${id}`).set(auth).send({ url: 'javascript:alert(1)' }).expect(400);
    expect(bad.body.error.details[0].path).toBe('url');
    await request(app).patch(`${BASE}/ep_0123456789abcdef`).set(auth).send({ enabled: true }).expect(404);
    await request(app).patch(`${BASE}/not-an-id`).set(auth).send({ enabled: true }).expect(400);
  });
});

describe('POST /api/admin/store-webhooks/:id/rotate-secret', () => {
  it('lists the new secret first and the old one with its expiry, showing neither', async () => {
    const { id } = await create();
    const before = (await request(app).get(`${BASE}/${id}`).set(auth).expect(200)).body as { secrets: Array<{ id: string }> };
    const next = generateSecret();
    const t0 = Date.now();
    const res = await request(app).post(`${BASE}/${id}/rotate-secret`).set(auth).send({ secret: next, overlapHours: 24 }).expect(200);
    expect(leaks(res.text, SECRET, next)).toBe(false);
    expect(res.body.secrets).toHaveLength(2);
    const [fresh, old] = res.body.secrets as Array<{ id: string; expiresAt?: string }>;
    expect(fresh!.expiresAt).toBeUndefined();
    expect(old!.id).toBe(before.secrets[0]!.id);
    const expires = Date.parse(old!.expiresAt!);
    expect(expires).toBeGreaterThanOrEqual(t0 + 24 * 3_600_000 - 5_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000 + 5_000);
    expect((await repo.decrypted(id))?.secrets).toEqual([next, SECRET]);
    expect(leaks((await request(app).get(BASE).set(auth)).text, SECRET, next)).toBe(false);
  });

  it('refuses a bad secret and changes nothing; 404 for an unknown endpoint', async () => {
    const { id } = await create();
    await request(app).post(`${BASE}/${id}/rotate-secret`).set(auth).send({ secret: 'password123' }).expect(400);
    await request(app).post(`${BASE}/${id}/rotate-secret`).set(auth).send({ secret: generateSecret(), overlapHours: -1 }).expect(400);
    expect((await request(app).get(`${BASE}/${id}`).set(auth)).body.secrets).toHaveLength(1);
    await request(app).post(`${BASE}/ep_0123456789abcdef/rotate-secret`).set(auth).send({ secret: generateSecret() }).expect(404);
  });
});

describe('DELETE /api/admin/store-webhooks/:id', () => {
  it('answers 204, then 404', async () => {
    const { id } = await create();
    const res = await request(app).delete(`${BASE}/${id}`).set(auth).expect(204);
    expect(res.text).toBe('');
    await request(app).get(`${BASE}/${id}`).set(auth).expect(404);
    await request(app).delete(`${BASE}/${id}`).set(auth).expect(404);
    expect((await request(app).get(BASE).set(auth)).body.items).toEqual([]);
  });
});

describe('deliveries and replays', () => {
  it('lists the newest events with what became of each at this endpoint', async () => {
    const { id } = await create();
    await repo.recordAttempt(id, { id: 'ORD-B2:e3', orderId: 'ORD-B2', type: 'shipment.delivered' }, { status: 'failed', statusCode: 503, error: 'HTTP 503', latencyMs: 41 });
    const res = await request(app).get(`${BASE}/${id}/deliveries?limit=3`).set(auth).expect(200);
    expect(res.body.items.map((r: { event: { id: string } }) => r.event.id)).toEqual(['ORD-A1:e3', 'ORD-B2:e3', 'ORD-B2:e2']);
    expect(res.body.items[1].delivery).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 503, lastError: 'HTTP 503', lastLatencyMs: 41 });
    expect(res.body.items[0].delivery).toBeUndefined();
    await request(app).get(`${BASE}/${id}/deliveries?limit=0`).set(auth).expect(400);
    await request(app).get(`${BASE}/ep_0123456789abcdef/deliveries`).set(auth).expect(404);
  });

  it('replays one event (202), and answers 404 for an event that is not kept', async () => {
    const { id } = await create();
    const one = await request(app).post(`${BASE}/${id}/replay`).set(auth).send({ eventId: 'ORD-A1:e2' }).expect(202);
    expect(one.body).toEqual({ replayId: expect.stringContaining(id), events: 1 });
    const missing = await request(app).post(`${BASE}/${id}/replay`).set(auth).send({ eventId: 'ORD-ZZ:e1' }).expect(404);
    expect(missing.body.error.code).toBe('not_found');
    expect(sw.replays).toEqual([{ endpointId: id, eventIds: ['ORD-A1:e2'] }]);
  });

  it('replays a time range (202 with the count), in the order the events happened', async () => {
    const { id } = await create();
    const res = await request(app).post(`${BASE}/${id}/replay`).set(auth).send({ from: writtenFrom, to: writtenTo }).expect(202);
    expect(res.body).toEqual({ replayId: expect.any(String), events: 6 });
    expect(sw.replays).toEqual([{ endpointId: id, eventIds: ['ORD-A1:e1', 'ORD-B2:e1', 'ORD-A1:e2', 'ORD-B2:e2', 'ORD-B2:e3', 'ORD-A1:e3'] }]);
    // An empty range starts nothing.
    const empty = await request(app).post(`${BASE}/${id}/replay`).set(auth).send({ from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' }).expect(202);
    expect(empty.body).toEqual({ replayId: '', events: 0 });
    expect(sw.replays).toHaveLength(1);
  });

  it('refuses a bad replay request, and one for an unknown endpoint', async () => {
    const { id } = await create();
    await request(app).post(`${BASE}/${id}/replay`).set(auth).send({}).expect(400);
    await request(app).post(`${BASE}/${id}/replay`).set(auth).send({ from: writtenTo, to: writtenFrom }).expect(400);
    await request(app).post(`${BASE}/${id}/replay`).set(auth).send({ from: 'yesterday', to: 'today' }).expect(400);
    await request(app).post(`${BASE}/ep_0123456789abcdef/replay`).set(auth).send({ eventId: 'ORD-A1:e1' }).expect(404);
    expect(sw.replays).toEqual([]);
  });
});

describe('GET /api/events', () => {
  const ALL = () => WRITES.flat().map((e) => e.id);

  async function pages(query: Record<string, string | number>): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let after: string | undefined;
    for (let n = 1; n < 20; n++) {
      const res = await request(app)
        .get('/api/events')
        .set(auth)
        .query({ ...query, ...(after ? { after } : {}) })
        .expect(200);
      const page = storeEventsPageResponse.parse(res.body);
      ids.push(...page.items.map((e) => e.id));
      after = page.next;
      if (!page.hasMore) return { ids, pages: n };
    }
    throw new Error('never caught up');
  }

  it('pages through every event with next/hasMore, in the order they were written', async () => {
    const first = await request(app).get('/api/events?limit=2').set(auth).expect(200);
    expect(first.body.items.map((e: StoreEvent) => e.id)).toEqual(['ORD-A1:e1', 'ORD-B2:e1']);
    expect(first.body.hasMore).toBe(true);
    expect(first.body.items[0]).toEqual(WRITES[0]![0]);
    const all = await pages({ limit: 2 });
    expect(all.ids).toEqual(ALL());
    expect(all.pages).toBeGreaterThanOrEqual(3);
    // Caught up: the last `next` answers nothing new.
    const last = await request(app).get('/api/events?limit=100').set(auth).expect(200);
    expect(last.body.hasMore).toBe(false);
    const again = await request(app).get('/api/events').query({ after: last.body.next }).set(auth).expect(200);
    expect(again.body).toMatchObject({ items: [], hasMore: false });
  });

  it('filters by type (one or several)', async () => {
    expect((await pages({ type: 'shipment.booked', limit: 1 })).ids).toEqual(['ORD-A1:e1', 'ORD-B2:e1']);
    expect((await pages({ type: 'ndr.opened,shipment.delivered' })).ids).toEqual(['ORD-B2:e3', 'ORD-A1:e3']);
    const bad = await request(app).get('/api/events?type=shipment.exploded').set(auth).expect(400);
    expect(bad.body.error.details[0].path).toMatch(/^type/);
  });

  it("filters by orderId: that order's events in sequence, also with a type", async () => {
    expect((await pages({ orderId: 'ORD-A1', limit: 2 })).ids).toEqual(['ORD-A1:e1', 'ORD-A1:e2', 'ORD-A1:e3']);
    expect((await pages({ orderId: 'ORD-B2', type: 'shipment.status_changed' })).ids).toEqual(['ORD-B2:e2']);
    expect((await pages({ orderId: 'ORD-NONE' })).ids).toEqual([]);
  });

  it('refuses a cursor that was tampered with, or one from another order', async () => {
    const first = await request(app).get('/api/events?limit=1').set(auth).expect(200);
    const cursor = first.body.next as string;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { p: Record<string, [number, number]> };
    const forged = Buffer.from(JSON.stringify({ p: Object.fromEntries(Object.keys(decoded.p).map((k) => [k, [-1, 'x']])) })).toString('base64url');
    for (const after of [forged, `${cursor.slice(0, -3)}!!!`, 'bm90IGpzb24', Buffer.from('[1,2]').toString('base64url')]) {
      const res = await request(app).get('/api/events').query({ after }).set(auth).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toMatch(/cursor/);
    }
    const a1 = await request(app).get('/api/events?orderId=ORD-A1&limit=1').set(auth).expect(200);
    await request(app).get('/api/events').query({ orderId: 'ORD-B2', after: a1.body.next }).set(auth).expect(400);
    await request(app).get('/api/events').query({ after: a1.body.next }).set(auth).expect(400);
  });
});
