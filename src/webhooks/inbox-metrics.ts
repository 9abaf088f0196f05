// The inbox gauges' reading: backlog from the journal's cursors (accepted, not yet delivered; written
// lazily, about once a second) and the small queue of retries (never a scan of the whole inbox, which
// only grows), and the age of the oldest delivery still waiting.
import type { Db } from 'mongodb';
import type { InboxSnapshot } from '../lib/metrics';
import { COLLECTIONS } from '../storage/collections';
import type { InboxQueueEntry, InboxRecord } from '../storage/inbox-repo';
import { WebhookJournal } from '../storage/webhook-journal';

/** Queue entries written before they carried receivedAt: looked up one by one, at most this many. */
const LEGACY_SAMPLE = 50;

export function inboxSnapshot(db: Db): () => Promise<InboxSnapshot> {
  const queue = db.collection<InboxQueueEntry>(COLLECTIONS.inboxQueue);
  const inbox = db.collection<InboxRecord>(COLLECTIONS.inbox);
  const journal = new WebhookJournal(db);
  return async () => {
    const [queuedPending, unmatched, logs] = await Promise.all([queue.countDocuments({ status: 'pending' }), queue.countDocuments({ status: 'unmatched' }), journal.all()]);
    const waiting = logs.filter((c) => !c.finished && c.written > c.drained);
    const pending = queuedPending + waiting.reduce((n, c) => n + (c.written - c.drained), 0);
    // Each log's oldest undelivered segment, read by _id.
    const heads = await Promise.all(waiting.map(async (c) => (await journal.get(c._id, c.next))?.at));
    // From the queue alone: an $in over the inbox is a scan of every webhook ever received on FerretDB v1,
    // once per Prometheus scrape.
    const oldestQueued = await queue.find({ receivedAt: { $exists: true } }, { projection: { receivedAt: 1 } }).sort({ receivedAt: 1 }).limit(1).next();
    const legacy = await queue.find({ receivedAt: { $exists: false } }, { projection: { _id: 1 } }).limit(LEGACY_SAMPLE).toArray();
    const legacyTimes = await Promise.all(legacy.map(async (q) => (await inbox.findOne({ _id: q._id }, { projection: { receivedAt: 1 } }))?.receivedAt));
    const times = [oldestQueued?.receivedAt, ...heads, ...legacyTimes].filter((t): t is string => typeof t === 'string').map((t) => Date.parse(t));
    return { backlog: { pending, unmatched }, ...(times.length ? { oldestPendingAt: Math.min(...times) } : {}) };
  };
}
