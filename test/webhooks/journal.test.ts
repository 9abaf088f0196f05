// The webhook journal on a real FerretDB (or MongoDB): group commit, the drainer, adoption of a stopped
// writer's log, and retention. The gateway is a fake that records signals.
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ShipmentGatewayError } from '../../src/shipments/gateway';
import { AwbIndexRepo } from '../../src/storage/awb-index-repo';
import { COLLECTIONS } from '../../src/storage/collections';
import { InboxRepo, type InboxRecord } from '../../src/storage/inbox-repo';
import type { Mongo } from '../../src/storage/mongo';
import { WebhookJournal } from '../../src/storage/webhook-journal';
import fc from 'fast-check';
import { chunkByEvents, InboxDeliverer } from '../../src/webhooks/deliver';
import { GroupCommitter } from '../../src/webhooks/group-commit';
import { JournalDrainer, DEFAULT_DRAINER_OPTIONS } from '../../src/webhooks/journal-drainer';
import { InboxRetention } from '../../src/webhooks/retention';
import { FakeGateway } from '../support/api';
import { freshMongo } from '../support/mongo';

const log = pino({ level: 'silent' });
let mongo: Mongo;
let inbox: InboxRepo;
let awbs: AwbIndexRepo;
let journal: WebhookJournal;
let gateway: FakeGateway;
let now = Date.parse('2025-03-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function doc(id: string, awb = 'AWB1', events = 1): InboxRecord {
  const at = iso(now);
  return {
    _id: id,
    courier: 'delhivery',
    endpoint: '/x',
    receivedAt: at,
    rawBody: `{"id":"${id}"}`,
    deliveries: events ? [{ awb, status: 'pending', attempts: 0, events: Array.from({ length: events }, (_, i) => ({ key: `${id}:${i}`, courier: 'delhivery', awb, status: 'in_transit', rawCode: 'IT', rawLabel: 'IT', description: 'IT', occurredAt: at })) }] : [],
    status: events ? 'pending' : 'delivered',
    attempts: 0,
    nextAttemptAt: at,
    updatedAt: at,
  };
}

function parts(writer: string, o: { maxGroup?: number } = {}) {
  const deliverer = new InboxDeliverer({ inbox, awbs, gateway, log, now: () => now });
  const drainer = new JournalDrainer(journal, deliverer, log, { ...DEFAULT_DRAINER_OPTIONS, writer, quietMs: 60_000, leaseMs: 60_000 }, () => now);
  const committer = new GroupCommitter({ inbox, journal, writer, log, maxGroup: o.maxGroup ?? 500, onCommitted: (s, items) => drainer.onCommitted(s, items), now: () => now });
  return { deliverer, drainer, committer };
}

beforeAll(async () => {
  mongo = await freshMongo('journal');
  inbox = new InboxRepo(mongo.db, () => now);
  awbs = new AwbIndexRepo(mongo.cols, () => now);
  journal = new WebhookJournal(mongo.db, () => now);
  await awbs.register('delhivery', 'AWB1', 'ORD-1');
  await awbs.register('delhivery', 'AWB2', 'ORD-2');
});
afterAll(async () => mongo.close());
beforeEach(async () => {
  gateway = new FakeGateway();
  await Promise.all(
    [COLLECTIONS.inbox, COLLECTIONS.inboxQueue, COLLECTIONS.journal, COLLECTIONS.journalCursors].map((c) => mongo.db.collection(c).deleteMany({})),
  );
});

const segments = () => mongo.db.collection(COLLECTIONS.journal).countDocuments();
/** Every event signalled, by key, in signal order. */
const events = () => gateway.signals.flatMap((s) => s.signal.events.map((e) => e.key));

