// The inbox's relay queue: due documents are claimed under a lease, one claimant at a time.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inboxId, InboxRepo, overallStatus, type InboxRecord } from '../../src/storage/inbox-repo';
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
  await mongo.cols.inbox.deleteMany({});
});

describe('InboxRepo', () => {
  it('refuses the same delivery twice', async () => {
    expect(await inbox.insert(doc('a'))).toBe(true);
    expect(await inbox.insert(doc('a'))).toBe(false);
  });

  it('claims due work most overdue first, and not again while the lease runs', async () => {
    await inbox.insert(doc('late', { nextAttemptAt: iso(now - 5_000) }));
    await inbox.insert(doc('due', { nextAttemptAt: iso(now) }));
    await inbox.insert(doc('future', { nextAttemptAt: iso(now + 60_000) }));
    await inbox.insert(doc('done', { status: 'delivered', nextAttemptAt: iso(now - 10_000) }));
    await inbox.insert(doc('waiting', { status: 'unmatched', nextAttemptAt: iso(now - 1_000) }));
    const claimed = [];
    for (let d = await inbox.claimDue(30_000); d; d = await inbox.claimDue(30_000)) claimed.push(d._id);
    expect(claimed).toEqual(['late', 'waiting', 'due']);
    now += 60_001; // leases expired, and 'future' is due too
    const again = [];
    for (let d = await inbox.claimDue(30_000); d; d = await inbox.claimDue(30_000)) again.push(d._id);
    expect(again.sort()).toEqual(['due', 'future', 'late', 'waiting']);
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
