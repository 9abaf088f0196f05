// The durable webhook inbox: every accepted courier delivery is written here before the courier gets its
// 200, then delivered to workflows by the API (at once) or by the relay (after a failure or a crash).
// A delivery's _id is a hash of its courier and body, so a courier's resend is recognised and not
// processed twice; the workflow's own event-key dedupe covers a signal sent twice after a crash.
import { createHash } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type { CourierId, TrackingEvent } from '../domain/events';
import { COLLECTIONS } from './collections';
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

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.col = db.collection<InboxRecord>(COLLECTIONS.inbox);
  }

  /** False when this exact delivery is already in the inbox (a courier's resend). */
  async insert(doc: InboxRecord): Promise<boolean> {
    try {
      await this.col.insertOne(doc);
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  get(id: string): Promise<InboxRecord | null> {
    return this.col.findOne({ _id: id });
  }

  /**
   * Takes the most overdue delivery with work left and pushes its nextAttemptAt past a lease, so another
   * relay (or API replica) leaves it alone while this one works on it. If this process dies, the lease
   * runs out and someone else picks it up.
   */
  async claimDue(leaseMs: number): Promise<InboxRecord | null> {
    const now = this.now();
    return this.col.findOneAndUpdate(
      { status: { $in: ['pending', 'unmatched'] }, nextAttemptAt: { $lte: iso(now) } },
      { $set: { nextAttemptAt: iso(now + leaseMs) } },
      { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
    );
  }

  async saveOutcome(id: string, o: Pick<InboxRecord, 'deliveries' | 'status' | 'attempts' | 'nextAttemptAt'>): Promise<void> {
    await this.col.updateOne({ _id: id }, { $set: { ...o, updatedAt: iso(this.now()) } });
  }

  /** An AWB just became known (the API booked it): make its waiting deliveries due now. */
  async expedite(courier: CourierId, awb: string): Promise<number> {
    const r = await this.col.updateMany({ status: 'unmatched', courier, 'deliveries.awb': awb }, { $set: { nextAttemptAt: iso(this.now()) } });
    return r.modifiedCount;
  }

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

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
