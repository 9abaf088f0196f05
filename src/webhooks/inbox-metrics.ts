// The inbox gauges' reading: backlog from the journal's cursors (accepted, not yet delivered; written
// lazily, about once a second) and the small queue of retries (never a scan of the whole inbox, which
// only grows), and the age of the oldest delivery still waiting.
import type { Db } from 'mongodb';
import type { InboxSnapshot } from '../lib/metrics';
import { InboxRepo } from '../storage/inbox-repo';
import { WebhookJournal } from '../storage/webhook-journal';

/** Queue entries written before they carried receivedAt: looked up one by one, at most this many. */
const LEGACY_SAMPLE = 50;

export function inboxSnapshot(db: Db): () => Promise<InboxSnapshot> {
  const inbox = new InboxRepo(db);
  const journal = new WebhookJournal(db);
  return async () => {
    const [queued, logs] = await Promise.all([inbox.queueCounts(), journal.all()]);
    const waiting = logs.filter((c) => !c.finished && c.written > c.drained);
    const pending = queued.pending + waiting.reduce((n, c) => n + (c.written - c.drained), 0);
    // Each log's oldest undelivered segment, read by _id.
    const heads = await Promise.all(waiting.map(async (c) => (await journal.get(c._id, c.next))?.at));
    const queuedTimes = await inbox.queuedReceivedTimes(LEGACY_SAMPLE);
    const times = [...queuedTimes, ...heads].filter((t): t is string => typeof t === 'string').map((t) => Date.parse(t));
    return { backlog: { pending, unmatched: queued.unmatched }, ...(times.length ? { oldestPendingAt: Math.min(...times) } : {}) };
  };
}
