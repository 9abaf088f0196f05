// The store event feed on the run's FerretDB: gap-free logs per writer, catch-up pages by cursor
// across writers, one order's events by id, ranges by bisection, retention.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreEvent, StoreEventType } from '../../src/domain/store-events';
import { SecretBox } from '../../src/lib/secret-box';
import { StoreEventFeedWriter } from '../../src/store-webhooks/feed-writer';
import { StoreEndpointsRepo } from '../../src/storage/store-endpoints-repo';
import { StoreEventFeed, type FeedPosition } from '../../src/storage/store-event-feed';
import type { Mongo } from '../../src/storage/mongo';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
beforeAll(async () => {
  mongo = await freshMongo('store_feed');
});
afterAll(async () => mongo?.close());

function ev(orderId: string, sequence: number, type: StoreEventType = 'shipment.status_changed'): StoreEvent {
  return { id: `${orderId}:e${sequence}`, type, version: 1, orderId, sequence, occurredAt: new Date(Date.UTC(2026, 11, 7, 0, 0, sequence)).toISOString(), data: { from: 'booked', to: 'in_transit', orderStatus: 'shipped', previousOrderStatus: 'shipped', source: 'webhook', at: '2026-12-07T00:00:00.000Z' } };
}

async function readAll(feed: StoreEventFeed, opts: { limit: number; types?: StoreEventType[] }): Promise<{ ids: string[]; pages: number }> {
  let position: FeedPosition = {};
  const ids: string[] = [];
  let pages = 0;
  for (;;) {
    const p = await feed.page(position, opts);
    pages += 1;
    ids.push(...p.events.map((e) => e.id));
    position = p.position;
    if (!p.hasMore) return { ids, pages };
  }
}

describe('StoreEventFeed', () => {
  it('concurrent writes group into gap-free segments; pages read every event once, in order per writer', async () => {
    const feed = new StoreEventFeed(mongo.db);
    const a = new StoreEventFeedWriter(feed, { writer: 'wa' });
    const b = new StoreEventFeedWriter(feed, { writer: 'wb' });
    // 40 orders × 3 events, written as the workflows would: an order's next event after its previous one landed.
    await Promise.all(
      Array.from({ length: 40 }, async (_, o) => {
        for (let n = 1; n <= 3; n++) await (o % 2 ? a : b).write([ev(`O${o}`, n)]);
      }),
    );
    const logs = await feed.logs();
    expect(logs.map((l) => l._id).sort()).toEqual(['wa', 'wb']);
    for (const l of logs) {
      for (let seq = 0; seq < l.next; seq++) expect(await mongo.db.collection('store_event_log').findOne({ _id: `${l._id}:${seq}` as never })).not.toBeNull();
    }
    const { ids, pages } = await readAll(feed, { limit: 7 });
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
    expect(pages).toBeGreaterThan(10);
    // Each order's events in sequence.
    for (let o = 0; o < 40; o++) expect(ids.filter((id) => id.startsWith(`O${o}:`))).toEqual([`O${o}:e1`, `O${o}:e2`, `O${o}:e3`]);

    // Nothing new: the last position answers empty; a new event appears after it.
    let position: FeedPosition = {};
    for (let p = await feed.page(position, { limit: 500 }); ; p = await feed.page(position, { limit: 500 })) {
      position = p.position;
      if (!p.hasMore) break;
    }
    expect((await feed.page(position, { limit: 10 })).events).toEqual([]);
    await a.write([ev('LATE', 1, 'shipment.delivered')]);
    expect((await feed.page(position, { limit: 10 })).events.map((e) => e.id)).toEqual(['LATE:e1']);
  });

  it('filters by type, and reads one order by id', async () => {
    const feed = new StoreEventFeed(mongo.db);
    const w = new StoreEventFeedWriter(feed, { writer: 'wc' });
    await w.write([ev('T1', 1, 'shipment.booked'), ev('T1', 2), ev('T1', 3, 'shipment.delivered')]);
    const delivered = await readAll(feed, { limit: 50, types: ['shipment.delivered'] });
    expect(delivered.ids).toContain('T1:e3');
    expect(delivered.ids.every((id) => id === 'T1:e3' || id === 'LATE:e1')).toBe(true);
    expect((await feed.orderEvents('T1', 0, 10)).events.map((e) => e.id)).toEqual(['T1:e1', 'T1:e2', 'T1:e3']);
    expect(await feed.orderEvents('T1', 1, 1)).toMatchObject({ events: [{ id: 'T1:e2' }], last: 2, hasMore: true });
    expect((await feed.orderEvents('T1', 0, 10, 'shipment.booked')).events.map((e) => e.id)).toEqual(['T1:e1']);
    expect(await feed.orderEvents('NOPE', 0, 10)).toEqual({ events: [], last: 0, hasMore: false });
  });

  it('a retried append of the same events is harmless; a seq that holds other events is refused', async () => {
    const feed = new StoreEventFeed(mongo.db);
    await feed.openWriter('wd');
    expect(await feed.append('wd', 0, [ev('R1', 1)])).toBe(true);
    expect(await feed.append('wd', 0, [ev('R1', 1)])).toBe(true);
    expect(await feed.append('wd', 0, [ev('R2', 1)])).toBe(false);
    expect((await feed.logs()).find((l) => l._id === 'wd')?.next).toBe(1);
  });

  it('finds a time range by bisection and prunes what is older than the retention', async () => {
    let now = Date.parse('2026-01-01T00:00:00.000Z');
    const feed = new StoreEventFeed(mongo.db, () => now);
    const w = new StoreEventFeedWriter(feed, { writer: 'we' });
    for (let i = 1; i <= 30; i++) {
      now += 3_600_000;
      await w.write([ev('RANGE', i)]);
    }
    const hour = (h: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + h * 3_600_000).toISOString();
    expect((await feed.range(hour(10), hour(12), 100)).map((e) => e.sequence)).toEqual([10, 11, 12]);
    expect(await feed.prune(hour(20))).toBeGreaterThanOrEqual(19);
    expect((await feed.range(hour(0), hour(40), 100)).filter((e) => e.orderId === 'RANGE').map((e) => e.sequence)).toEqual(Array.from({ length: 11 }, (_, i) => i + 20));
    expect(await feed.event('RANGE:e5')).toBeNull();
    expect(await feed.event('RANGE:e25')).toMatchObject({ sequence: 25 });
  });
});

