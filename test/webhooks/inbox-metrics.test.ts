// The inbox gauges read the small queue of unfinished work only: the backlog by status and the age of
// the oldest waiting delivery, also for queue entries written before they carried receivedAt.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../src/storage/collections';
import { InboxRepo, type InboxRecord } from '../../src/storage/inbox-repo';
import type { Mongo } from '../../src/storage/mongo';
import { inboxSnapshot } from '../../src/webhooks/inbox-metrics';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
let inbox: InboxRepo;
const at = (m: number) => new Date(Date.parse('2026-05-01T00:00:00.000Z') + m * 60_000).toISOString();
const doc = (id: string, receivedAt: string, status: InboxRecord['status'] = 'pending'): InboxRecord => ({
  _id: id,
  courier: 'delhivery',
  endpoint: '/x',
  receivedAt,
  rawBody: '{}',
  deliveries: status === 'delivered' ? [] : [{ awb: `AWB-${id}`, status, attempts: 0, events: [] }],
  status,
  attempts: 0,
  nextAttemptAt: receivedAt,
  updatedAt: receivedAt,
});

beforeAll(async () => {
  mongo = await freshMongo('inbox_metrics');
  inbox = new InboxRepo(mongo.db);
});
afterAll(async () => mongo.close());
beforeEach(async () => {
  await Promise.all([mongo.cols.inbox.deleteMany({}), mongo.db.collection(COLLECTIONS.inboxQueue).deleteMany({})]);
});

describe('inbox gauges', () => {
  it('count the backlog by status and date the oldest waiting delivery from the queue', async () => {
    await inbox.insert(doc('old-done', at(0), 'delivered'));
    await inbox.insert(doc('p1', at(10)));
    await inbox.insert(doc('p2', at(5)));
    await inbox.insert(doc('u1', at(20), 'unmatched'));
    expect(await inboxSnapshot(mongo.db)()).toEqual({ backlog: { pending: 2, unmatched: 1 }, oldestPendingAt: Date.parse(at(5)) });
  });

  it('still date an entry queued before entries carried receivedAt, by its inbox document', async () => {
    await inbox.insert(doc('p1', at(10)));
    await mongo.cols.inbox.insertOne(doc('legacy', at(1)));
    await mongo.db.collection(COLLECTIONS.inboxQueue).insertOne({ _id: 'legacy', courier: 'delhivery', status: 'pending', awbs: ['AWB-legacy'], nextAttemptAt: at(1) } as never);
    expect((await inboxSnapshot(mongo.db)()).oldestPendingAt).toBe(Date.parse(at(1)));
  });

  it('report no age when nothing waits', async () => {
    await inbox.insert(doc('done', at(0), 'delivered'));
    expect(await inboxSnapshot(mongo.db)()).toEqual({ backlog: { pending: 0, unmatched: 0 } });
  });
});
