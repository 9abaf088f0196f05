// The store-event delivery activity against a real HTTP receiver and the run's FerretDB: what each
// answer of the store's endpoint leads to, and that what arrives verifies with the client's verifier.
import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStoreWebhookActivities, backoffMs } from '../../src/activities/store-webhook-activities';
import type { ActivityDeps } from '../../src/activities';
import { verifyWebhook } from '../../src/client';
import type { StoreEvent } from '../../src/domain/store-events';
import { SecretBox } from '../../src/lib/secret-box';
import { StoreEventFeedWriter } from '../../src/store-webhooks/feed-writer';
import { StoreEndpointsRepo } from '../../src/storage/store-endpoints-repo';
import { StoreEventFeed } from '../../src/storage/store-event-feed';
import type { Mongo } from '../../src/storage/mongo';
import { freshMongo } from '../support/mongo';
import { startReceiver, type Receiver } from '../support/store-webhook-fakes';

let mongo: Mongo;
let receiver: Receiver;
let url: string;
let answer: { status: number; headers?: Record<string, string> } = { status: 200 };
const received = () => receiver.received;

beforeAll(async () => {
  mongo = await freshMongo('store_delivery');
  receiver = await startReceiver();
  receiver.answer = () => answer;
  url = receiver.url;
});
afterAll(async () => {
  await receiver?.close();
  await mongo?.close();
});
beforeEach(() => {
  receiver.received.length = 0;
  answer = { status: 200 };
});

const box = new SecretBox({ current: { id: 'k1', key: randomBytes(32) }, old: [] });
let now = Date.parse('2026-12-07T00:00:00.000Z');
let n = 0;
function event(type: StoreEvent['type'] = 'shipment.delivered'): StoreEvent {
  n += 1;
  return { id: `D${n}:e1`, type, version: 1, orderId: `D${n}`, sequence: 1, occurredAt: new Date(now).toISOString(), data: { from: 'out_for_delivery', to: 'delivered', orderStatus: 'delivered', previousOrderStatus: 'out_for_delivery', source: 'webhook', at: new Date(now).toISOString() } };
}

async function setup(disableAfterMs = 3 * 86_400_000) {
  const endpoints = new StoreEndpointsRepo(mongo.db, box, () => now);
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const ep = await endpoints.create({ url, eventTypes: [], secret, by: 'test' });
  const disabled: string[] = [];
  const acts = createStoreWebhookActivities({
    clock: { now: () => now },
    storeWebhooks: { endpoints, feed: new StoreEventFeedWriter(new StoreEventFeed(mongo.db)), disableAfterMs, retry: { initialMs: 1000, maxMs: 8000 }, timeoutMs: 2000, onDisabled: (e: { id: string }) => disabled.push(e.id) },
  } as unknown as ActivityDeps);
  return { acts, endpoints, ep, secret, disabled };
}

describe('deliverStoreEvent', () => {
  it('2xx: delivered once, signed so that the client verifies it; a repeat is not sent again', async () => {
    const { acts, endpoints, ep, secret } = await setup();
    const e = event();
    expect(await acts.deliverStoreEvent({ endpointId: ep.id, event: e })).toEqual({ outcome: 'delivered' });
    expect(received()).toHaveLength(1);
    const got = received()[0]!;
    expect(got.headers['webhook-id']).toBe(e.id);
    expect(verifyWebhook({ headers: got.headers, body: got.body, secrets: [secret], now: new Date(now) })).toMatchObject({ id: e.id });
    expect(JSON.parse(got.body)).toMatchObject({ id: e.id, type: 'shipment.delivered', orderId: e.orderId, sequence: 1 });
    expect(await endpoints.delivery(ep.id, e.id)).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 });
    expect(await acts.deliverStoreEvent({ endpointId: ep.id, event: e })).toEqual({ outcome: 'already_delivered' });
    expect(received()).toHaveLength(1);
  });

  it('5xx: a retryable failure whose delay is the backoff, or the endpoint’s Retry-After', async () => {
    const { acts, endpoints, ep } = await setup();
    const e = event();
    answer = { status: 503 };
    const err = await acts.deliverStoreEvent({ endpointId: ep.id, event: e }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'StoreEndpointUnavailable', nonRetryable: false, nextRetryDelay: backoffMs(1, { initialMs: 1000, maxMs: 8000 }) });
    answer = { status: 429, headers: { 'retry-after': '42' } };
    expect(await acts.deliverStoreEvent({ endpointId: ep.id, event: e }).catch((x: unknown) => x)).toMatchObject({ nextRetryDelay: 42_000 });
    expect(await endpoints.delivery(ep.id, e.id)).toMatchObject({ status: 'failed', attempts: 2, lastStatusCode: 429 });
    expect((await endpoints.get(ep.id))?.health.failingSince).toBeDefined();
    expect([backoffMs(1, { initialMs: 1000, maxMs: 8000 }), backoffMs(3, { initialMs: 1000, maxMs: 8000 }), backoffMs(10, { initialMs: 1000, maxMs: 8000 })]).toEqual([1000, 4000, 8000]);
  });

  it('410: the endpoint is gone: disabled with an alert, nothing more is sent there', async () => {
    const { acts, endpoints, ep, disabled } = await setup();
    answer = { status: 410 };
    expect(await acts.deliverStoreEvent({ endpointId: ep.id, event: event() })).toMatchObject({ outcome: 'gone' });
    expect(disabled).toEqual([ep.id]);
    expect(await endpoints.get(ep.id)).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') });
    received().length = 0;
    expect(await acts.deliverStoreEvent({ endpointId: ep.id, event: event() })).toMatchObject({ outcome: 'skipped' });
    expect(received()).toHaveLength(0);
  });

  it('failing for longer than the limit without a success: disabled with an alert', async () => {
    const { acts, endpoints, ep, disabled } = await setup(3_600_000);
    answer = { status: 500 };
    await expect(acts.deliverStoreEvent({ endpointId: ep.id, event: event() })).rejects.toBeInstanceOf(ApplicationFailure);
    now += 2 * 3_600_000;
    expect(await acts.deliverStoreEvent({ endpointId: ep.id, event: event() })).toMatchObject({ outcome: 'disabled' });
    expect(disabled).toEqual([ep.id]);
    expect((await endpoints.get(ep.id))?.enabled).toBe(false);
  });

  it('a refused connection or no answer in time is a retryable failure', async () => {
    const { acts, endpoints, ep } = await setup();
    await endpoints.update(ep.id, { url: 'http://127.0.0.1:9/nothing-listens', by: 'test' });
    const e = event();
    await expect(acts.deliverStoreEvent({ endpointId: ep.id, event: e })).rejects.toMatchObject({ type: 'StoreEndpointUnavailable' });
    expect((await endpoints.delivery(ep.id, e.id))?.lastError).toMatch(/connection failed|fetch failed/);
  });
});
