// The inbox and its work queue: due documents are claimed under a lease, one claimant at a time, and
// finished documents leave the queue (so the relay never scans the ever-growing inbox).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inboxId, InboxRepo, overallStatus, type InboxRecord } from '../../src/storage/inbox-repo';
import { COLLECTIONS } from '../../src/storage/collections';
import type { Mongo } from '../../src/storage/mongo';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
let now = Date.parse('2025-01-01T00:00:00.000Z');
let inbox: InboxRepo;
const iso = (ms: number) => new Date(ms).toISOString();

function doc(id: string, over: Partial<InboxRecord> = {}): InboxRecord {
  return {
    _id: id,
    courier: 'delhivery',
    endpoint: '/api/webhooks/courier/delhivery',
    receivedAt: iso(now),
    rawBody: '{}',
    deliveries: [{ awb: `AWB-${id}`, status: 'pending', attempts: 0, events: [] }],
    status: 'pending',
    attempts: 0,
    nextAttemptAt: iso(now),
    updatedAt: iso(now),
    ...over,
  };
}

beforeAll(async () => {
  mongo = await freshMongo('inbox_repo');
  inbox = new InboxRepo(mongo.db, () => now);
});
afterAll(async () => mongo.close());
beforeEach(async () => {
  await Promise.all([mongo.cols.inbox.deleteMany({}), mongo.db.collection(COLLECTIONS.inboxQueue).deleteMany({})]);
});
const queued = async () => (await mongo.db.collection(COLLECTIONS.inboxQueue).find({}).toArray()).map((d) => d._id).sort();

describe('InboxRepo', () => {
  it('refuses the same delivery twice, and queues only unfinished work', async () => {
    expect(await inbox.insert(doc('a'))).toBe(true);
    expect(await inbox.insert(doc('a'))).toBe(false);
    expect(await inbox.insert(doc('b', { status: 'delivered', deliveries: [] }))).toBe(true);
    expect(await queued()).toEqual(['a']);
  });

  it('takes work off the queue once it is finished, and keeps it there (rescheduled) while it is not', async () => {
    const d = doc('c');
    await inbox.insert(d);
    await inbox.saveOutcome(d, { deliveries: [{ ...d.deliveries[0]!, status: 'unmatched', attempts: 1 }], status: 'unmatched', attempts: 1, nextAttemptAt: iso(now + 5_000) });
    expect(await inbox.backlog()).toEqual({ pending: 0, unmatched: 1 });
    expect(await inbox.claimDue(1_000)).toBeNull();
    await inbox.saveOutcome(d, { deliveries: [{ ...d.deliveries[0]!, status: 'delivered', attempts: 2 }], status: 'delivered', attempts: 2, nextAttemptAt: iso(now) });
    expect(await queued()).toEqual([]);
    // A resend of a finished delivery leaves nothing queued either.
    expect(await inbox.insert(d)).toBe(false);
    expect(await queued()).toEqual([]);
  });

  it('drops a queue entry whose document is finished or was never written (crash between the writes)', async () => {
    await mongo.db.collection<{ _id: string }>(COLLECTIONS.inboxQueue).insertOne({ _id: 'ghost', courier: 'delhivery', status: 'pending', awbs: [], nextAttemptAt: iso(now - 1) } as never);
    await inbox.insert(doc('real'));
    expect((await inbox.claimDue(1_000))?._id).toBe('real');
    expect(await queued()).toEqual(['real']);
  });

  it('claims due work most overdue first, and not again while the lease runs', async () => {
    await inbox.insert(doc('late', { nextAttemptAt: iso(now - 5_000) }));
    await inbox.insert(doc('due', { nextAttemptAt: iso(now) }));
    await inbox.insert(doc('future', { nextAttemptAt: iso(now + 60_000) }));
    await inbox.insert(doc('done', { status: 'delivered', deliveries: [], nextAttemptAt: iso(now - 10_000) }));
    await inbox.insert(doc('waiting', { status: 'unmatched', nextAttemptAt: iso(now - 1_000) }));
    const claimed = [];
    for (let d = await inbox.claimDue(30_000); d; d = await inbox.claimDue(30_000)) claimed.push(d._id);
    expect(claimed).toEqual(['late', 'waiting', 'due']);
    now += 60_001; // leases expired, and 'future' is due too
    const again = [];
    for (let d = await inbox.claimDue(30_000); d; d = await inbox.claimDue(30_000)) again.push(d._id);
    expect(again.sort()).toEqual(['due', 'future', 'late', 'waiting']);
  });

  it('claims a batch with one query: most overdue first, at most the limit, leased until it runs out', async () => {
    for (let i = 0; i < 7; i++) await inbox.insert(doc(`b${i}`, { nextAttemptAt: iso(now - 1_000 * (7 - i)) }));
    await inbox.insert(doc('later', { nextAttemptAt: iso(now + 60_000) }));
    expect((await inbox.claimDueBatch(30_000, 3)).map((d) => d._id)).toEqual(['b0', 'b1', 'b2']);
    expect((await inbox.claimDueBatch(30_000, 10)).map((d) => d._id)).toEqual(['b3', 'b4', 'b5', 'b6']);
    expect(await inbox.claimDueBatch(30_000, 3)).toEqual([]);
    // Two claimers racing may both take a document on FerretDB v1 (its conditional update is read, then
    // write; MongoDB's is atomic): harmless, as a delivery made twice is applied once by the workflow.
    now += 30_001;
    expect((await inbox.claimDueBatch(30_000, 10)).map((d) => d._id)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
  });

  it('makes unmatched deliveries of one AWB due at once (expedite)', async () => {
    await inbox.insert(doc('u1', { status: 'unmatched', nextAttemptAt: iso(now + 60_000) }));
    await inbox.insert(doc('u2', { status: 'unmatched', nextAttemptAt: iso(now + 60_000), deliveries: [{ awb: 'OTHER', status: 'unmatched', attempts: 1, events: [] }] }));
    expect(await inbox.expedite('delhivery', 'AWB-u1')).toBe(1);
    expect(await inbox.expedite('shiprocket', 'AWB-u1')).toBe(0);
    expect((await inbox.claimDue(1_000))?._id).toBe('u1');
    expect(await inbox.claimDue(1_000)).toBeNull();
  });

  it('counts by status and lists without raw bodies', async () => {
    await inbox.insert(doc('p', { rawBody: '{"secret-ish":1}' }));
    await inbox.insert(doc('d', { status: 'delivered' }));
    expect(await inbox.counts()).toEqual({ pending: 1, delivered: 1, unmatched: 0, rejected: 0 });
    const list = await inbox.list({ limit: 10, status: 'pending' });
    expect(list).toEqual([expect.objectContaining({ id: 'p', deliveries: [expect.objectContaining({ eventCount: 0 })] })]);
    expect(JSON.stringify(list)).not.toContain('secret-ish');
  });

  it('derives the overall status from the deliveries', () => {
    const d = (status: InboxRecord['status']) => ({ awb: 'a', status, attempts: 0, events: [] });
    expect(overallStatus([d('delivered'), d('pending'), d('unmatched')])).toBe('pending');
    expect(overallStatus([d('delivered'), d('unmatched')])).toBe('unmatched');
    expect(overallStatus([d('delivered'), d('rejected')])).toBe('rejected');
    expect(overallStatus([d('delivered')])).toBe('delivered');
    expect(overallStatus([])).toBe('delivered');
    expect(inboxId('delhivery', '{}')).not.toBe(inboxId('shiprocket', '{}'));
  });
});
