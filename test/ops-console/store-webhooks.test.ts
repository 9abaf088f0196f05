// The console's "Store webhooks" page over HTTP, with a real StoreWebhooks on the run's FerretDB whose
// replays are only recorded: add an endpoint (its secret never shown), the alert when one was disabled
// automatically and re-enabling it, rotate, delete, an endpoint's deliveries and replays.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storeEventId, type StoreEvent } from '../../src/domain/store-events';
import { generateSecret, SECRET_PREFIX } from '../../src/lib/standard-webhooks';
import { wallTimeToIso } from '../../src/ops-console/pages/store-webhooks';
import { COLLECTIONS } from '../../src/storage/collections';
import type { Mongo } from '../../src/storage/mongo';
import { StoreEndpointsRepo } from '../../src/storage/store-endpoints-repo';
import { StoreEventFeedWriter } from '../../src/store-webhooks/feed-writer';
import { testSecretBox, testStoreWebhooks } from '../support/api';
import { freshMongo } from '../support/mongo';
import { consoleApp, hidden, signedIn } from './support';

const box = testSecretBox();
let mongo: Mongo;
let c: ReturnType<typeof consoleApp>;
let sw: ReturnType<typeof testStoreWebhooks>;
let repo: StoreEndpointsRepo;
const SECRET = generateSecret();
const URL_A = 'https://shop.example.in/hooks/waybill';

const leaks = (text: string, ...secrets: string[]) => secrets.some((s) => text.includes(s) || text.includes(s.slice(SECRET_PREFIX.length)));
const endpointIds = (page: string) => [...page.matchAll(/<section class="card" id="endpoint-(ep_[0-9a-f]+)"/g)].map((m) => m[1]!);

const EVENTS: StoreEvent[] = [
  { id: storeEventId('ORD-7001', 1), type: 'shipment.booked', version: 1, orderId: 'ORD-7001', sequence: 1, occurredAt: '2026-03-02T09:00:00.000Z', data: { courier: 'delhivery', awb: '1490820394756', trackingUrl: 'https://track.example/1' } },
  {
    id: storeEventId('ORD-7001', 2),
    type: 'shipment.status_changed',
    version: 1,
    orderId: 'ORD-7001',
    sequence: 2,
    occurredAt: '2026-03-02T10:00:00.000Z',
    data: { from: 'booked', to: 'picked_up', orderStatus: 'shipped', previousOrderStatus: 'shipped', source: 'webhook', at: '2026-03-02T10:00:00.000Z' },
  },
];

beforeAll(async () => {
  mongo = await freshMongo('ops_store_webhooks');
  sw = testStoreWebhooks(mongo, box);
  c = consoleApp(mongo, { storeWebhooks: sw.storeWebhooks });
  repo = new StoreEndpointsRepo(mongo.db, box);
  await new StoreEventFeedWriter(sw.feed, { writer: 'console-test' }).write(EVENTS);
});
afterAll(async () => mongo.close());
beforeEach(async () => {
  await mongo.db.collection(COLLECTIONS.storeEndpoints).deleteMany({});
  await mongo.db.collection(COLLECTIONS.storeDeliveries).deleteMany({});
  sw.replays.length = 0;
});

function addEndpoint(agent: ReturnType<typeof request.agent>, csrf: string, over: Record<string, unknown> = {}) {
  return agent
    .post('/ops/store-webhooks')
    .type('form')
    .send({ _csrf: csrf, url: URL_A, description: 'Main store', eventTypes: ['shipment.delivered', 'ndr.opened'], secret: SECRET, ...over });
}