describe('group commit', () => {
  it('writes concurrent webhooks in a few segments, each request told whether it was a duplicate', async () => {
    const { committer, drainer } = parts('w1');
    await journal.open('w1', 60_000);
    const ids = Array.from({ length: 60 }, (_, i) => `g${i % 40}`); // 20 repeats
    const results = await Promise.all(ids.map((id) => committer.submit(doc(id))));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(40);
    // The first commit takes one webhook; everything that arrived meanwhile shares the next ones.
    expect(await segments()).toBeLessThan(10);
    expect(await mongo.cols.inbox.countDocuments()).toBe(40);
    expect(drainer.backlog()).toBe(40);
    // A resend later is a duplicate too, and is not journalled for delivery again.
    expect(await committer.submit(doc('g3'))).toEqual({ duplicate: true });
    expect(drainer.backlog()).toBe(40);
  });

  it('bounds a group by maxGroup', async () => {
    const { committer } = parts('w2', { maxGroup: 5 });
    await Promise.all(Array.from({ length: 23 }, (_, i) => committer.submit(doc(`m${i}`))));
    const segs = await mongo.db.collection(COLLECTIONS.journal).find({}).toArray();
    expect(segs.every((s) => (s.items as unknown[]).length <= 5)).toBe(true);
    expect(segs.reduce((n, s) => n + (s.items as unknown[]).length, 0)).toBe(23);
  });

  it('a seq found taken (an append that failed but landed) is read back by the drainer, not lost', async () => {
    const { committer, drainer } = parts('w3');
    await drainer.start();
    // What an earlier, failed-looking append of this writer left behind.
    await journal.append({ _id: 'w3:0', writer: 'w3', seq: 0, at: iso(now), items: [{ id: 'lost-ack', courier: 'delhivery', receivedAt: iso(now), deliveries: doc('lost-ack').deliveries }] });
    await committer.submit(doc('next'));
    await drainer.caughtUp();
    expect(events().sort()).toEqual(['lost-ack:0', 'next:0']);
    await drainer.stop();
  });
});

describe('the drainer', () => {
  it('delivers everything committed, in order per order, and settles the inbox documents', async () => {
    const { committer, drainer } = parts('d1');
    await drainer.start();
    const ids = Array.from({ length: 30 }, (_, i) => `o${String(i).padStart(2, '0')}`);
    await Promise.all(ids.map((id, i) => committer.submit(doc(id, i % 2 ? 'AWB2' : 'AWB1'))));
    await drainer.caughtUp();
    // Every event once; one order's events in journal order, however they were merged into signals.
    expect(events()).toHaveLength(30);
    for (const order of ['ORD-1', 'ORD-2']) {
      const seen = gateway.signals.filter((s) => s.orderId === order).flatMap((s) => s.signal.events.map((e) => e.key));
      expect(seen).toEqual([...seen].sort());
      expect(seen).toHaveLength(15);
    }
    // A burst is merged: far fewer signals than webhooks.
    expect(gateway.signals.length).toBeLessThan(30);
    expect(await mongo.cols.inbox.countDocuments({ status: 'delivered' })).toBe(30);
    expect(drainer.backlog()).toBe(0);
    await drainer.stop();
    expect(await journal.cursor('d1')).toMatchObject({ next: (await segments()), finished: true });
  });

  it('hands an unknown AWB to the retry queue instead of holding the log', async () => {
    const { committer, drainer } = parts('d2');
    await drainer.start();
    await committer.submit(doc('u1', 'NOT-BOOKED'));
    await committer.submit(doc('k1', 'AWB1'));
    await drainer.caughtUp();
    expect(events()).toEqual(['k1:0']);
    expect(await mongo.cols.inbox.findOne({ _id: 'u1' })).toMatchObject({ status: 'unmatched' });
    expect(await mongo.db.collection(COLLECTIONS.inboxQueue).findOne({ _id: 'u1' as never })).toMatchObject({ status: 'unmatched', awbs: ['NOT-BOOKED'] });
    await drainer.stop();
  });

  it("another drainer adopts a stopped writer's undelivered log and delivers it once", async () => {
    const a = parts('a1');
    await a.drainer.start();
    gateway.fail = new ShipmentGatewayError('unavailable', 'down');
    await Promise.all(['x1', 'x2', 'x3'].map((id) => a.committer.submit(doc(id))));
    await a.drainer.stop(); // Temporal was down the whole time: nothing delivered
    expect(gateway.signals).toHaveLength(0);
    gateway.fail = undefined;
    const b = parts('b1');
    await b.drainer.start();
    await expect.poll(async () => (await journal.cursor('a1'))?.finished, { timeout: 10_000 }).toBe(true);
    expect(events().sort()).toEqual(['x1:0', 'x2:0', 'x3:0']);
    await b.drainer.stop();
  });

  it('keeps what got through when Temporal stops answering mid-batch, and resends only the rest', async () => {
    const down = new Set(['ORD-2']);
    const inner = gateway;
    const flaky = {
      signalEvents: async (orderId: string, sig: Parameters<FakeGateway['signalEvents']>[1]) => {
        if (down.has(orderId)) throw new ShipmentGatewayError('unavailable', 'deadline exceeded');
        return inner.signalEvents(orderId, sig);
      },
      tracking: (id: string) => inner.tracking(id),
    };
    const deliverer = new InboxDeliverer({ inbox, awbs, gateway: flaky, log, now: () => now });
    const drainer = new JournalDrainer(journal, deliverer, log, { ...DEFAULT_DRAINER_OPTIONS, writer: 'p1', quietMs: 60_000, leaseMs: 60_000 }, () => now);
    const committer = new GroupCommitter({ inbox, journal, writer: 'p1', log, maxGroup: 500, onCommitted: (q, items) => drainer.onCommitted(q, items), now: () => now });
    await drainer.start();
    await Promise.all(['p-a', 'p-b', 'p-c', 'p-d'].map((id, i) => committer.submit(doc(id, i % 2 ? 'AWB2' : 'AWB1'))));
    await expect.poll(async () => (await mongo.cols.inbox.countDocuments({ status: 'delivered' })), { timeout: 10_000 }).toBe(2);
    // ORD-2's two still wait (with whatever shared their segment); ORD-1's are settled.
    expect(drainer.backlog()).toBeGreaterThanOrEqual(2);
    down.clear();
    await drainer.caughtUp();
    // ORD-1's two were signalled once each; ORD-2's two once each after Temporal came back.
    expect(inner.signals.flatMap((x) => x.signal.events.map((e) => e.key)).sort()).toEqual(['p-a:0', 'p-b:0', 'p-c:0', 'p-d:0']);
    expect(drainer.backlog()).toBe(0);
    await drainer.stop();
  });

  it('does not adopt a live writer', async () => {
    const a = parts('live');
    await a.drainer.start();
    expect(await journal.adopt('live', 'other', 60_000, 60_000)).toBeNull();
    await a.drainer.stop();
  });
});

