// The durable webhook inbox: every accepted courier delivery is written here before the courier gets its
// 200, then delivered to workflows by the API (at once) or by the relay (after a failure or a crash).
// A delivery's _id is a hash of its courier and body, so a courier's resend is recognised and not
// processed twice; the workflow's own event-key dedupe covers a signal sent twice after a crash.
//
// Work still to do is tracked in a separate, small queue collection keyed by the same id, and every
// read or write of the inbox itself is by _id. FerretDB v1 answers any other filter by scanning the
// whole collection (≈0.1 ms per document measured), and the inbox only grows: a relay querying it by
// status would get slower with every webhook ever received. The queue holds only unfinished work.
import { createHash } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type { CourierId, TrackingEvent } from '../domain/events';
import { COLLECTIONS, isFerretDb } from './collections';
import { isDuplicateKey } from './mongo';
import type { InboxDoc, InboxStatus } from './types';

/** One AWB's share of a delivery, with the events parsed for it (the relay never re-parses raw bodies). */
export type InboxDelivery = InboxDoc['deliveries'][number] & { events: TrackingEvent[] };

export interface InboxRecord extends Omit<InboxDoc, 'deliveries'> {
  deliveries: InboxDelivery[];
}

/** What admins see: everything but the raw body and the events' detail. */
export interface InboxSummary {
  id: string;
  courier: CourierId;
  endpoint: string;
  status: InboxStatus;
  receivedAt: string;
  attempts: number;
  nextAttemptAt: string;
  deliveries: Array<Omit<InboxDelivery, 'events'> & { eventCount: number }>;
}

/** One unfinished inbox document: when to try it next, and which AWBs it waits for. */
export interface InboxQueueEntry {
  _id: string; // the inbox document's _id
  courier: CourierId;
  status: 'pending' | 'unmatched';
  awbs: string[];
  nextAttemptAt: string;
  /** The delivery's receivedAt, so the backlog's age is read from the queue alone (absent on entries written before it was kept). */
  receivedAt?: string;
}

const isOpen = (status: InboxStatus): status is InboxQueueEntry['status'] => status === 'pending' || status === 'unmatched';
const openAwbs = (deliveries: readonly InboxDelivery[]) => deliveries.filter((d) => isOpen(d.status)).map((d) => d.awb);

export function inboxId(courier: string, body: Buffer | string): string {
  return createHash('sha256').update(courier).update('\0').update(body).digest('hex');
}

/** The document's status from its deliveries: work left wins over settled outcomes. */
export function overallStatus(deliveries: readonly InboxDelivery[]): InboxStatus {
  const has = (s: InboxStatus) => deliveries.some((d) => d.status === s);
  if (has('pending')) return 'pending';
  if (has('unmatched')) return 'unmatched';
  if (has('rejected')) return 'rejected';
  return 'delivered';
}

