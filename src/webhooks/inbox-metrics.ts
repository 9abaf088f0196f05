// The inbox gauges' reading: backlog from the small queue of unfinished work (never a scan of the whole
// inbox, which only grows), and the age of the oldest delivery still waiting.
import type { Db } from 'mongodb';
import type { InboxSnapshot } from '../lib/metrics';
import { COLLECTIONS } from '../storage/collections';
import type { InboxQueueEntry, InboxRecord } from '../storage/inbox-repo';

/** At most this many queued ids are looked at for the oldest age (the queue is normally tiny). */
const AGE_SAMPLE = 1000;

export function inboxSnapshot(db: Db): () => Promise<InboxSnapshot> {
  const queue = db.collection<InboxQueueEntry>(COLLECTIONS.inboxQueue);
  const inbox = db.collection<InboxRecord>(COLLECTIONS.inbox);
  return async () => {
    const [pending, unmatched] = await Promise.all([queue.countDocuments({ status: 'pending' }), queue.countDocuments({ status: 'unmatched' })]);
    const ids = (await queue.find({}, { projection: { _id: 1 } }).limit(AGE_SAMPLE).toArray()).map((q) => q._id);
    const oldest = ids.length ? await inbox.find({ _id: { $in: ids } }, { projection: { receivedAt: 1 } }).sort({ receivedAt: 1 }).limit(1).next() : null;
    return { backlog: { pending, unmatched }, ...(oldest ? { oldestPendingAt: Date.parse(oldest.receivedAt) } : {}) };
  };
}
