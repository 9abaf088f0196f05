// The webhook journal: the durable log that carries accepted webhooks from the ack to the workflows.
//
// Each API process appends to a log of its own: segment `${writer}:${seq}`, seq counting up from 0 with
// no gaps while the writer lives (a failed append is retried under the same seq). One segment holds
// every webhook of one group commit, so a burst costs one write per group, not one per request. The
// drainer reads a log by exact _id, the one filter FerretDB v1 answers from an index, so draining costs
// the same with a million stored webhooks as with none. Every log has a small cursor document (the
// next seq to deliver, who drains it, the writer's heartbeat), in a collection that holds one document
// per API process start.
import type { Collection, Db } from 'mongodb';
import type { CourierId } from '../domain/events';
import { COLLECTIONS } from './collections';
import type { InboxDelivery } from './inbox-repo';
import { isDuplicateKey } from './mongo';

/** One accepted webhook as the drainer needs it: the inbox document's id and its parsed deliveries. */
export interface JournalItem {
  id: string;
  courier: CourierId;
  receivedAt: string;
  deliveries: InboxDelivery[];
}

export interface JournalSegment {
  _id: string;
  writer: string;
  seq: number;
  /** When the group was committed (retention ages segments by it). */
  at: string;
  items: JournalItem[];
  /** Items that turned out to be resends of webhooks already in the inbox: not delivered again. */
  dupes?: string[];
}

export interface JournalCursor {
  _id: string; // the writer
  /** Next seq to deliver: every segment below it has been delivered (or handed to the retry queue). */
  next: number;
  /** Webhooks appended and delivered by this log, for the backlog gauge (written lazily). */
  written: number;
  drained: number;
  /** The writer's last sign of life; a log whose writer went quiet is adopted by another drainer. */
  heartbeatAt: string;
  /** Who drains this log, and until when that claim holds without renewal. */
  owner: string;
  leaseUntil: string;
  /** Every segment below it has been deleted by retention. */
  pruned: number;
  /** The writer stopped cleanly or died, and everything it wrote is delivered. */
  finished?: boolean;
}

export const segmentId = (writer: string, seq: number) => `${writer}:${seq}`;

export class WebhookJournal {
  private readonly segments: Collection<JournalSegment>;
  private readonly cursors: Collection<JournalCursor>;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.segments = db.collection<JournalSegment>(COLLECTIONS.journal);
    this.cursors = db.collection<JournalCursor>(COLLECTIONS.journalCursors);
  }

  /** A new log for a starting writer, drained by itself. */
  async open(writer: string, leaseMs: number): Promise<void> {
    const at = iso(this.now());
    await this.cursors.insertOne({ _id: writer, next: 0, written: 0, drained: 0, heartbeatAt: at, owner: writer, leaseUntil: iso(this.now() + leaseMs), pruned: 0 });
  }

  /** False when the seq is taken: an earlier append that reported failure did land. */
  async append(seg: JournalSegment): Promise<boolean> {
    try {
      await this.segments.insertOne(seg);
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  async markDupes(id: string, dupes: string[]): Promise<void> {
    await this.segments.updateOne({ _id: id }, { $set: { dupes } });
  }

  get(writer: string, seq: number): Promise<JournalSegment | null> {
    return this.segments.findOne({ _id: segmentId(writer, seq) });
  }

  cursor(writer: string): Promise<JournalCursor | null> {
    return this.cursors.findOne({ _id: writer });
  }

  /** Progress of a log, by _id. `lease` renews the drainer's claim at the same time. */
  async advance(writer: string, p: { next: number; drained: number; leaseUntil?: number; finished?: boolean }): Promise<void> {
    const set: Partial<JournalCursor> = { next: p.next, drained: p.drained };
    if (p.leaseUntil !== undefined) set.leaseUntil = iso(p.leaseUntil);
    if (p.finished) set.finished = true;
    await this.cursors.updateOne({ _id: writer }, { $set: set });
  }

  /** A writer stopping cleanly: its log can be adopted at once (it is finished if nothing is left). */
  async release(writer: string, p: { next: number; written: number; drained: number; finished: boolean }): Promise<void> {
    const epoch = iso(0);
    await this.cursors.updateOne({ _id: writer }, { $set: { ...p, heartbeatAt: epoch, leaseUntil: epoch } });
  }

  async heartbeat(writer: string, written: number, leaseMs: number): Promise<void> {
    const now = this.now();
    await this.cursors.updateOne({ _id: writer }, { $set: { heartbeatAt: iso(now), written, leaseUntil: iso(now + leaseMs) } });
  }

  /** Every log (one per API process start; a small collection, so the scan is cheap). */
  all(): Promise<JournalCursor[]> {
    return this.cursors.find({}).toArray();
  }

  /**
   * Claims a quiet writer's log for this drainer. The read-then-write is by _id (FerretDB would scan a
   * guarded filter anyway); two drainers that race here both deliver the same segments, which the
   * workflows' event dedupe makes harmless, and the later claim wins the cursor.
   */
  async adopt(writer: string, owner: string, leaseMs: number, quietMs: number): Promise<JournalCursor | null> {
    const now = this.now();
    const c = await this.cursors.findOne({ _id: writer });
    if (!c || c.finished || c.owner === owner) return c && c.owner === owner && !c.finished ? c : null;
    if (Date.parse(c.heartbeatAt) > now - quietMs || Date.parse(c.leaseUntil) > now) return null;
    await this.cursors.updateOne({ _id: writer }, { $set: { owner, leaseUntil: iso(now + leaseMs) } });
    return { ...c, owner, leaseUntil: iso(now + leaseMs) };
  }

  async deleteSegment(id: string): Promise<void> {
    await this.segments.deleteOne({ _id: id });
  }

  async setPruned(writer: string, pruned: number): Promise<void> {
    await this.cursors.updateOne({ _id: writer }, { $set: { pruned } });
  }

  async deleteCursor(writer: string): Promise<void> {
    await this.cursors.deleteOne({ _id: writer });
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