describe('StoreEndpointsRepo', () => {
  const box = new SecretBox({ current: { id: 'k1', key: randomBytes(32) }, old: [] });

  it('keeps signing secrets encrypted and write-only, rotates with an overlap, and re-enables by hand', async () => {
    let now = Date.parse('2026-12-07T00:00:00.000Z');
    const repo = new StoreEndpointsRepo(mongo.db, box, () => now);
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const created = await repo.create({ url: 'https://shop.example/hooks', eventTypes: ['shipment.delivered'], secret, by: 'admin:0' });
    expect(JSON.stringify(created)).not.toContain(secret.slice(6));
    const raw = await mongo.db.collection('store_endpoints').findOne({ _id: created.id as never });
    expect(JSON.stringify(raw)).not.toContain(secret.slice(6));
    expect((await repo.decrypted(created.id))?.secrets).toEqual([secret]);
    expect(await repo.subscribers('shipment.delivered')).toContain(created.id);
    expect(await repo.subscribers('shipment.booked')).not.toContain(created.id);

    const next = `whsec_${randomBytes(32).toString('base64')}`;
    await repo.rotateSecret(created.id, next, 24, 'admin:0');
    expect((await repo.decrypted(created.id))?.secrets).toEqual([next, secret]);
    now += 25 * 3_600_000;
    expect((await repo.decrypted(created.id))?.secrets).toEqual([next]);

    await repo.recordHealth(created.id, false, 'HTTP 503');
    await repo.disable(created.id, 'failing');
    expect(await repo.subscribers('shipment.delivered')).not.toContain(created.id);
    const again = await repo.update(created.id, { enabled: true, by: 'admin:0' });
    expect(again).toMatchObject({ enabled: true });
    expect(again?.health.failingSince).toBeUndefined();
    expect(again?.disabledReason).toBeUndefined();
  });
});