export class InboxRepo {
  private readonly col: Collection<InboxRecord>;
  private readonly queue: Collection<InboxQueueEntry>;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.col = db.collection<InboxRecord>(COLLECTIONS.inbox);
    this.queue = db.collection<InboxQueueEntry>(COLLECTIONS.inboxQueue);
    this.idOnlyFilters = () => isFerretDb(db);
  }

  private readonly idOnlyFilters: () => Promise<boolean>;

  /** False when this exact delivery is already in the inbox (a courier's resend). */
  async insert(doc: InboxRecord): Promise<boolean> {
    // Queue entry first: a crash between the two writes leaves an entry without a document (cleaned up
    // by the relay, and the courier got no 200), never a document nobody will retry.
    if (isOpen(doc.status)) {
      await this.queue
        .updateOne(
          { _id: doc._id },
          { $setOnInsert: { courier: doc.courier, status: doc.status, awbs: openAwbs(doc.deliveries), nextAttemptAt: doc.nextAttemptAt, receivedAt: doc.receivedAt } },
          { upsert: true },
        )
        // Two copies of one delivery at the same moment (a courier's retry racing the original): FerretDB
        // v1 answers the losing upsert with a duplicate key where MongoDB would retry it. Either way the
        // entry is there.
        .catch((e: unknown) => {
          if (!isDuplicateKey(e)) throw e;
        });
    }
    try {
      await this.col.insertOne(doc);
      return true;
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      const existing = await this.col.findOne({ _id: doc._id }, { projection: { status: 1 } });
      if (existing && !isOpen(existing.status)) await this.queue.deleteOne({ _id: doc._id });
      return false;
    }
  }

  /**
   * One write for a whole group of accepted webhooks (the group commit). Answers the ids that were
   * already in the inbox: each duplicate is recognised per document, by the unique _id, on both servers.
   * The journal segment carrying the group is written before this, so a document here always has one.
   */
  async insertGroup(docs: readonly InboxRecord[]): Promise<Set<string>> {
    const dupes = new Set<string>();
    if (docs.length === 0) return dupes;
    try {
      await this.col.insertMany(docs as InboxRecord[], { ordered: false });
    } catch (e) {
      const errors = writeErrorsOf(e);
      if (!errors) throw e;
      for (const w of errors) {
        if (w.code !== 11000) throw e;
        const doc = docs[w.index];
        if (doc) dupes.add(doc._id);
      }
    }
    return dupes;
  }

  /** Settles documents the drainer delivered in full: one round trip for the batch, each write by _id. */
  async markDelivered(items: ReadonlyArray<{ id: string; deliveries: InboxDelivery[] }>): Promise<void> {
    if (items.length === 0) return;
    const at = iso(this.now());
    await this.col.bulkWrite(
      items.map((i) => ({
        updateOne: { filter: { _id: i.id }, update: { $set: { deliveries: i.deliveries, status: 'delivered' as const, attempts: 1, nextAttemptAt: at, updatedAt: at } } },
      })),
      { ordered: false },
    );
  }

  /** Deletes settled documents by _id (retention), one round trip; ids still in the retry queue are kept. */
  async deleteSettled(ids: readonly string[], stillQueued: ReadonlySet<string>): Promise<number> {
    const gone = ids.filter((id) => !stillQueued.has(id));
    if (gone.length === 0) return 0;
    const r = await this.col.bulkWrite(
      gone.map((id) => ({ deleteOne: { filter: { _id: id } } })),
      { ordered: false },
    );
    return r.deletedCount;
  }

  /** Ids with unfinished work (the queue is small: only what the journal could not deliver at once). */
  async queuedIds(): Promise<Set<string>> {
    return new Set((await this.queue.find({}, { projection: { _id: 1 } }).toArray()).map((q) => q._id));
  }

  get(id: string): Promise<InboxRecord | null> {
    return this.col.findOne({ _id: id });
  }

  /**
   * Takes the most overdue unfinished delivery and pushes its next attempt past a lease, so another
   * relay (or API replica) leaves it alone while this one works on it. If this process dies, the lease
   * runs out and someone else picks it up.
   */
  async claimDue(leaseMs: number): Promise<InboxRecord | null> {
    return (await this.claimDueBatch(leaseMs, 1))[0] ?? null;
  }

  /**
   * Up to `limit` due deliveries, most overdue first, each leased as claimDue does. One query finds
   * them and each is claimed by _id, only if its time is still the one read: FerretDB v1 answers the
   * range-and-sort by scanning the queue, so this costs one scan per batch rather than one per document
   * (at 200 webhooks/s the per-document scans alone kept FerretDB at 100 % CPU).
   */
  async claimDueBatch(leaseMs: number, limit: number): Promise<InboxRecord[]> {
    const out: InboxRecord[] = [];
    // FerretDB would scan the queue for the guarded update (its guard is a read-then-write anyway).
    const byIdOnly = await this.idOnlyFilters();
    for (;;) {
      const now = this.now();
      const want = limit - out.length;
      const due = await this.queue.find({ nextAttemptAt: { $lte: iso(now) } }, { projection: { nextAttemptAt: 1 } }).sort({ nextAttemptAt: 1 }).limit(want).toArray();
      if (due.length === 0) return out;
      for (const entry of due) {
        // Another relay (or API replica) that read the same entry first has moved its time on.
        const r = await this.queue.updateOne(byIdOnly ? { _id: entry._id } : { _id: entry._id, nextAttemptAt: entry.nextAttemptAt }, { $set: { nextAttemptAt: iso(now + leaseMs) } });
        if (r.modifiedCount !== 1) continue;
        const doc = await this.col.findOne({ _id: entry._id });
        if (doc && isOpen(doc.status)) out.push(doc);
        // Finished meanwhile (or never written): nothing left to do for it.
        else await this.queue.deleteOne({ _id: entry._id });
      }
      if (out.length >= limit || due.length < want) return out;
    }
  }

  async saveOutcome(doc: Pick<InboxRecord, '_id' | 'courier' | 'receivedAt'>, o: Pick<InboxRecord, 'deliveries' | 'status' | 'attempts' | 'nextAttemptAt'>): Promise<void> {
    // Independent writes: whichever lands first, a crash in between leaves a queue entry the relay settles.
    await Promise.all([
      this.col.updateOne({ _id: doc._id }, { $set: { ...o, updatedAt: iso(this.now()) } }),
      isOpen(o.status)
        ? this.queue.updateOne(
            { _id: doc._id },
            { $set: { courier: doc.courier, status: o.status, awbs: openAwbs(o.deliveries), nextAttemptAt: o.nextAttemptAt, receivedAt: doc.receivedAt } },
            { upsert: true },
          )
        : this.queue.deleteOne({ _id: doc._id }),
    ]);
  }

  /** An AWB just became known (the API booked it): make its waiting deliveries due now. */
  async expedite(courier: CourierId, awb: string): Promise<number> {
    const r = await this.queue.updateMany({ status: 'unmatched', courier, awbs: awb }, { $set: { nextAttemptAt: iso(this.now()) } });
    return r.modifiedCount;
  }

  /** Unfinished work, from the queue (cheap on any server). */
  async backlog(): Promise<{ pending: number; unmatched: number }> {
    const rows = await this.queue.aggregate<{ _id: 'pending' | 'unmatched'; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
    return { pending: rows.find((r) => r._id === 'pending')?.n ?? 0, unmatched: rows.find((r) => r._id === 'unmatched')?.n ?? 0 };
  }

  /** The queue's pending and unmatched entries, counted (the queue holds unfinished work only: small). */
  async queueCounts(): Promise<{ pending: number; unmatched: number }> {
    const [pending, unmatched] = await Promise.all([this.queue.countDocuments({ status: 'pending' }), this.queue.countDocuments({ status: 'unmatched' })]);
    return { pending, unmatched };
  }

  /**
   * When the queued deliveries were received, for the age of the oldest: the earliest queue entry's
   * receivedAt, and for entries written before they carried it, at most `legacySample` of them looked up
   * in the inbox by _id. From the queue alone: an $in over the inbox is a scan of every webhook ever
   * received on FerretDB v1.
   */
  async queuedReceivedTimes(legacySample: number): Promise<string[]> {
    const oldest = await this.queue.find({ receivedAt: { $exists: true } }, { projection: { receivedAt: 1 } }).sort({ receivedAt: 1 }).limit(1).next();
    const legacy = await this.queue.find({ receivedAt: { $exists: false } }, { projection: { _id: 1 } }).limit(legacySample).toArray();
    const legacyTimes = await Promise.all(legacy.map(async (q) => (await this.col.findOne({ _id: q._id }, { projection: { receivedAt: 1 } }))?.receivedAt));
    return [oldest?.receivedAt, ...legacyTimes].filter((t): t is string => typeof t === 'string');
  }

  /** Every document by status (scans the inbox: admin views only, never the hot path). */
  async counts(): Promise<Record<InboxStatus, number>> {
    const rows = await this.col.aggregate<{ _id: InboxStatus; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
    const out: Record<InboxStatus, number> = { pending: 0, delivered: 0, unmatched: 0, rejected: 0 };
    for (const r of rows) out[r._id] = r.n;
    return out;
  }

  /** Newest first, for the admin view of what is stuck. */
  async list(q: { status?: InboxStatus; courier?: CourierId; limit: number }): Promise<InboxSummary[]> {
    const docs = await this.col
      .find({ ...(q.status ? { status: q.status } : {}), ...(q.courier ? { courier: q.courier } : {}) }, { projection: { rawBody: 0 } })
      .sort({ receivedAt: -1 })
      .limit(q.limit)
      .toArray();
    return docs.map((d) => ({
      id: d._id,
      courier: d.courier,
      endpoint: d.endpoint,
      status: d.status,
      receivedAt: d.receivedAt,
      attempts: d.attempts,
      nextAttemptAt: d.nextAttemptAt,
      deliveries: d.deliveries.map(({ events, ...rest }) => ({ ...rest, eventCount: events.length })),
    }));
  }
}

/** The per-document errors of an unordered insertMany (both drivers' bulk error shapes). */
function writeErrorsOf(e: unknown): Array<{ index: number; code: number }> | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const raw = (e as { writeErrors?: unknown }).writeErrors;
  if (raw === undefined) return undefined;
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((w: { index?: number; code?: number; err?: { index?: number; code?: number } }) => ({ index: w.index ?? w.err?.index ?? -1, code: w.code ?? w.err?.code ?? 0 }));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