describe('retention', () => {
  it('deletes delivered webhooks past the age in bounded batches, keeps recent and still-queued ones', async () => {
    const { committer, drainer } = parts('r1', { maxGroup: 1 });
    await drainer.start();
    const start = now;
    for (let i = 0; i < 5; i++) await committer.submit(doc(`old${i}`));
    await committer.submit(doc('old-unmatched', 'NOT-BOOKED'));
    now = start + 40 * 86_400_000;
    await committer.submit(doc('recent'));
    await drainer.caughtUp();
    await drainer.stop();
    const retention = new InboxRetention(journal, inbox, log, { maxAgeMs: 30 * 86_400_000, batchSegments: 4, intervalMs: 60_000 }, () => now);
    expect(await retention.pruneOnce()).toMatchObject({ segments: 4, webhooks: 4, more: true });
    expect(await retention.pruneOnce()).toMatchObject({ segments: 2, webhooks: 1, more: false });
    const left = (await mongo.cols.inbox.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id).sort();
    expect(left).toEqual(['old-unmatched', 'recent']);
    expect(await segments()).toBe(1);
    now = start;
  });
});

describe('chunkByEvents (merging an order\'s webhooks into signals)', () => {
  it('keeps order, covers every part once, and bounds each chunk unless one part alone is larger', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 150 }), { maxLength: 60 }), fc.integer({ min: 1, max: 120 }), (sizes, max) => {
        const parts = sizes.map((events, k) => ({ k, events }));
        const chunks = chunkByEvents(parts, max);
        expect(chunks.flat()).toEqual(parts.map((p) => p.k));
        for (const c of chunks) {
          const n = c.reduce((a, k) => a + sizes[k]!, 0);
          expect(c.length === 1 || n <= max).toBe(true);
        }
      }),
    );
  });
});