describe('the Store webhooks page', () => {
  it('is linked in the nav, behind the session', async () => {
    await request(c.app).get('/ops/store-webhooks').expect(303).expect('location', '/ops/login?next=%2Fops%2Fstore-webhooks');
    const { agent } = await signedIn(c.app);
    const shipments = await agent.get('/ops/shipments').expect(200);
    expect(shipments.text).toContain('href="/ops/store-webhooks">Store webhooks</a>');
    const page = await agent.get('/ops/store-webhooks').expect(200);
    expect(page.text).toContain('aria-current="page">Store webhooks');
    expect(page.text).toContain('No endpoints yet');
    expect(page.text).toContain('openssl rand -base64 32');
    expect(page.text).toContain('whsec_');
  });

  it('adds an endpoint, then lists it with its event types and health, never showing the secret', async () => {
    const { agent, csrf } = await signedIn(c.app);
    const res = await addEndpoint(agent, csrf).expect(303);
    expect(res.headers.location).toMatch(/^\/ops\/store-webhooks#endpoint-ep_[0-9a-f]{16}$/);
    const page = await agent.get('/ops/store-webhooks').expect(200);
    expect(page.text).toContain(`Endpoint ${URL_A} added.`);
    const [id] = endpointIds(page.text);
    expect(id).toBeDefined();
    expect(page.text).toContain(URL_A);
    expect(page.text).toContain('<code>shipment.delivered</code>, <code>ndr.opened</code>');
    expect(page.text).toContain('badge-ok">enabled');
    expect(page.text).toContain('Last success');
    expect(page.text).toContain('Failing since');
    expect(leaks(page.text, SECRET)).toBe(false);
    const detail = await agent.get(`/ops/store-webhooks/${id}`).expect(200);
    expect(leaks(detail.text, SECRET)).toBe(false);
    const stored = await sw.storeWebhooks.get(id!);
    expect(stored).toMatchObject({ url: URL_A, description: 'Main store', eventTypes: ['shipment.delivered', 'ndr.opened'], updatedBy: 'admin:0' });
    expect((await repo.decrypted(id!))?.secrets).toEqual([SECRET]);
  });

  it('refuses a bad form with the reasons, keeps what was typed except the secret, and stores nothing', async () => {
    const { agent, csrf } = await signedIn(c.app);
    const bad = 'whsec_tooshort';
    const res = await addEndpoint(agent, csrf, { url: 'ftp://shop.example.in/x', secret: bad }).expect(400);
    expect(res.text).toContain('Not added: 2 problems below.');
    expect(res.text).toContain('id="add-url-err"');
    expect(res.text).toContain('id="add-secret-err"');
    expect(res.text).toContain('value="ftp://shop.example.in/x"');
    expect(res.text).toMatch(/value="ndr.opened" checked/);
    expect(res.text).not.toContain(bad);
    expect(await mongo.db.collection(COLLECTIONS.storeEndpoints).countDocuments()).toBe(0);
  });

  it('refuses a POST without the CSRF token', async () => {
    const { agent } = await signedIn(c.app);
    await addEndpoint(agent, 'forged').expect(403);
    expect(await mongo.db.collection(COLLECTIONS.storeEndpoints).countDocuments()).toBe(0);
  });

  it('shows an alert with the reason and a Re-enable button when an endpoint was disabled automatically; re-enabling clears it', async () => {
    const { agent, csrf } = await signedIn(c.app);
    await addEndpoint(agent, csrf).expect(303);
    const [e] = await sw.storeWebhooks.list();
    await repo.recordHealth(e!.id, false, 'HTTP 503');
    await repo.disable(e!.id, 'the endpoint answered 410 Gone');

    const page = await agent.get('/ops/store-webhooks').expect(200);
    expect(page.text).toContain('id="disabled-summary"');
    const banner = /<div class="flash flash-error" role="alert" data-disabled="automatic">([\s\S]*?)<\/form><\/div><\/div>/.exec(page.text)?.[1];
    expect(banner).toBeDefined();
    expect(banner).toContain('Disabled automatically');
    expect(banner).toContain('the endpoint answered 410 Gone');
    expect(banner).toContain(`action="/ops/store-webhooks/${e!.id}/enable"`);
    expect(banner).toContain('Re-enable');
    expect(page.text).toContain('badge-bad">disabled');
    expect(page.text).toContain('HTTP 503');

    await agent
      .post(`/ops/store-webhooks/${e!.id}/enable`)
      .type('form')
      .send({ _csrf: csrf, returnTo: '/ops/store-webhooks' })
      .expect(303)
      .expect('location', '/ops/store-webhooks');
    const after = await agent.get('/ops/store-webhooks').expect(200);
    expect(after.text).toContain('re-enabled');
    expect(after.text).not.toContain('data-disabled=');
    expect(after.text).not.toContain('disabled-summary');
    expect(await sw.storeWebhooks.get(e!.id)).toMatchObject({ enabled: true, health: { lastError: 'HTTP 503' } });
    expect((await sw.storeWebhooks.get(e!.id)).disabledReason).toBeUndefined();
    expect((await sw.storeWebhooks.get(e!.id)).health.failingSince).toBeUndefined();
  });

  it('disables by hand with a quiet notice (not an alert)', async () => {
    const { agent, csrf } = await signedIn(c.app);
    await addEndpoint(agent, csrf).expect(303);
    const [e] = await sw.storeWebhooks.list();
    await agent.post(`/ops/store-webhooks/${e!.id}/disable`).type('form').send({ _csrf: csrf }).expect(303);
    const page = await agent.get('/ops/store-webhooks').expect(200);
    expect(page.text).toContain('data-disabled="manual"');
    expect(page.text).toContain('disabled by admin:0');
    expect(page.text).not.toContain('disabled-summary');
  });

  it('rotates the secret: both listed, the old one with its expiry, neither shown', async () => {
    const { agent, csrf } = await signedIn(c.app);
    await addEndpoint(agent, csrf).expect(303);
    const [e] = await sw.storeWebhooks.list();
    const next = generateSecret();
    await agent.post(`/ops/store-webhooks/${e!.id}/rotate`).type('form').send({ _csrf: csrf, secret: 'not-a-secret', overlapHours: '24' }).expect(303);
    expect((await agent.get('/ops/store-webhooks')).text).toContain('Secret not rotated');
    await agent.post(`/ops/store-webhooks/${e!.id}/rotate`).type('form').send({ _csrf: csrf, secret: next, overlapHours: '48' }).expect(303);
    const page = await agent.get('/ops/store-webhooks').expect(200);
    expect(page.text).toContain('keeps signing for 48 h');
    expect(page.text).toContain('still signing until');
    expect(leaks(page.text, SECRET, next)).toBe(false);
    expect((await repo.decrypted(e!.id))?.secrets).toEqual([next, SECRET]);
  });

  it('deletes an endpoint', async () => {
    const { agent, csrf } = await signedIn(c.app);
    await addEndpoint(agent, csrf).expect(303);
    const [e] = await sw.storeWebhooks.list();
    await agent.post(`/ops/store-webhooks/${e!.id}/delete`).type('form').send({ _csrf: csrf }).expect(303);
    const page = await agent.get('/ops/store-webhooks').expect(200);
    expect(page.text).toContain(`Endpoint ${URL_A} deleted.`);
    expect(endpointIds(page.text)).toEqual([]);
    await agent.get(`/ops/store-webhooks/${e!.id}`).expect(404);
  });
});

describe("an endpoint's deliveries and replays", () => {
  async function withEndpoint() {
    const { agent, csrf } = await signedIn(c.app);
    await addEndpoint(agent, csrf).expect(303);
    const [e] = await sw.storeWebhooks.list();
    return { agent, csrf, id: e!.id };
  }

  it('lists the recent events with what became of each', async () => {
    const { agent, id } = await withEndpoint();
    await repo.recordAttempt(id, EVENTS[1]!, { status: 'failed', statusCode: 503, error: 'HTTP 503', latencyMs: 41 });
    const page = await agent.get(`/ops/store-webhooks/${id}`).expect(200);
    const rows = [...page.text.matchAll(/<tr data-event="([^"]+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((m) => m[1])).toEqual(['ORD-7001:e2', 'ORD-7001:e1']);
    const failed = rows[0]![2]!;
    expect(failed).toContain('<code>shipment.status_changed</code>');
    expect(failed).toContain('href="/ops/shipments/ORD-7001"');
    expect(failed).toContain('badge-bad">failed');
    expect(failed).toContain('HTTP 503');
    expect(failed).toContain('41 ms');
    expect(failed).toContain('Replay');
    expect(rows[1]![2]).toContain('not sent');
    expect(page.text).toContain('Replay a time range');
  });

  it('replays one event through the replay starter', async () => {
    const { agent, csrf, id } = await withEndpoint();
    const page = await agent.get(`/ops/store-webhooks/${id}`).expect(200);
    const res = await agent
      .post(`/ops/store-webhooks/${id}/replay`)
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf'), eventId: 'ORD-7001:e1', returnTo: `/ops/store-webhooks/${id}` })
      .expect(303);
    expect(res.headers.location).toBe(`/ops/store-webhooks/${id}`);
    expect(sw.replays).toEqual([{ endpointId: id, eventIds: ['ORD-7001:e1'] }]);
    expect((await agent.get(`/ops/store-webhooks/${id}`)).text).toContain('Replay of ORD-7001:e1 started.');
    // An event no longer kept: said so, nothing started.
    await agent.post(`/ops/store-webhooks/${id}/replay`).type('form').send({ _csrf: csrf, eventId: 'ORD-0000:e9' }).expect(303);
    expect((await agent.get(`/ops/store-webhooks/${id}`)).text).toContain('not found');
    expect(sw.replays).toHaveLength(1);
  });

  it("replays a time range given on the store's clock", async () => {
    const { agent, csrf, id } = await withEndpoint();
    const wall = (t: number) => new Date(t + 5.5 * 3_600_000).toISOString().slice(0, 16); // Asia/Kolkata
    await agent
      .post(`/ops/store-webhooks/${id}/replay`)
      .type('form')
      .send({ _csrf: csrf, from: wall(Date.now() - 3_600_000), to: wall(Date.now() + 3_600_000) })
      .expect(303);
    expect(sw.replays).toEqual([{ endpointId: id, eventIds: ['ORD-7001:e1', 'ORD-7001:e2'] }]);
    expect((await agent.get(`/ops/store-webhooks/${id}`)).text).toContain('Replay of 2 events started.');
    await agent.post(`/ops/store-webhooks/${id}/replay`).type('form').send({ _csrf: csrf, from: '', to: 'soon' }).expect(303);
    expect((await agent.get(`/ops/store-webhooks/${id}`)).text).toContain('Nothing replayed');
    await agent.post(`/ops/store-webhooks/${id}/replay`).type('form').send({ _csrf: csrf, eventId: 'ORD-7001:e1' }).expect(303);
    await agent.post(`/ops/store-webhooks/${id}/replay`).type('form').send({ eventId: 'ORD-7001:e1' }).expect(403);
    expect(sw.replays).toHaveLength(2);
  });

  it('answers 404 for an unknown endpoint', async () => {
    const { agent, csrf } = await signedIn(c.app);
    await agent.get('/ops/store-webhooks/ep_0123456789abcdef').expect(404);
    await agent.get('/ops/store-webhooks/nope').expect(404);
    await agent.post('/ops/store-webhooks/ep_0123456789abcdef/replay').type('form').send({ _csrf: csrf, eventId: 'ORD-7001:e1' }).expect(303);
    expect(sw.replays).toEqual([]);
  });
});

describe('without the store integration', () => {
  it('says it is not configured', async () => {
    const bare = consoleApp(mongo);
    const { agent } = await signedIn(bare.app);
    const res = await agent.get('/ops/store-webhooks').expect(404);
    expect(res.text).toContain('not configured');
  });
});

describe('wallTimeToIso', () => {
  it("reads a datetime-local value on the store's clock", () => {
    expect(wallTimeToIso('2026-03-02T10:00', 'Asia/Kolkata')).toBe('2026-03-02T04:30:00.000Z');
    expect(wallTimeToIso('2026-07-01T12:30:15', 'Europe/London')).toBe('2026-07-01T11:30:15.000Z');
    expect(wallTimeToIso('2026-03-02', 'Asia/Kolkata')).toBeUndefined();
    expect(wallTimeToIso('soon', 'Asia/Kolkata')).toBeUndefined();
  });
});
