// Delivery of one inbox document: per-AWB outcomes, backoff, giving up on AWBs that never match, and
// not hammering a Temporal that is down.
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ShipmentGatewayError } from '../../src/shipments/gateway';
import type { TrackingEvent } from '../../src/domain/events';
import { AwbIndexRepo } from '../../src/storage/awb-index-repo';
import { InboxRepo, type InboxRecord } from '../../src/storage/inbox-repo';
import type { Mongo } from '../../src/storage/mongo';
import { InboxDeliverer } from '../../src/webhooks/deliver';
import { FakeGateway, trackingView } from '../support/api';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
let now = Date.parse('2025-01-01T00:00:00.000Z');
let inbox: InboxRepo;
let awbs: AwbIndexRepo;
let gateway: FakeGateway;
let deliverer: InboxDeliverer;

const event = (awb: string): TrackingEvent => ({ key: `k-${awb}`, courier: 'delhivery', awb, status: 'in_transit', rawCode: 'IT', rawLabel: 'IT', description: 'IT', occurredAt: '2025-01-01T00:00:00.000Z' });
const timelineOf = (e: TrackingEvent) => ({ ...e, receivedAt: e.occurredAt, source: 'webhook' as const, applied: true });
function doc(awbs: string[], over: Partial<InboxRecord> = {}): InboxRecord {
  const at = new Date(now).toISOString();
  return { _id: awbs.join('+'), courier: 'delhivery', endpoint: '/x', receivedAt: at, rawBody: '{}', deliveries: awbs.map((a) => ({ awb: a, status: 'pending', attempts: 0, events: [event(a)] })), status: 'pending', attempts: 0, nextAttemptAt: at, updatedAt: at, ...over };
}
async function run(d: InboxRecord) {
  await inbox.insert(d);
  const r = await deliverer.deliver(d);
  return { run: r, doc: (await inbox.get(d._id))! };
}

beforeAll(async () => {
  mongo = await freshMongo('deliver');
  inbox = new InboxRepo(mongo.db, () => now);
});
afterAll(async () => mongo.close());
beforeEach(async () => {
  await Promise.all([mongo.cols.inbox.deleteMany({}), mongo.cols.awbIndex.deleteMany({})]);
  gateway = new FakeGateway();
  awbs = new AwbIndexRepo(mongo.cols); // fresh: it remembers the AWBs it has seen
  deliverer = new InboxDeliverer({ inbox, awbs, gateway, log: pino({ level: 'silent' }), now: () => now, random: () => 0.5, retry: { baseDelayMs: 1_000, maxDelayMs: 8_000, giveUpUnmatchedAfterMs: 86_400_000 } });
  await awbs.register('delhivery', 'A', 'ORD-A');
  await awbs.register('delhivery', 'B', 'ORD-B');
});

describe('InboxDeliverer', () => {
  it('settles each AWB on its own: delivered, unmatched', async () => {
    const { run: r, doc: d } = await run(doc(['A', 'X', 'B']));
    expect(r).toEqual({ status: 'unmatched', temporalUnavailable: false });
    expect(d.deliveries.map((x) => [x.awb, x.status, x.orderId])).toEqual([
      ['A', 'delivered', 'ORD-A'],
      ['X', 'unmatched', undefined],
      ['B', 'delivered', 'ORD-B'],
    ]);
    expect(d.nextAttemptAt).toBe(new Date(now + 1_000).toISOString());
    // A later attempt signals only what is left.
    await awbs.register('delhivery', 'X', 'ORD-X');
    await deliverer.deliver(d);
    expect(gateway.signals.map((s) => s.orderId)).toEqual(['ORD-A', 'ORD-B', 'ORD-X']);
    expect((await inbox.get(d._id))?.status).toBe('delivered');
  });

  it('backs off exponentially up to the cap', async () => {
    let d = (await run(doc(['X']))).doc;
    const delays = [Date.parse(d.nextAttemptAt) - now];
    for (let i = 0; i < 5; i++) {
      await deliverer.deliver(d);
      d = (await inbox.get(d._id))!;
      delays.push(Date.parse(d.nextAttemptAt) - now);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it('gives up on an AWB that never matches', async () => {
    const old = doc(['X'], { receivedAt: new Date(now - 86_400_001).toISOString() });
    const { doc: d } = await run(old);
    expect(d).toMatchObject({ status: 'rejected', deliveries: [{ status: 'rejected', lastError: 'AWB never matched an order' }] });
  });

  it('stops at the first sign of Temporal being down, leaving the rest pending', async () => {
    gateway.fail = new ShipmentGatewayError('unavailable', 'down');
    const { run: r, doc: d } = await run(doc(['A', 'B']));
    expect(r).toEqual({ status: 'pending', temporalUnavailable: true });
    expect(d.deliveries.map((x) => [x.status, x.attempts])).toEqual([
      ['pending', 1],
      ['pending', 0],
    ]);
  });

  it('keeps delivered AWBs delivered when a later attempt fails', async () => {
    gateway.finished.add('ORD-B');
    const { doc: d } = await run(doc(['A', 'B']));
    expect(d.deliveries.map((x) => x.status)).toEqual(['delivered', 'rejected']);
    expect(d.status).toBe('rejected');
  });

  it('counts a closed shipment whose timeline already holds the events as delivered (an earlier signal landed)', async () => {
    gateway.finished.add('ORD-A');
    gateway.views.set('ORD-A', trackingView('ORD-A', { timeline: [timelineOf(event('A'))] }));
    const { doc: d } = await run(doc(['A']));
    expect(d.deliveries.map((x) => [x.status, x.lastError])).toEqual([['delivered', undefined]]);
    expect(d.status).toBe('delivered');
  });

  it('rejects a scan for a closed shipment whose timeline does not hold it (a late scan)', async () => {
    gateway.finished.add('ORD-A');
    gateway.views.set('ORD-A', trackingView('ORD-A', { timeline: [] }));
    const { doc: d } = await run(doc(['A']));
    expect(d.deliveries.map((x) => [x.status, x.lastError])).toEqual([['rejected', 'the shipment of order ORD-A has finished']]);
  });
});
