// The inbox gauges' reading: backlog from the small queue of unfinished work (never a scan of the whole
// inbox, which only grows), and the age of the oldest delivery still waiting.
import type { Db } from 'mongodb';
import type { InboxSnapshot } from '../lib/metrics';
import { COLLECTIONS } from '../storage/collections';
import type { InboxQueueEntry, InboxRecord } from '../storage/inbox-repo';

/** Queue entries written before they carried receivedAt: looked up one by one, at most this many. */
const LEGACY_SAMPLE = 50;

export function inboxSnapshot(db: Db): () => Promise<InboxSnapshot> {
  const queue = db.collection<InboxQueueEntry>(COLLECTIONS.inboxQueue);
  const inbox = db.collection<InboxRecord>(COLLECTIONS.inbox);
  return async () => {
    const [pending, unmatched] = await Promise.all([queue.countDocuments({ status: 'pending' }), queue.countDocuments({ status: 'unmatched' })]);
    // From the queue alone: an $in over the inbox is a scan of every webhook ever received on FerretDB v1,
    // once per Prometheus scrape.
    const oldestQueued = await queue.find({ receivedAt: { $exists: true } }, { projection: { receivedAt: 1 } }).sort({ receivedAt: 1 }).limit(1).next();
    const legacy = await queue.find({ receivedAt: { $exists: false } }, { projection: { _id: 1 } }).limit(LEGACY_SAMPLE).toArray();
    const legacyTimes = await Promise.all(legacy.map(async (q) => (await inbox.findOne({ _id: q._id }, { projection: { receivedAt: 1 } }))?.receivedAt));
    const times = [oldestQueued?.receivedAt, ...legacyTimes].filter((t): t is string => typeof t === 'string').map((t) => Date.parse(t));
    return { backlog: { pending, unmatched }, ...(times.length ? { oldestPendingAt: Math.min(...times) } : {}) };
  };
}
